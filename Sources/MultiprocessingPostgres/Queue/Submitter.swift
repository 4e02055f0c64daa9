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
    #if canImport(FoundationEssentials)
        import FoundationEssentials
    #else
        import Foundation
    #endif

    /// A job submitted and not yet finished, as the submitter tracks it.
    /// Its mutable fields are guarded by the submitter's lock.
    final class PendingJob: @unchecked Sendable {
        /// The row to insert.
        let row: JobRow
        /// Completes the job's typed future from its outcome.
        let deliver: @Sendable (JobOutcome) -> Void
        /// Its id, once reserved for the insert.
        var id: Int64?
        /// Whether the insert that carried it has committed.
        var inserted = false
        /// Whether its future was cancelled.
        var cancelled = false

        init(row: JobRow, deliver: @escaping @Sendable (JobOutcome) -> Void) {
            self.row = row
            self.deliver = deliver
        }
    }

    /// A job's columns, encoded at `submit`.
    struct JobRow: Sendable {
        var jobType: String
        var typeName: String
        var payload: String
        var priority: Int32
        var delay: Double
        var uniqueKey: String
        var maxAttempts: Int32
    }

    /// How a job ended, as its submitter learns it.
    enum JobOutcome: Sendable {
        case succeeded(output: String)
        case failed(any Error)
    }

    /// The engine behind ``PostgresJobQueue``: three loops, each with its own connection.
    ///
    /// - inserting: takes what `submit` queued, reserves ids, inserts in batches
    ///   (one statement per batch, `NOTIFY` included), retried until it gets
    ///   through -- the ids make a retried insert harmless;
    /// - listening: `LISTEN`s on this submitter's reply channel; each
    ///   notification names finished jobs, and each (re)start of listening
    ///   marks every job in flight to be looked at (notifications missed while
    ///   disconnected are never lost that way);
    /// - collecting: reads the outcomes of those jobs (deleting succeeded rows)
    ///   and completes their futures; sends cancellations of futures cancelled
    ///   after their insert.
    final class Submitter: Sendable {
        private struct State {
            var unsent: [PendingJob] = []
            var inFlight: [Int64: PendingJob] = [:]
            var toCollect: Set<Int64> = []
            var toCancel: [Int64] = []
            var ids = JobIDBlock()
            var accepting = true
            var drained: [CheckedContinuation<Void, Never>] = []
            /// How many times listening (re)started: an insert that was under
            /// way meanwhile may have missed its jobs' notifications.
            var listenGeneration = 0

            var isEmpty: Bool { unsent.isEmpty && inFlight.isEmpty && toCancel.isEmpty }
        }

        let configuration: PostgresJobQueue.Configuration
        /// This submitter's reply channel.
        let replyChannel: String
        private let logger: Logger
        private let state = LockedState(State())
        private let insertWork = WakeSignal()
        private let collectWork = WakeSignal()
        private let loops = LockedState<Task<Void, Never>?>(nil)

        /// A batch's size limit: a notification names at most this many ids (8000 bytes).
        static let batchLimit = 500

        init(configuration: PostgresJobQueue.Configuration, logger: Logger) {
            self.configuration = configuration
            self.logger = logger
            replyChannel = Statements.replyChannel(submitter: UUID().uuidString.lowercased())
        }

        /// Starts the loops.
        func start() {
            let task = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.insertLoop() }
                    group.addTask { await self.collectLoop() }
                    group.addTask {
                        await ChannelListener.run(
                            configuration: self.configuration, role: "submitter listener",
                            channel: self.replyChannel, logger: self.logger,
                            onListening: self.collectEverythingInFlight,
                            onNotification: self.finished(idList:))
                    }
                }
            }
            loops.withLock { $0 = task }
        }

        // MARK: Submitting

        /// Queues `job` for the next insert; throws once shutdown began.
        func enqueue(_ job: PendingJob) throws(PostgresJobQueueError) {
            try state.withLock { state throws(PostgresJobQueueError) in
                guard state.accepting else { throw PostgresJobQueueError(.shutDown, "the queue is shut down") }
                state.unsent.append(job)
            }
            insertWork.signal()
        }

        /// A future was cancelled: forget the job, and cancel it in the database
        /// once it is there (the insert that carries it may still be under way).
        func cancelled(_ job: PendingJob) {
            let inDatabase: Bool = state.withLock { state in
                job.cancelled = true
                guard let id = job.id else {
                    state.unsent.removeAll { $0 === job }
                    Self.resumeIfDrained(&state)
                    return false
                }
                guard state.inFlight.removeValue(forKey: id) != nil else { return false }
                state.toCollect.remove(id)
                guard job.inserted else { return false }  // the insert's end sends it
                state.toCancel.append(id)
                return true
            }
            if inDatabase { collectWork.signal() }
        }

        private func insertLoop() async {
            let link = DatabaseLink(configuration: configuration, role: "submitter", logger: logger)
            while !Task.isCancelled {
                await insertWork.wait()
                while !Task.isCancelled {
                    guard await insertBatch(on: link) else { break }
                }
            }
            await link.close()
        }

        /// Inserts the next batch of unsent jobs; `false` when there was none
        /// (or the task was cancelled). Jobs the server refuses fail.
        private func insertBatch(on link: DatabaseLink) async -> Bool {
            let wanted = state.withLock { min($0.unsent.count, Self.batchLimit) }
            guard wanted > 0 else { return false }
            do {
                try await reserveIDs(on: link, atLeast: wanted)
            } catch {
                failUnsent(wanted, because: error)
                return !(error is CancellationError)
            }
            // Ids are given, and the jobs registered as in flight, before the
            // insert: a worker may finish one before the insert's answer is back.
            let jobs: [PendingJob] = state.withLock { state in
                let count = min(state.unsent.count, state.ids.remaining, Self.batchLimit)
                let taken = Array(state.unsent.prefix(count))
                state.unsent.removeFirst(count)
                for job in taken {
                    let id = state.ids.take()!
                    job.id = id
                    state.inFlight[id] = job
                }
                return taken
            }
            guard !jobs.isEmpty else { return true }
            let generation = state.withLock { $0.listenGeneration }
            do {
                try await insert(jobs, on: link, listenGeneration: generation)
            } catch {
                fail(jobs, because: error)
                return !(error is CancellationError)
            }
            return true
        }

        private func insert(_ jobs: [PendingJob], on link: DatabaseLink, listenGeneration: Int) async throws {
            let ids = jobs.map { $0.id! }
            var binds = PostgresBindings(capacity: 11)
            binds.append(ids)
            binds.append(jobs.map(\.row.jobType))
            binds.append(jobs.map(\.row.typeName))
            binds.append(jobs.map(\.row.payload))
            binds.append(jobs.map(\.row.priority))
            binds.append(jobs.map(\.row.delay))
            binds.append(jobs.map(\.row.uniqueKey))
            binds.append(jobs.map(\.row.maxAttempts))
            binds.append(configuration.queueName)
            binds.append(replyChannel)
            binds.append(Statements.jobsChannel(queue: configuration.queueName))
            let insertedIDs = try await link.persistently { link in
                try await link.execute(Statements.Insert.self, binds)
            }.map { try $0.decode(Int64.self) }
            var missing = Set(ids).subtracting(insertedIDs)
            if !missing.isEmpty {
                // Skipped: a unique key already in use, or an earlier attempt of
                // this very insert that committed before its connection was lost.
                let existing = try await link.persistently { link in
                    try await link.execute(Statements.Existing.self, Self.binds(Array(missing)))
                }.map { try $0.decode(Int64.self) }
                missing.subtract(existing)
            }
            var duplicates: [PendingJob] = []
            let lookNow: Bool = state.withLock { state in
                for job in jobs {
                    let id = job.id!
                    if missing.contains(id) {
                        if state.inFlight.removeValue(forKey: id) != nil { duplicates.append(job) }
                    } else {
                        job.inserted = true
                        if job.cancelled {
                            state.toCancel.append(id)
                        } else if state.listenGeneration != listenGeneration {
                            // Listening restarted during the insert; its catch-up
                            // did not know these jobs yet: look at them now.
                            state.toCollect.insert(id)
                        }
                    }
                }
                Self.resumeIfDrained(&state)
                return !state.toCancel.isEmpty || !state.toCollect.isEmpty
            }
            if lookNow { collectWork.signal() }
            for job in duplicates {
                job.deliver(
                    .failed(
                        PostgresJobQueueError(
                            .duplicateUniqueKey,
                            "a job with unique key \"\(job.row.uniqueKey)\" is already queued or running")))
            }
        }

        /// Fails jobs taken for an insert that did not get through.
        private func fail(_ jobs: [PendingJob], because error: any Error) {
            logger.error("submitter: inserting \(jobs.count) job(s) failed: \(error)")
            let failed: [PendingJob] = state.withLock { state in
                defer { Self.resumeIfDrained(&state) }
                return jobs.filter { state.inFlight.removeValue(forKey: $0.id!) != nil }
            }
            for job in failed { job.deliver(.failed(error)) }
        }

        /// Fails the first `count` unsent jobs, for which no ids could be reserved.
        private func failUnsent(_ count: Int, because error: any Error) {
            logger.error("submitter: reserving job ids failed: \(error)")
            let failed: [PendingJob] = state.withLock { state in
                defer { Self.resumeIfDrained(&state) }
                let taken = Array(state.unsent.prefix(count))
                state.unsent.removeFirst(taken.count)
                return taken
            }
            for job in failed { job.deliver(.failed(error)) }
        }

        private func reserveIDs(on link: DatabaseLink, atLeast count: Int) async throws {
            while state.withLock({ $0.ids.remaining }) < count {
                let row = try await link.persistently { link in
                    try await link.execute(Statements.ReserveIDs.self)
                }.first
                guard let (start, step) = try row?.decode((Int64, Int64).self) else {
                    throw PostgresJobQueueError(.serverError, "the job id sequence returned nothing")
                }
                state.withLock { $0.ids.refill(start: start, count: max(step, 1)) }
            }
        }

        // MARK: Collecting

        /// A reply: `ids`, comma-separated, finished.
        private func finished(idList: String) {
            let ids = idList.split(separator: ",").compactMap { Int64($0) }
            guard !ids.isEmpty else { return }
            state.withLock { state in
                for id in ids where state.inFlight[id] != nil { state.toCollect.insert(id) }
            }
            collectWork.signal()
        }

        private func collectEverythingInFlight() {
            state.withLock { state in
                state.listenGeneration += 1
                for (id, job) in state.inFlight where job.inserted { state.toCollect.insert(id) }
            }
            collectWork.signal()
        }

        private func collectLoop() async {
            let link = DatabaseLink(configuration: configuration, role: "submitter collector", logger: logger)
            while !Task.isCancelled {
                await collectWork.wait()
                while !Task.isCancelled {
                    let cancels = await sendCancellations(on: link)
                    let collected = await collectBatch(on: link)
                    if !cancels && !collected { break }
                }
            }
            await link.close()
        }

        /// Reads and delivers the outcomes of the next batch of finished jobs;
        /// `false` when there was none. If the server refuses the query, those
        /// jobs fail with its error.
        private func collectBatch(on link: DatabaseLink) async -> Bool {
            let ids: [Int64] = state.withLock { state in
                let batch = Array(state.toCollect.prefix(Self.batchLimit))
                state.toCollect.subtract(batch)
                return batch
            }
            guard !ids.isEmpty else { return false }
            do {
                try await collect(ids, on: link)
            } catch {
                logger.error("submitter: collecting \(ids.count) result(s) failed: \(error)")
                let failed: [PendingJob] = state.withLock { state in
                    defer { Self.resumeIfDrained(&state) }
                    return ids.compactMap { state.inFlight.removeValue(forKey: $0) }
                }
                for job in failed { job.deliver(.failed(error)) }
            }
            return true
        }

        private func collect(_ ids: [Int64], on link: DatabaseLink) async throws {
            var binds = Self.binds(ids)
            binds.append(configuration.queueName)
            let rows = try await link.persistently { link in
                try await link.execute(Statements.Collect.self, binds)
            }
            var outcomes: [(PendingJob, JobOutcome)] = []
            for row in rows {
                let (id, status, output, error) = try row.decode((Int64, String, String?, String?).self)
                let outcome: JobOutcome
                switch status {
                case "succeeded":
                    outcome = .succeeded(output: output ?? "null")
                case "failed":
                    outcome = .failed(StoredFailure.read(error, jobID: id))
                default:
                    outcome = .failed(
                        PostgresJobQueueError(.cancelled, "the job's row was deleted before it finished", jobID: id))
                }
                let job: PendingJob? = state.withLock { state in
                    guard status != "missing" || state.inFlight[id]?.inserted == true else { return nil }
                    return state.inFlight.removeValue(forKey: id)
                }
                if let job { outcomes.append((job, outcome)) }
            }
            for (job, outcome) in outcomes { job.deliver(outcome) }
            state.withLock { Self.resumeIfDrained(&$0) }
        }

        /// Cancels in the database the jobs whose futures were cancelled after
        /// their insert; `false` when there were none. A refused query is logged.
        private func sendCancellations(on link: DatabaseLink) async -> Bool {
            let ids: [Int64] = state.withLock { state in
                defer { state.toCancel.removeAll() }
                return state.toCancel
            }
            guard !ids.isEmpty else { return false }
            var binds = Self.binds(ids)
            binds.append(Statements.jobsChannel(queue: configuration.queueName))
            do {
                try await link.persistently { link in
                    try await link.execute(Statements.Cancel.self, binds)
                }
            } catch {
                logger.error("submitter: cancelling \(ids.count) job(s) failed: \(error)")
            }
            state.withLock { Self.resumeIfDrained(&$0) }
            return true
        }

        // MARK: Shutting down

        /// Refuses new jobs, waits until every job submitted has finished (or was
        /// cancelled), then stops the loops and closes the connections.
        func shutdown() async {
            await withCheckedContinuation { continuation in
                let done: Bool = state.withLock { state in
                    state.accepting = false
                    if state.isEmpty { return true }
                    state.drained.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
            let task = loops.withLock { $0 }
            task?.cancel()
            await task?.value
        }

        /// Stops the loops at once (the queue was dropped without ``shutdown()``):
        /// futures not finished yet fail with ``PostgresJobQueueError/Code/shutDown``;
        /// their jobs stay in the database, and workers still run them.
        func abandon() {
            let pending: [PendingJob] = state.withLock { state in
                state.accepting = false
                defer {
                    state.unsent = []
                    state.inFlight = [:]
                }
                return state.unsent + Array(state.inFlight.values)
            }
            loops.withLock { $0 }?.cancel()
            for job in pending {
                job.deliver(
                    .failed(
                        PostgresJobQueueError(.shutDown, "the PostgresJobQueue was released before the job finished")))
            }
        }

        private static func resumeIfDrained(_ state: inout State) {
            guard !state.accepting, state.isEmpty, !state.drained.isEmpty else { return }
            let waiters = state.drained
            state.drained = []
            for waiter in waiters { waiter.resume() }
        }

        private static func binds(_ ids: [Int64]) -> PostgresBindings {
            var binds = PostgresBindings(capacity: 2)
            binds.append(ids)
            return binds
        }
    }
#endif
