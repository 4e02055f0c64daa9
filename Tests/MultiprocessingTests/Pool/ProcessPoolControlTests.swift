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

import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessPoolSuites {
    @Suite("ProcessPool control", .timeLimit(.minutes(1)))
    struct ProcessPoolControlTests {
        @Test func jobPastTheTimeoutFailsAndItsWorkerIsReplaced() async throws {
            let pool = try ProcessPool(workers: 1, options: .init(jobTimeout: .milliseconds(200)))
            let first = try await pool.run(WorkerPID())
            let stuck = try pool.submit(Forever())
            let behind = try pool.submit(AddOne(x: 1))
            let started = ContinuousClock.now
            await #expect(throws: JobError.timedOut(.milliseconds(200))) { try await stuck.value }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(150) && elapsed < .seconds(5))
            #expect(try await behind.value == 2, "the job queued behind it runs on the replacement")
            let second = try await pool.run(WorkerPID())
            #expect(second != first, "the stuck worker was killed and replaced")
            #expect(await eventually { processState(first) == nil })
            await pool.shutdown()
        }

        @Test func jobsWithinTheTimeoutAreUnaffected() async throws {
            let pool = try ProcessPool(workers: 2, options: .init(jobTimeout: .seconds(5)))
            #expect(try await pool.map((0..<50).map { AddOne(x: $0) }) == Array(1...50))
            await pool.shutdown()
        }

        @Test func cancellingAQueuedJobMeansItNeverRuns() async throws {
            let pool = try ProcessPool(workers: 1)
            let blocker = try pool.submit(Sleep(milliseconds: 300))
            // Enough jobs that the last ones are still queued in the pool.
            let queued = try (0..<40).map { _ in try pool.submit(SetGlobal(value: 99)) }
            for future in queued { #expect(future.cancel()) }
            #expect(try await blocker.value == 300)
            for future in queued {
                await #expect(throws: JobError.cancelled) { try await future.value }
            }
            #expect(try await pool.run(ReadGlobal()) == 0, "no cancelled job ran in the worker")
            await pool.shutdown()
        }

        @Test func cancellingARunningJobKillsItsWorker() async throws {
            let pool = try ProcessPool(workers: 1)
            let first = try await pool.run(WorkerPID())
            let running = try pool.submit(Forever())
            let behind = try pool.submit(AddOne(x: 4))
            #expect(await eventually { await pool.core.pidRunning(running) == first })
            #expect(running.cancel())
            await #expect(throws: JobError.cancelled) { try await running.value }
            #expect(try await behind.value == 5)
            #expect(await eventually { processState(first) == nil })
            #expect(try await pool.run(WorkerPID()) != first)
            await pool.shutdown()
        }

        @Test func cancellingTheAwaitingTaskCancelsTheJob() async throws {
            let pool = try ProcessPool(workers: 1)
            let first = try await pool.run(WorkerPID())
            let task = Task { try await pool.run(Forever()) }
            #expect(await eventually { await pool.runningJobCount() == 1 }, "the job runs")
            task.cancel()
            await #expect(throws: JobError.cancelled) { try await task.value }
            #expect(await eventually { processState(first) == nil })
            #expect(try await pool.run(AddOne(x: 1)) == 2)
            await pool.shutdown()
        }

        /// The time limit runs from when a job starts in its worker, not from
        /// when it was sent: an initializer slower than the limit used to time
        /// out every job, and the pool replaced its workers in a loop.
        @Test func aSlowInitializerDoesNotCountAgainstTheJobTimeout() async throws {
            let pool = try ProcessPool(
                workers: 2,
                options: .init(
                    jobTimeout: .milliseconds(300), initializer: SlowInitializer(milliseconds: 600)))
            #expect(try await pool.map((0..<8).map { AddOne(x: $0) }) == Array(1...8))
            let pids = Set(try await pool.map(Array(repeating: WorkerPID(), count: 8)))
            #expect(pids.count <= 2, "no worker was killed and replaced")
            await pool.shutdown()
        }

        @Test func initializerRunsOnceInEachNewWorker() async throws {
            let pool = try ProcessPool(
                workers: 2, options: .init(maxJobsPerWorker: 3, initializer: SetGlobal(value: 7)))
            for output in try await pool.map(Array(repeating: ReadGlobal(), count: 20)) {
                #expect(output == 7, "every worker, recycled ones included, ran the initializer first")
            }
            await pool.shutdown()
        }

        @Test func maxJobsPerWorkerRecyclesWorkers() async throws {
            let pool = try ProcessPool(workers: 2, options: .init(maxJobsPerWorker: 2))
            let pids = try await pool.map(Array(repeating: WorkerPID(), count: 20))
            var jobsPerPID: [Int32: Int] = [:]
            for pid in pids { jobsPerPID[pid, default: 0] += 1 }
            #expect(jobsPerPID.count >= 10)
            #expect(jobsPerPID.values.allSatisfy { $0 <= 2 })
            #expect(await eventually { pool.workerPIDs.count == 2 })
            await pool.shutdown()
            for pid in jobsPerPID.keys { #expect(processState(pid) == nil, "worker \(pid) was reaped") }
        }

        @Test func failingInitializerFailsPendingJobsAndStopsThePool() async throws {
            let pool = try ProcessPool(workers: 1, options: .init(initializer: FailingInitializer()))
            let error = await #expect(throws: ProcessPoolError.self) { try await pool.run(AddOne(x: 1)) }
            guard case .initializerFailed(let remote)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(remote.typeName.hasSuffix("ParseFailure"))
            #expect(throws: ProcessPoolError.self) { try pool.submit(AddOne(x: 1)) }
            await pool.shutdown()
        }

        @Test(arguments: [Crash.How.exit, .kill, .trap])
        func initializerThatKillsItsWorkerStopsThePoolInsteadOfRespawning(how: Crash.How) async throws {
            let pool = try ProcessPool(workers: 2, options: .init(initializer: Crash(how: how)))
            for x in 0..<4 {
                // The pool may break before a submit (which then throws) or after it (the job fails).
                let error = await #expect(throws: ProcessPoolError.self) { try await pool.submit(AddOne(x: x)).value }
                guard case .initializerFailed(let remote)? = error else {
                    Issue.record("unexpected \(String(describing: error))")
                    continue
                }
                #expect(remote.typeName.hasSuffix("Crash"))
                #expect(remote.description.contains("died running the initializer"))
            }
            #expect(throws: ProcessPoolError.self) { try pool.submit(AddOne(x: 1)) }
            // A negative check: give a respawn loop, if there were one, time to show.
            try await Task.sleep(for: .milliseconds(100))
            #expect(pool.workerPIDs.isEmpty, "no replacement workers are started")
            await pool.shutdown()
        }

        @Test func aJobCrashAfterTheInitializerIsAnOrdinaryCrash() async throws {
            let pool = try ProcessPool(workers: 1, options: .init(initializer: SetGlobal(value: 5)))
            #expect(try await pool.run(ReadGlobal()) == 5)
            let error = await #expect(throws: ProcessPoolError.self) { try await pool.run(Crash(how: .exit)) }
            guard case .workerCrashed(_, let status, _)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(status == .exited(3))
            #expect(try await pool.run(ReadGlobal()) == 5, "the replacement ran the initializer and serves")
            await pool.shutdown()
        }

        @Test func terminateKillsWorkersAndFailsPendingJobs() async throws {
            let pool = try ProcessPool(workers: 2)
            let pids = pool.workerPIDs
            let running = try (0..<6).map { _ in try pool.submit(Forever()) }
            #expect(await eventually { await pool.runningJobCount() == 2 }, "both workers run a job")
            pool.terminate()
            for future in running {
                #expect(future.isDone, "terminate returns once pending jobs have failed")
                await #expect(throws: JobError.shutDown) { try await future.value }
            }
            #expect(throws: JobError.shutDown) { try pool.submit(AddOne(x: 1)) }
            await pool.shutdown()
            for pid in pids { #expect(processState(pid) == nil) }
            pool.terminate()  // again: not an error
        }

        @Test func shutdownFinishesQueuedWork() async throws {
            let pool = try ProcessPool(workers: 2)
            let futures = try (0..<30).map { try pool.submit(Sleep(milliseconds: $0 % 5)) }
            let pids = pool.workerPIDs
            await pool.shutdown()
            for (index, future) in futures.enumerated() {
                #expect(future.isDone)
                #expect(try blockingWait(future, timeout: .seconds(60)) == index % 5)
            }
            for pid in pids { #expect(processState(pid) == nil, "worker \(pid) was reaped") }
        }

        @Test func droppedPoolFinishesItsWorkAndCleansUp() async throws {
            var pids: [Int32] = []
            var futures: [JobFuture<Int>] = []
            do {
                let pool = try ProcessPool(workers: 2)
                pids = pool.workerPIDs
                futures = try (0..<10).map { try pool.submit(Sleep(milliseconds: $0)) }
            }
            for (index, future) in futures.enumerated() { #expect(try await future.value == index) }
            #expect(await eventually { pids.allSatisfy { processState($0) == nil } })
        }
    }
}
