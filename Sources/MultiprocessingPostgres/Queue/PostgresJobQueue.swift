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
    public import Multiprocessing
    import PostgresNIO
    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    /// A ``JobExecutor`` whose jobs run on workers anywhere that reaches one
    /// PostgreSQL database: the same `Job` types as a `ProcessPool` runs, with
    /// typed outputs and typed errors coming back to whoever submitted them.
    ///
    /// ```swift
    /// let queue = try await PostgresJobQueue(configuration: .init(url: databaseURL))
    /// let sizes = try await queue.map(files.map { Thumbnail(path: $0) })   // run by PostgresJobWorkers
    /// await queue.shutdown()
    /// ```
    ///
    /// Switching from a local pool is one line: `map`, `mapUnordered`, `run`,
    /// `submit` and `shutdown` mean what they mean for any executor. Jobs are
    /// run by ``PostgresJobWorker``s, in processes of a program that contains the
    /// job types -- the same program, or one built from the same package --
    /// on any machine. Until a worker runs it, a job waits in the database: the
    /// queue may be created before any worker starts, and a worker that comes
    /// later runs what was submitted before.
    ///
    /// ## Delivery
    /// At least once. A worker holds a lease on the job it runs and renews it
    /// every third of ``Configuration/leaseDuration``; if the worker dies, or is
    /// cut off, the job goes back to the queue when its lease runs out and
    /// another worker runs it again. A job that throws is retried after a delay
    /// that doubles each time (with jitter), until ``SubmitOptions/maxAttempts``;
    /// its future then fails with the job's last error (re-created as its own
    /// type when it is `Codable`). A job whose worker keeps dying fails with
    /// ``PostgresJobQueueError/Code/attemptsExhausted``. Jobs that have side
    /// effects should tolerate running twice.
    ///
    /// ## Cancellation
    /// ``JobFuture/cancel()`` finishes the future as cancelled at once. A job
    /// still queued is deleted and never runs; a running job's worker is told
    /// (`NOTIFY`) and cancels it on its executor: on a `ProcessPool` that kills
    /// the worker process running it, on a `ThreadPool` the job runs to its end
    /// and its result is dropped.
    ///
    /// ## Connections
    /// Three connections, opened by the initializer: one inserts, one listens
    /// for results (`LISTEN`), one collects them. A lost connection is opened
    /// again (waiting 50 ms, doubling to 2 s, for as long as it takes): jobs
    /// submitted meanwhile wait, and results that came meanwhile are collected
    /// once listening resumes. Nothing is lost when the server restarts.
    public final class PostgresJobQueue: JobExecutor, Sendable {
        /// The configuration the queue was created with.
        public let configuration: Configuration
        private let submitter: Submitter
        private let logger: Logger

        /// Connects to the database, creates or upgrades the queue's tables
        /// (``migrate()``) if they are missing or older than this library, and
        /// starts listening for results.
        ///
        /// - Throws: ``PostgresJobQueueError`` with ``PostgresJobQueueError/Code/invalidConfiguration``,
        ///   ``PostgresJobQueueError/Code/connectionLost`` (the server cannot be
        ///   reached now: this initializer does not wait for it),
        ///   ``PostgresJobQueueError/Code/schemaTooNew`` or ``PostgresJobQueueError/Code/serverError``.
        public init(configuration: Configuration) async throws {
            try configuration.validate()
            self.configuration = configuration
            logger = Logger(label: "swift-multiprocessing.postgres.queue")
            try await Self.prepareSchema(configuration, logger: logger)
            submitter = Submitter(configuration: configuration, logger: logger)
            submitter.start()
        }

        /// Creates the queue's tables, or upgrades them to this library's
        /// version. Safe to run from many processes at once (an advisory lock
        /// serializes them); a schema already current is not an error.
        ///
        /// - Throws: ``PostgresJobQueueError`` (`schemaTooNew`, `connectionLost`, `serverError`).
        public func migrate() async throws {
            try await Self.migrate(configuration, to: Migrations.latestVersion, logger: logger)
        }

        /// Creates or upgrades the schema to `version` (for tests of an upgrade).
        static func migrate(_ configuration: Configuration, to version: Int, logger: Logger) async throws {
            try await DatabaseLink.once(configuration: configuration, role: "migration", logger: logger) { link in
                try await link.withConnection { connection in
                    try await Migrations.migrate(on: connection, to: version, logger: logger)
                }
            }
        }

        /// Migrates when the schema is missing or older; refuses a newer one.
        static func prepareSchema(_ configuration: Configuration, logger: Logger) async throws {
            try await DatabaseLink.once(configuration: configuration, role: "migration", logger: logger) { link in
                try await link.withConnection { connection in
                    let version = try await Migrations.version(on: connection, logger: logger)
                    if version < Migrations.latestVersion {
                        try await Migrations.migrate(on: connection, logger: logger)
                    } else if version > Migrations.latestVersion {
                        throw PostgresJobQueueError(
                            .schemaTooNew,
                            "the database's queue schema is version \(version); this library knows versions up to \(Migrations.latestVersion)"
                        )
                    }
                }
            }
        }

        // MARK: Submitting

        /// Queues `job` with default ``SubmitOptions`` and returns its future at once.
        public func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
            try submit(job, options: SubmitOptions())
        }

        /// Queues `job` and returns its future at once; the job is inserted in
        /// the database moments later, with others submitted meanwhile.
        ///
        /// - Throws: ``PostgresJobQueueError`` when the job cannot be stored:
        ///   `jobTypeNotPortable` (a private or function-local type: a worker,
        ///   another executable perhaps, could not find it), `encodingFailed`,
        ///   `invalidConfiguration` (options out of range), or `shutDown`.
        ///   A lost connection is not an error: the job waits for it.
        public func submit<J: Job>(_ job: J, options: SubmitOptions) throws -> JobFuture<J.Output> {
            let row = try Self.row(for: job, options: options)
            let promise = Promise<J.Output>()
            let pending = PendingJob(row: row) { outcome in
                switch outcome {
                case .succeeded(let output):
                    do {
                        promise.complete(with: .success(try JSONCoding.decode(J.Output.self, from: output)))
                    } catch {
                        promise.complete(
                            with: .failure(
                                PostgresJobQueueError(
                                    .outputUndecodable,
                                    "cannot decode \(String(reflecting: J.Output.self)) from \(output.prefix(200)): \(error)"
                                )))
                    }
                case .failed(let error):
                    promise.complete(with: .failure(error))
                }
            }
            promise.future.onFinish { [submitter] result in
                if case .failure(JobError.cancelled) = result { submitter.cancelled(pending) }
            }
            try submitter.enqueue(pending)
            return promise.future
        }

        private static func row<J: Job>(for job: J, options: SubmitOptions) throws(PostgresJobQueueError) -> JobRow {
            guard let jobType = JobTypeNames.crossExecutableName(of: J.self) else {
                throw PostgresJobQueueError(
                    .jobTypeNotPortable,
                    "\(String(reflecting: J.self)) is private or local to a function: workers, which may run another executable, could not find it; declare it internal or public"
                )
            }
            guard let priority = Int32(exactly: options.priority) else {
                throw PostgresJobQueueError(
                    .invalidConfiguration, "priority \(options.priority) does not fit in 32 bits")
            }
            guard (1...1_000).contains(options.maxAttempts) else {
                throw PostgresJobQueueError(
                    .invalidConfiguration, "maxAttempts \(options.maxAttempts) is not between 1 and 1,000")
            }
            let payload: String
            do {
                payload = try JSONCoding.encode(job)
            } catch {
                throw PostgresJobQueueError(
                    .encodingFailed, "cannot encode \(String(reflecting: J.self)) as JSON: \(error)")
            }
            return JobRow(
                jobType: jobType, typeName: String(reflecting: J.self), payload: payload, priority: priority,
                delay: max(options.notBefore?.seconds ?? 0, 0), uniqueKey: options.uniqueKey ?? "",
                maxAttempts: Int32(options.maxAttempts))
        }

        // MARK: Observing

        /// The queue's counts now: queued, running, succeeded, failed and retried.
        ///
        /// - Throws: ``PostgresJobQueueError`` (`connectionLost`, `serverError`).
        public func statistics() async throws -> Statistics {
            var binds = PostgresBindings()
            binds.append(configuration.queueName)
            let rows = try await oneQuery(Statements.Statistics.self, binds)
            guard let row = rows.first else { throw PostgresJobQueueError(.serverError, "statistics returned nothing") }
            let (queued, running, succeeded, failed, retried) = try row.decode((Int, Int, Int, Int, Int).self)
            return Statistics(queued: queued, running: running, succeeded: succeeded, failed: failed, retried: retried)
        }

        /// The dead-letter view: the queue's jobs that failed for good, the most
        /// recent first, with their errors. They stay in the table until deleted
        /// (`DELETE FROM multiprocessing_jobs WHERE state = 'failed' AND ...`).
        ///
        /// - Throws: ``PostgresJobQueueError`` (`connectionLost`, `serverError`).
        public func failedJobs(limit: Int = 100) async throws -> [FailedJob] {
            var binds = PostgresBindings()
            binds.append(configuration.queueName)
            binds.append(max(limit, 0))
            return try await oneQuery(Statements.FailedJobs.self, binds).map { row in
                let (id, typeName, payload, attempts, failedAt, error) =
                    try row.decode((Int64, String, String, Int, Double?, String?).self)
                return FailedJob(
                    id: id, typeName: typeName, payload: payload, attempts: attempts,
                    failedAt: Date(timeIntervalSince1970: failedAt ?? 0),
                    error: StoredFailure.read(error, jobID: id))
            }
        }

        /// Runs one statement on a connection of its own.
        private func oneQuery<Text: SQLText>(_ text: Text.Type, _ binds: PostgresBindings) async throws -> [PostgresRow]
        {
            try await DatabaseLink.once(configuration: configuration, role: "observer", logger: logger) { link in
                try await link.execute(text, binds)
            }
        }

        // MARK: Stopping

        /// Stops accepting jobs, waits until every job submitted has finished
        /// (workers must be running for that), then closes the connections.
        /// Calling it again is not an error.
        public func shutdown() async {
            await submitter.shutdown()
        }

        /// A queue released without ``shutdown()`` closes its connections; the
        /// futures of its unfinished jobs fail with ``PostgresJobQueueError/Code/shutDown``
        /// (the jobs themselves stay queued, and workers still run them).
        deinit {
            submitter.abandon()
        }
    }
#endif
