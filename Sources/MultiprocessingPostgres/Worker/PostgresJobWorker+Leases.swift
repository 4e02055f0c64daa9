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

    extension PostgresJobWorker {
        /// Renews this worker's leases every third of the lease duration, and
        /// puts back in the queue the jobs whose leases ran out (of any worker,
        /// any queue) as soon as the earliest lease runs out: the loop sleeps
        /// until whichever comes first.
        func leaseLoop() async {
            let link = DatabaseLink(configuration: configuration, role: "worker leases", logger: logger)
            let heartbeat = configuration.leaseDuration / 3
            var nextRenewal = ContinuousClock.now
            while !Task.isCancelled {
                var untilNextExpiry: Duration?
                do {
                    if ContinuousClock.now >= nextRenewal {
                        nextRenewal = .now + heartbeat
                        try await renewLeases(on: link)
                    }
                    untilNextExpiry = try await reapExpiredLeases(on: link)
                } catch {
                    logger.debug("worker: lease upkeep failed: \(error)")
                    untilNextExpiry = .milliseconds(200)
                }
                var pause = nextRenewal - .now
                if let untilNextExpiry { pause = min(pause, untilNextExpiry + .milliseconds(5)) }
                try? await Task.sleep(for: max(pause, .milliseconds(5)))
            }
            await link.close()
        }

        /// Extends the leases of the jobs this worker holds (running, or finished
        /// and not yet recorded); cancels those whose submitters cancelled them,
        /// and stops caring about those it no longer holds (their leases ran out
        /// and another worker has them now).
        private func renewLeases(on link: DatabaseLink) async throws(PostgresJobQueueError) {
            let ids = state.withLock { Array($0.held.keys) + Array($0.recording) + $0.outcomes.map(\.id) }
            guard !ids.isEmpty else { return }
            var binds = PostgresBindings(capacity: 3)
            binds.append(ids)
            binds.append(name)
            binds.append(configuration.leaseDuration.seconds)
            let rows = try await link.execute(Statements.RenewLeases.self, binds)
            var stillHeld = Set<Int64>()
            var cancelled: [Int64] = []
            for row in rows {
                guard let (id, cancelRequested) = try? row.decode((Int64, Bool).self) else { continue }
                stillHeld.insert(id)
                if cancelRequested { cancelled.append(id) }
            }
            cancel(ids: cancelled)
            let lost: [@Sendable () -> Void] = state.withLock { state in
                ids.filter { !stillHeld.contains($0) }.compactMap { state.held.removeValue(forKey: $0)?.cancel }
            }
            if !lost.isEmpty {
                logger.warning("worker: lost the leases of \(lost.count) job(s); they run elsewhere now")
                for stop in lost { stop() }
                drained.signal()
                claimWork.signal()
            }
        }

        /// Puts back jobs whose leases ran out; returns the time until the next
        /// lease runs out, or `nil` when no job runs.
        private func reapExpiredLeases(on link: DatabaseLink) async throws(PostgresJobQueueError) -> Duration? {
            let rows = try await link.execute(Statements.ReapExpiredLeases.self)
            guard let row = rows.first,
                let (moved, _, _, untilNext) = try? row.decode((Int64, Int64, Int64, Double?).self)
            else { return nil }
            if moved > 0 { logger.info("worker: put back \(moved) job(s) whose worker stopped renewing its lease") }
            return untilNext.map { .seconds(max($0, 0)) }
        }
    }
#endif
