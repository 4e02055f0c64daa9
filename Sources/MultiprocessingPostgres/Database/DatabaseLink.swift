//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if Postgres
    import PostgresNIO
    internal import Threading

    /// One connection to the server for one loop of a queue or worker: opened
    /// when first needed, dropped when it fails, and opened again by the next
    /// query. Each loop owns its link and uses it from its one task, so queries
    /// on a link never overlap.
    ///
    /// Errors are sorted into two kinds: the connection is gone
    /// (``PostgresJobQueueError/Code/connectionLost``: the caller may wait and
    /// try again, see ``persistently(_:)``), or the server refused the query
    /// (``PostgresJobQueueError/Code/serverError``, with the server's message).
    final class DatabaseLink: @unchecked Sendable {
        private let configuration: PostgresJobQueue.Configuration
        private let role: String
        private let logger: Logger
        private var connection: PostgresConnection?  // touched only by the owning task
        private static let nextConnectionID = LockedState(0)

        /// - Parameter role: which loop this is; shown in `pg_stat_activity.application_name`.
        init(configuration: PostgresJobQueue.Configuration, role: String, logger: Logger) {
            self.configuration = configuration
            self.role = role
            self.logger = logger
        }

        /// The open connection, connecting first if there is none.
        func open() async throws(PostgresJobQueueError) -> PostgresConnection {
            if let connection, !connection.isClosed { return connection }
            connection = nil
            let id = Self.nextConnectionID.withLock {
                $0 += 1
                return $0
            }
            do {
                let opened = try await PostgresConnection.connect(
                    configuration: try connectionConfiguration(), id: id, logger: logger)
                connection = opened
                return opened
            } catch let error as PostgresJobQueueError {
                throw error
            } catch {
                throw PostgresJobQueueError(
                    .connectionLost, "cannot connect to \(configuration.endpointDescription): \(Self.describe(error))")
            }
        }

        /// Runs `query` and returns all its rows.
        @discardableResult
        func query(_ query: PostgresQuery) async throws(PostgresJobQueueError) -> [PostgresRow] {
            let connection = try await open()
            do {
                return try await connection.query(query, logger: logger).collect()
            } catch {
                throw classify(error, on: connection)
            }
        }

        /// Runs the statement `Text` with `bindings`, prepared once per connection,
        /// and returns all its rows.
        @discardableResult
        func execute<Text: SQLText>(_ text: Text.Type, _ bindings: PostgresBindings = PostgresBindings())
            async throws(PostgresJobQueueError) -> [PostgresRow]
        {
            let connection = try await open()
            do {
                var rows: [PostgresRow] = []
                for try await row in try await connection.execute(Prepared<Text>(bindings: bindings), logger: logger) {
                    rows.append(row)
                }
                return rows
            } catch {
                throw classify(error, on: connection)
            }
        }

        /// Runs `body` with the connection; its errors are sorted as a query's.
        func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws(PostgresJobQueueError) -> T
        {
            let connection = try await open()
            do {
                return try await body(connection)
            } catch {
                throw classify(error, on: connection)
            }
        }

        /// Runs `body` with a link of its own, closed afterwards: for one-off work.
        @discardableResult
        static func once<T>(
            configuration: PostgresJobQueue.Configuration, role: String, logger: Logger,
            _ body: (DatabaseLink) async throws -> T
        ) async throws -> T {
            let link = DatabaseLink(configuration: configuration, role: role, logger: logger)
            do {
                let result = try await body(link)
                await link.close()
                return result
            } catch {
                await link.close()
                throw error
            }
        }

        /// Closes the connection, if open.
        func close() async {
            guard let connection else { return }
            self.connection = nil
            try? await connection.close()
        }

        /// Runs `operation` until it gets through: while the connection is lost
        /// it waits (50 ms, doubling to 2 s) and tries again, forever, until the
        /// calling task is cancelled (then it throws `CancellationError`). A
        /// server error is thrown at once.
        @discardableResult
        func persistently<T>(_ operation: (DatabaseLink) async throws -> T) async throws -> T {
            var pause = Duration.milliseconds(50)
            while true {
                try Task.checkCancellation()
                do {
                    return try await operation(self)
                } catch let error as PostgresJobQueueError where error.code == .connectionLost {
                    logger.debug("\(role): \(error.message); retrying in \(pause)")
                    try await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(2))
                }
            }
        }

        private func classify(_ error: any Error, on connection: PostgresConnection) -> PostgresJobQueueError {
            if let error = error as? PostgresJobQueueError { return error }
            let lost =
                connection.isClosed || !(error is PSQLError) || (error as? PSQLError)?.code != .server
                || Self.sqlState(of: error).map(Self.isConnectionState) == true
            if lost {
                self.connection = nil
                Task { [connection] in try? await connection.close() }
                return PostgresJobQueueError(
                    .connectionLost,
                    "lost the connection to \(configuration.endpointDescription): \(Self.describe(error))")
            }
            return PostgresJobQueueError(.serverError, Self.describe(error))
        }

        private static func sqlState(of error: any Error) -> String? {
            (error as? PSQLError)?.serverInfo?[.sqlState]
        }

        /// SQLSTATE classes after which the session is gone or must not be trusted:
        /// 08 (connection exception), 57P01-57P03 (admin or crash shutdown, cannot connect now).
        private static func isConnectionState(_ state: String) -> Bool {
            state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        }

        /// The server's message and SQLSTATE when there are some; PSQLError's own
        /// description hides them on purpose (it may quote data).
        static func describe(_ error: any Error) -> String {
            guard let error = error as? PSQLError else { return String(describing: error) }
            if let info = error.serverInfo, let message = info[.message] {
                return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }

        private func connectionConfiguration() throws(PostgresJobQueueError) -> PostgresConnection.Configuration {
            var result: PostgresConnection.Configuration
            switch configuration.endpoint {
            case let .tcp(host, port):
                let tls: PostgresConnection.Configuration.TLS
                do {
                    switch configuration.tls {
                    case .disable: tls = .disable
                    case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
                    case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
                    }
                } catch {
                    throw PostgresJobQueueError(.invalidConfiguration, "cannot set up TLS: \(error)")
                }
                result = .init(
                    host: host, port: port, username: configuration.username,
                    password: configuration.password, database: configuration.database, tls: tls)
            case let .unixSocket(path):
                result = .init(
                    unixSocketPath: path, username: configuration.username,
                    password: configuration.password, database: configuration.database)
            }
            result.options.additionalStartupParameters = [
                ("application_name", "\(configuration.applicationName) \(role)")
            ]
            return result
        }
    }

    /// A statement of ``Statements``, prepared on first use on each connection.
    struct Prepared<Text: SQLText>: PostgresPreparedStatement {
        static var sql: String { Text.sql }
        /// Versioned: a statement prepared for one schema is never reused for another.
        static var name: String { "multiprocessing_\(Text.self)_v\(Migrations.latestVersion)" }
        var bindings: PostgresBindings

        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
    }

    extension PostgresJobQueue.Configuration {
        /// The server's address, for messages (never the password).
        var endpointDescription: String {
            switch endpoint {
            case let .tcp(host, port): "\(host):\(port)/\(database)"
            case let .unixSocket(path): "\(path)/\(database)"
            }
        }
    }
#endif
