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
    import Foundation
    import Multiprocessing
    @testable import MultiprocessingPostgres
    import PostgresTestJobs
    import Testing
    import ThrowawayPostgres

    /// Every PostgreSQL suite, one test at a time: they start worker processes,
    /// time leases and restart servers, and this machine has two CPUs.
    @Suite(
        "PostgreSQL", .serialized,
        .enabled(
            if: ThrowawayPostgres.unavailableReason == nil,
            "PostgreSQL's server programs were not found: install Debian's `postgresql` (or set POSTGRES_BIN_DIR) to run these tests"
        ),
        .timeLimit(.minutes(3)))
    enum PostgresSuites {}

    /// The server the tests share, started once per test process (its
    /// watchdog deletes it when the process ends, however it ends).
    enum SharedServer {
        static let cluster: Result<ThrowawayPostgres, any Error> = Result { try ThrowawayPostgres.start() }

        static func get() throws -> ThrowawayPostgres { try cluster.get() }
    }

    /// A configuration for a queue of its own on the shared server.
    func testConfiguration(
        _ label: String = #function, lease: Duration = .seconds(10),
        on cluster: ThrowawayPostgres? = nil
    ) throws -> PostgresJobQueue.Configuration {
        let server = try cluster ?? SharedServer.get()
        var configuration = PostgresJobQueue.Configuration(url: server.url)
        let name = label.filter { $0.isLetter || $0.isNumber }.prefix(30)
        configuration.queueName = "\(name).\(UUID().uuidString.prefix(8))"
        configuration.leaseDuration = lease
        configuration.retryDelay = .milliseconds(20)
        configuration.maximumRetryDelay = .milliseconds(200)
        return configuration
    }

    /// A path in a folder of this test process's own.
    func temporaryPath(_ name: String) -> String {
        let folder = NSTemporaryDirectory() + "mp-postgres-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/\(name)-\(UUID().uuidString.prefix(8))"
    }

    /// Checks `condition` every 10 ms, without blocking a thread, until it holds or `timeout` passes.
    func eventually(within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows
        -> Bool
    {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return try await condition()
    }

    /// A worker running in this process, on a ThreadPool, until stopped.
    final class InProcessWorker: Sendable {
        let worker: PostgresJobWorker
        let pool: ThreadPool
        private let task: Task<Void, any Error>

        init(_ configuration: PostgresJobQueue.Configuration, concurrency: Int = 2) async throws {
            pool = ThreadPool(threads: concurrency)
            worker = try await PostgresJobWorker(configuration: configuration, concurrency: concurrency, executor: pool)
            task = Task { [worker] in try await worker.run() }
        }

        /// Graceful: finishes the running jobs.
        func stop() async {
            await worker.shutdown()
            _ = await task.result
            await pool.shutdown()
        }
    }

    /// A `postgres-test-worker` process: a PostgresJobWorker of its own that
    /// a test can kill. It exits by itself if this test process goes away.
    final class WorkerProcess: Sendable {
        let child: ChildProgram

        static var executable: String {
            let runner =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            return URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent(
                "postgres-test-worker"
            ).path
        }

        /// Starts a worker and waits until it is working.
        convenience init(
            _ configuration: PostgresJobQueue.Configuration, concurrency: Int = 2, executor: String = "thread",
            url: String? = nil
        ) throws {
            try self.init(arguments: [
                "worker", url ?? SharedServer.get().url, configuration.queueName, "\(concurrency)", executor,
                "\(configuration.leaseDuration.seconds)", "\(configuration.fetchBatchSize)",
            ])
        }

        init(arguments: [String]) throws {
            (child, readyLine) = try ChildProgram.startTied(Self.executable, arguments)
        }

        /// What the process printed when ready ("ready", or the cluster's folder).
        let readyLine: String

        var pid: Int32 { child.pid }

        func kill(_ signal: Int32 = SIGKILL) { child.send(signal) }

        /// Waits for the process to exit; returns its raw wait status.
        @discardableResult
        func wait() throws -> Int32 { try child.wait() }

        deinit {
            child.send(SIGKILL)
            _ = try? child.wait()
        }
    }

    /// Whether process `pid` exists (a zombie counts as gone once reaped by its parent).
    func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Rows of `sql` run with psql on the shared server (or `cluster`).
    func psql(_ sql: String, on cluster: ThrowawayPostgres? = nil, database: String = "postgres") throws -> [String] {
        try (cluster ?? SharedServer.get()).psql(sql, database: database)
            .split(separator: "\n").map(String.init)
    }
#endif
