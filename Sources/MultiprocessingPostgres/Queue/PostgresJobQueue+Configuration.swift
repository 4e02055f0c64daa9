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
    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    extension PostgresJobQueue {
        /// Where the queue lives and how its jobs are leased; shared by the
        /// submitters (``PostgresJobQueue``) and the workers (``PostgresJobWorker``)
        /// of one queue.
        ///
        /// ```swift
        /// var configuration = PostgresJobQueue.Configuration(url: "postgres://app:secret@db.internal/app")
        /// configuration.queueName = "thumbnails"
        /// configuration.leaseDuration = .seconds(60)
        /// ```
        public struct Configuration: Sendable {
            /// How to reach the server.
            enum Endpoint: Sendable, Equatable {
                case tcp(host: String, port: Int)
                case unixSocket(path: String)
            }

            /// The TLS mode, as libpq's `sslmode` (only for TCP).
            public enum TLSMode: String, Sendable {
                /// Never TLS.
                case disable
                /// TLS when the server offers it (libpq's default).
                case prefer
                /// TLS or no connection.
                case require
            }

            var endpoint: Endpoint
            /// The user to connect as.
            public var username: String
            /// The password, or `nil` for none (trust, peer or certificate authentication).
            public var password: String?
            /// The database that holds the queue's tables.
            public var database: String
            /// TLS over TCP; ignored for a Unix socket. Default: `.prefer`.
            public var tls: TLSMode = .prefer

            /// The queue's name, which submitters and workers must share
            /// (default `"default"`): 1 to 48 letters, digits, `_`, `-` or `.`.
            /// Queues share the tables; a worker only claims its own queue's jobs.
            public var queueName = "default"

            /// How long a worker may stay silent before its running jobs go back
            /// to the queue (default 30 s). Workers renew their leases every third
            /// of it, so a worker that is killed or cut off has its jobs back in
            /// the queue within this duration, and any other worker then claims
            /// them. Make it longer than a network outage you want to ride out.
            public var leaseDuration: Duration = .seconds(30)

            /// How many jobs a worker claims with one query (default 10). `1`:
            /// one query per job, the fairest spread over many workers; larger
            /// batches cost fewer round trips per job. A worker never claims more
            /// than it has room for (its `concurrency` less the jobs it runs).
            public var fetchBatchSize = 10

            /// The delay before a failed job's first retry (default 1 s). Each
            /// later retry waits twice as long as the one before, up to
            /// ``maximumRetryDelay``, scaled by a random factor between 0.5 and
            /// 1.5 (jitter) so that jobs that failed together do not retry together.
            public var retryDelay: Duration = .seconds(1)

            /// The longest delay before a retry (default 10 minutes).
            public var maximumRetryDelay: Duration = .seconds(600)

            /// The name the server shows for these connections in
            /// `pg_stat_activity.application_name` (default `"swift-multiprocessing"`).
            public var applicationName = "swift-multiprocessing"

            /// A configuration from a PostgreSQL URL, as libpq reads them:
            /// `postgres://user:password@host:port/database` (`postgresql://` too;
            /// percent-encoded user and password; port 5432 when absent). The
            /// query items `sslmode=disable|prefer|require` and `host=/folder`
            /// (a Unix socket in that folder, named `.s.PGSQL.<port>`) are understood.
            ///
            /// A URL that cannot be read is not an error here: it makes the
            /// queue's or worker's initializer throw ``PostgresJobQueueError/Code/invalidConfiguration``.
            public init(url: String) {
                let parsed = Self.parse(url)
                self.init(host: "", username: "", password: nil, database: "")
                switch parsed {
                case .success(let fields):
                    endpoint = fields.endpoint
                    username = fields.username
                    password = fields.password
                    database = fields.database
                    if let mode = fields.tls { tls = mode }
                case .failure(let problem):
                    invalidURL = problem.message
                }
            }

            /// A configuration for a server reached over TCP.
            public init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
                endpoint = .tcp(host: host, port: port)
                self.username = username
                self.password = password
                self.database = database
            }

            /// A configuration for a server reached through the Unix socket at
            /// `unixSocketPath` (such as `/var/run/postgresql/.s.PGSQL.5432`).
            public init(unixSocketPath: String, username: String, password: String? = nil, database: String) {
                endpoint = .unixSocket(path: unixSocketPath)
                self.username = username
                self.password = password
                self.database = database
            }

            /// Why ``init(url:)`` could not read its URL, if it could not.
            var invalidURL: String?

            /// Throws ``PostgresJobQueueError/Code/invalidConfiguration`` for settings no queue can use.
            func validate() throws(PostgresJobQueueError) {
                func invalid(_ message: String) -> PostgresJobQueueError {
                    PostgresJobQueueError(.invalidConfiguration, message)
                }
                if let invalidURL { throw invalid(invalidURL) }
                let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.".utf8)
                guard (1...48).contains(queueName.utf8.count), queueName.utf8.allSatisfy(allowed.contains) else {
                    throw invalid("queue name \"\(queueName)\": use 1 to 48 letters, digits, '_', '-' or '.'")
                }
                guard leaseDuration >= .milliseconds(300) else {
                    throw invalid("leaseDuration \(leaseDuration) is shorter than 0.3 s")
                }
                guard (1...500).contains(fetchBatchSize) else {
                    throw invalid("fetchBatchSize \(fetchBatchSize) is not between 1 and 500")
                }
                guard retryDelay >= .zero, maximumRetryDelay >= retryDelay else {
                    throw invalid(
                        "retryDelay \(retryDelay) must be at least zero and at most maximumRetryDelay \(maximumRetryDelay)"
                    )
                }
            }

            // MARK: URLs

            private struct URLProblem: Error {
                var message: String
            }

            private struct URLFields {
                var endpoint: Endpoint
                var username: String
                var password: String?
                var database: String
                var tls: TLSMode?
            }

            private static func parse(_ text: String) -> Result<URLFields, URLProblem> {
                guard let components = URLComponents(string: text),
                    let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
                else {
                    return .failure(URLProblem(message: "\(text) is not a postgres:// URL"))
                }
                let port = components.port ?? 5432
                var fields = URLFields(
                    endpoint: .tcp(
                        host: components.host.map { $0.isEmpty ? "localhost" : $0 } ?? "localhost", port: port),
                    username: components.user ?? "postgres",
                    password: components.password,
                    database: String(components.path.drop(while: { $0 == "/" })))
                if fields.database.isEmpty { fields.database = fields.username }
                for item in components.queryItems ?? [] {
                    switch (item.name, item.value) {
                    case ("host", let folder?) where folder.hasPrefix("/"):
                        let itemPort =
                            components.queryItems?.first(where: { $0.name == "port" })?.value.flatMap(Int.init) ?? port
                        fields.endpoint = .unixSocket(path: folder + "/.s.PGSQL.\(itemPort)")
                    case ("host", let host?):
                        fields.endpoint = .tcp(host: host, port: port)
                    case ("sslmode", let mode?):
                        guard let tls = TLSMode(rawValue: mode) else {
                            return .failure(URLProblem(message: "sslmode=\(mode) is not disable, prefer or require"))
                        }
                        fields.tls = tls
                    default:
                        continue
                    }
                }
                return .success(fields)
            }
        }
    }
#endif
