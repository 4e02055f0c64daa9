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
    import Multiprocessing
    import PostgresNIO

    /// A job as claimed: its row's columns the worker needs.
    struct ClaimedJob: Sendable {
        var id: Int64
        var jobType: String
        var typeName: String
        var payload: String
        var attempts: Int
        var maxAttempts: Int
        var cancelRequested: Bool
    }

    extension PostgresJobWorker {
        /// Claims as many due jobs as there is room for, starts them, and sleeps
        /// (until a notification, room freed, or the next scheduled job is due)
        /// once the queue has nothing due. Returns when shutdown begins or the task is cancelled.
        func claimLoop() async {
            let link = DatabaseLink(configuration: configuration, role: "worker", logger: logger)
            var pause = Duration.milliseconds(50)
            while !Task.isCancelled {
                let (room, releaseFirst) = state.withLock { state -> (Int, Bool) in
                    guard case .running = state.phase else { return (-1, false) }
                    return (min(concurrency - state.held.count, configuration.fetchBatchSize), state.releaseLostClaims)
                }
                if room < 0 { break }
                if room == 0 {
                    await claimWork.wait()
                    continue
                }
                do {
                    if releaseFirst { try await releaseLostClaims(on: link) }
                    let claimed = try await claim(room, on: link)
                    pause = .milliseconds(50)
                    for job in claimed { start(job) }
                    if claimed.count == room { continue }
                    await claimWork.wait(timeout: try await secondsUntilNextDue(on: link).map { .seconds($0) })
                } catch  where error.code == .connectionLost {
                    // The claim may have committed with its answer lost: the jobs
                    // it took would sit until their leases ran out. Put them back.
                    state.withLock { $0.releaseLostClaims = true }
                    logger.debug("worker: \(error.message)")
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(2))
                } catch {
                    logger.error("worker: claiming jobs failed: \(error)")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            await link.close()
        }

        private func claim(_ count: Int, on link: DatabaseLink) async throws(PostgresJobQueueError) -> [ClaimedJob] {
            var binds = PostgresBindings(capacity: 4)
            binds.append(configuration.queueName)
            binds.append(count)
            binds.append(name)
            binds.append(configuration.leaseDuration.seconds)
            let rows = try await link.execute(Statements.Claim.self, binds)
            do {
                return try rows.map { row in
                    let (id, jobType, typeName, payload, attempts, maxAttempts, cancelRequested) =
                        try row.decode((Int64, String, String, String, Int, Int, Bool).self)
                    return ClaimedJob(
                        id: id, jobType: jobType, typeName: typeName, payload: payload,
                        attempts: attempts, maxAttempts: maxAttempts, cancelRequested: cancelRequested)
                }
            } catch {
                throw PostgresJobQueueError(.serverError, "unexpected claim row: \(error)")
            }
        }

        private func releaseLostClaims(on link: DatabaseLink) async throws(PostgresJobQueueError) {
            let held = state.withLock { Array($0.held.keys) + Array($0.recording) + $0.outcomes.map(\.id) }
            var binds = PostgresBindings(capacity: 3)
            binds.append(name)
            binds.append(held)
            binds.append(Statements.jobsChannel(queue: configuration.queueName))
            try await link.execute(Statements.ReleaseUnknownClaims.self, binds)
            state.withLock { $0.releaseLostClaims = false }
        }

        private func secondsUntilNextDue(on link: DatabaseLink) async throws(PostgresJobQueueError) -> Double? {
            var binds = PostgresBindings()
            binds.append(configuration.queueName)
            let rows = try await link.execute(Statements.NextDue.self, binds)
            guard let seconds = try? rows.first?.decode(Double?.self) else { return nil }
            return max(seconds, 0) + 0.001
        }

        // MARK: Starting jobs

        /// Finds the job's type, decodes it and submits it to the executor; a job
        /// that cannot start fails (or, if the executor refuses work, goes back).
        func start(_ claimed: ClaimedJob) {
            guard let type = JobTypeNames.jobType(crossExecutableName: claimed.jobType) else {
                record(
                    RecordedOutcome(
                        id: claimed.id,
                        failure: StoredFailure(
                            .jobTypeUnknown, "worker \(name) has no type \(claimed.typeName) in its executable")))
                return
            }
            start(type, claimed)
        }

        private func start<J: Job>(_ type: J.Type, _ claimed: ClaimedJob) {
            let job: J
            do {
                job = try JSONCoding.decode(J.self, from: claimed.payload)
            } catch {
                record(
                    RecordedOutcome(
                        id: claimed.id,
                        failure: StoredFailure(
                            .payloadUndecodable, "the stored job does not decode as \(claimed.typeName): \(error)")))
                return
            }
            let future: JobFuture<J.Output>
            do {
                future = try executor.submit(job)
            } catch {
                logger.error("worker: the executor refused job \(claimed.id): \(error); putting it back")
                record(RecordedOutcome(id: claimed.id, outcome: .release, delay: 1))
                return
            }
            state.withLock { state in
                state.held[claimed.id] = HeldJob(cancel: { future.cancel() }, cancelRequested: claimed.cancelRequested)
            }
            if claimed.cancelRequested { future.cancel() }
            future.onFinish { [self] result in
                finished(claimed, result: result)
            }
        }

        /// A job's future finished: turn the result into the outcome to record.
        private func finished<Output: Encodable>(_ claimed: ClaimedJob, result: Result<Output, any Error>) {
            let outcome: RecordedOutcome
            switch result {
            case .success(let output):
                do {
                    outcome = RecordedOutcome(id: claimed.id, output: try JSONCoding.encode(output))
                } catch {
                    outcome = RecordedOutcome(
                        id: claimed.id,
                        failure: StoredFailure(
                            .encodingFailed, "cannot encode the output of \(claimed.typeName) as JSON: \(error)"))
                }
            case .failure(let error):
                let failure =
                    error as? JobError == .cancelled
                    ? StoredFailure(.cancelled, "the job was cancelled")
                    : StoredFailure.capture(error)
                if claimed.attempts < claimed.maxAttempts, error as? JobError != .cancelled {
                    outcome = RecordedOutcome(
                        id: claimed.id, outcome: .retry, failure: failure,
                        delay: configuration.retryDelay(afterAttempt: claimed.attempts).seconds)
                } else {
                    outcome = RecordedOutcome(id: claimed.id, failure: failure)
                }
            }
            state.withLock { _ = $0.held.removeValue(forKey: claimed.id) }
            record(outcome)
            claimWork.signal()
        }
    }
#endif
