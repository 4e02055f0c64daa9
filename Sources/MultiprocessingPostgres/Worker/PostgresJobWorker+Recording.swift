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

    /// A job's outcome, waiting to be recorded.
    struct RecordedOutcome: Sendable {
        enum Kind: String, Sendable {
            /// Finished with an output.
            case succeeded
            /// Failed for good.
            case failed
            /// Failed; queued again after `delay` for another attempt.
            case retry
            /// Never started here; queued again after `delay`, the attempt not counted.
            case release
        }

        var id: Int64
        var outcome: Kind
        var output = ""
        var failure: StoredFailure?
        var delay = 0.0

        init(id: Int64, output: String) {
            self.id = id
            outcome = .succeeded
            self.output = output
        }

        init(id: Int64, outcome: Kind = .failed, failure: StoredFailure? = nil, delay: Double = 0) {
            self.id = id
            self.outcome = outcome
            self.failure = failure
            self.delay = delay
        }
    }

    extension PostgresJobWorker {
        /// Queues `outcome` for the next recording batch.
        func record(_ outcome: RecordedOutcome) {
            state.withLock { $0.outcomes.append(outcome) }
            recordWork.signal()
        }

        /// Records outcomes in batches (one statement each, whatever has
        /// accumulated while the previous one ran), until the task is cancelled.
        func recordLoop() async {
            let link = DatabaseLink(configuration: configuration, role: "worker recorder", logger: logger)
            while !Task.isCancelled {
                await recordWork.wait()
                while !Task.isCancelled, await recordBatch(on: link) {}
            }
            await link.close()
        }

        /// Records the next batch; `false` when there was none.
        private func recordBatch(on link: DatabaseLink) async -> Bool {
            let batch: [RecordedOutcome] = state.withLock { state in
                let batch = Array(state.outcomes.prefix(Submitter.batchLimit))
                state.outcomes.removeFirst(batch.count)
                state.recording.formUnion(batch.map(\.id))
                return batch
            }
            guard !batch.isEmpty else { return false }
            var binds = PostgresBindings(capacity: 8)
            binds.append(batch.map(\.id))
            binds.append(batch.map(\.outcome.rawValue))
            binds.append(batch.map(\.output))
            binds.append(batch.map { outcome in outcome.failure.flatMap { try? JSONCoding.encode($0) } ?? "" })
            binds.append(batch.map(\.delay))
            binds.append(name)
            binds.append(configuration.queueName)
            binds.append(Statements.jobsChannel(queue: configuration.queueName))
            do {
                try await link.persistently { link in
                    try await link.execute(Statements.Complete.self, binds)
                }
            } catch is CancellationError {
                // Stopped: these jobs go back to the queue when their leases run out.
            } catch {
                logger.error("worker: recording \(batch.count) outcome(s) failed: \(error)")
            }
            state.withLock { $0.recording.subtract(batch.map(\.id)) }
            drained.signal()
            return true
        }
    }
#endif
