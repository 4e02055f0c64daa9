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
    public import ServiceLifecycle
    internal import Threading
    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    /// Runs the jobs of a ``PostgresJobQueue`` on this machine, on a local
    /// `ProcessPool` or `ThreadPool` it is given.
    ///
    /// ```swift
    /// let pool = try ProcessPool()
    /// let worker = try await PostgresJobWorker(configuration: .init(url: databaseURL),
    ///                                          concurrency: 8, executor: pool)
    /// // SIGTERM: finish the jobs running, claim no more, return.
    /// let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    /// try await group.run()
    /// await pool.shutdown()
    /// ```
    ///
    /// A worker claims up to ``PostgresJobQueue/Configuration/fetchBatchSize``
    /// due jobs at a time (`SELECT … FOR UPDATE SKIP LOCKED`: workers never wait
    /// for each other and never claim the same job), highest priority first, and
    /// never more than `concurrency` at once. When the queue has nothing due it
    /// sleeps until a submitter's `NOTIFY` wakes it, or until the next job
    /// scheduled for later is due: it does not poll.
    ///
    /// The executable must contain the job types: a worker finds a job's type by
    /// the name its submitter stored, in its own executable, as a `ProcessPool`
    /// does. A job whose type it does not have fails at once with
    /// ``PostgresJobQueueError/Code/jobTypeUnknown`` (clearly, rather than
    /// waiting forever for a worker that may never come; give workers built from
    /// different programs queues of their own). A job whose stored JSON does not
    /// decode as its type fails with ``PostgresJobQueueError/Code/payloadUndecodable``;
    /// neither is retried, and other jobs are not affected.
    ///
    /// While it runs a job the worker renews the job's lease every third of
    /// ``PostgresJobQueue/Configuration/leaseDuration``; every worker also puts
    /// back in the queue the jobs of workers whose leases ran out, the moment
    /// they run out. A lost connection is opened again; jobs keep running
    /// meanwhile and their outcomes are recorded once it is back (unless the
    /// lease ran out first: then the job runs again elsewhere).
    ///
    /// Stopping: ``shutdown()`` (or a `ServiceGroup`'s graceful shutdown, on
    /// SIGTERM say) finishes the jobs running, records them, claims no more,
    /// and makes ``run()`` return. Cancelling the task that runs ``run()``
    /// stops at once: the jobs it held go back to the queue when their leases run out.
    public final class PostgresJobWorker: Service, Sendable {
        /// How the worker shows in the jobs it holds (`multiprocessing_jobs.worker`):
        /// host name, process id and a random part.
        public let name: String
        let configuration: PostgresJobQueue.Configuration
        let concurrency: Int
        let executor: any JobExecutor
        let logger: Logger

        struct State {
            /// Jobs running on the executor, by id: how to cancel each.
            var held: [Int64: HeldJob] = [:]
            /// Outcomes not yet recorded.
            var outcomes: [RecordedOutcome] = []
            /// Ids of the outcomes being recorded now.
            var recording: Set<Int64> = []
            var phase = Phase.idle
            /// Set after a claim whose answer was lost: put back what it may have claimed.
            var releaseLostClaims = false
            var stopped: [CheckedContinuation<Void, Never>] = []

            var isIdle: Bool { held.isEmpty && outcomes.isEmpty && recording.isEmpty }
        }

        enum Phase {
            case idle, running, draining, finished
        }

        struct HeldJob {
            var cancel: @Sendable () -> Void
            var cancelRequested = false
        }

        let state = LockedState(State())
        let claimWork = WakeSignal()
        let recordWork = WakeSignal()
        let drained = WakeSignal()

        /// Creates a worker for the queue `configuration` names; creates or
        /// upgrades the queue's tables if they are missing or older.
        ///
        /// - Parameters:
        ///   - concurrency: how many jobs may run at once (at least 1): usually
        ///     the executor's worker count, or a little more to hide the round
        ///     trips between jobs.
        ///   - executor: where jobs run: a `ProcessPool` (a job that crashes or
        ///     is cancelled takes only its worker process down) or a `ThreadPool`.
        /// - Throws: ``PostgresJobQueueError`` (`invalidConfiguration`,
        ///   `connectionLost`, `schemaTooNew`, `serverError`).
        public init(
            configuration: PostgresJobQueue.Configuration, concurrency: Int,
            executor: any JobExecutor
        ) async throws {
            try configuration.validate()
            guard concurrency >= 1 else {
                throw PostgresJobQueueError(.invalidConfiguration, "concurrency \(concurrency) is less than 1")
            }
            self.configuration = configuration
            self.concurrency = concurrency
            self.executor = executor
            logger = Logger(label: "swift-multiprocessing.postgres.worker")
            name = "\(Self.hostName()) pid \(getpid()) \(UUID().uuidString.prefix(8).lowercased())"
            try await PostgresJobQueue.prepareSchema(configuration, logger: logger)
        }

        /// Claims and runs jobs until ``shutdown()``, a `ServiceGroup`'s
        /// graceful shutdown, or the cancellation of the calling task.
        ///
        /// - Throws: ``PostgresJobQueueError/Code/shutDown`` if the worker
        ///   already ran (a worker runs once). Lost connections are not errors.
        public func run() async throws {
            try state.withLock { state throws(PostgresJobQueueError) in
                guard case .idle = state.phase else {
                    throw PostgresJobQueueError(.shutDown, "a PostgresJobWorker runs once")
                }
                state.phase = .running
            }
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.listen() }
                    group.addTask { await self.leaseLoop() }
                    group.addTask { await self.recordLoop() }
                    await self.claimLoop()
                    if !Task.isCancelled { await self.waitUntilIdle() }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                self.beginShutdown()
            }
            let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
                state.phase = .finished
                defer { state.stopped = [] }
                return state.stopped
            }
            for waiter in waiters { waiter.resume() }
        }

        /// Claims no more jobs, lets the running ones finish and records their
        /// outcomes, then returns once ``run()`` has returned. Calling it again,
        /// or on a worker that is not running, is not an error.
        public func shutdown() async {
            await withCheckedContinuation { continuation in
                let wait: Bool = state.withLock { state in
                    switch state.phase {
                    case .idle, .finished:
                        state.phase = .finished
                        return false
                    case .running, .draining:
                        state.phase = .draining
                        state.stopped.append(continuation)
                        return true
                    }
                }
                if wait { claimWork.signal() } else { continuation.resume() }
            }
        }

        private func beginShutdown() {
            state.withLock { state in
                if case .running = state.phase { state.phase = .draining }
            }
            claimWork.signal()
        }

        /// Returns once no job runs and every outcome is recorded.
        private func waitUntilIdle() async {
            while !Task.isCancelled, !state.withLock({ $0.isIdle }) {
                await drained.wait()
            }
        }

        // MARK: Notifications

        private func listen() async {
            await ChannelListener.run(
                configuration: configuration, role: "worker listener",
                channel: Statements.jobsChannel(queue: configuration.queueName), logger: logger,
                onListening: { self.claimWork.signal() },
                onNotification: { payload in
                    if payload.hasPrefix(Statements.cancelPrefix) {
                        self.cancel(
                            ids: payload.dropFirst(Statements.cancelPrefix.count)
                                .split(separator: ",").compactMap { Int64($0) })
                    } else {
                        self.claimWork.signal()
                    }
                })
        }

        /// Cancels the jobs among `ids` that this worker runs (their submitters cancelled them).
        func cancel(ids: some Sequence<Int64>) {
            let stops: [@Sendable () -> Void] = state.withLock { state in
                ids.compactMap { id in
                    guard var held = state.held[id], !held.cancelRequested else { return nil }
                    held.cancelRequested = true
                    state.held[id] = held
                    return held.cancel
                }
            }
            for stop in stops { stop() }
        }

        private static func hostName() -> String {
            var buffer = [UInt8](repeating: 0, count: 256)
            let status = buffer.withUnsafeMutableBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count - 1) }
            }
            guard status == 0 else { return "unknown-host" }
            return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
#endif
