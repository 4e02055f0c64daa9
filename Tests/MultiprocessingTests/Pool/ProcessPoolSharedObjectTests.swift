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
    /// Issue 11 item 2: shared objects in jobs, outputs and errors reach pool
    /// workers and come back with their descriptors (`SCM_RIGHTS` on the
    /// pool's sockets). Every object is made after the workers started, so
    /// nothing reaches them by inheritance.
    @Suite("ProcessPool: shared objects in jobs", .timeLimit(.minutes(2)))
    struct ProcessPoolSharedObjectTests {
        // Synchronous: the locks the test holds belong to its thread.
        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func everySharedObjectTypeReachesAWorkerInsideAJob(method: ProcessPool.StartMethod) throws {
            let pool = try ProcessPool(workers: 1, options: .init(startMethod: method))
            defer { pool.shutdown(wait: true) }
            let bundle = try SharedObjectBundle.make()
            let barrierWaiter = try bundle.prepare()
            let report = try pool.submit(TouchSharedObjects(bundle: bundle)).wait(timeout: .seconds(60))
            try bundle.verify(report, barrierWaiter: barrierWaiter)
        }

        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func outputsAndErrorsBringTheirSharedObjectsBack(method: ProcessPool.StartMethod) async throws {
            let pool = try ProcessPool(workers: 2, options: .init(startMethod: method))
            let counter = try await pool.run(MakeSharedCounter(start: 7))
            #expect(counter.load() == 7)
            // Made in a worker that keeps no reference: the descriptor that came back holds it.
            let again = try await pool.run(AddToSharedCounter(counter: counter, amount: 3))
            #expect(again != getpid() && counter.load() == 10)
            do {
                _ = try await pool.run(FailWithSharedState(value: 42))
                Issue.record("the job should have thrown")
            } catch let failure as SharedStateFailure {
                #expect(failure.state.load() == 42)
                failure.state.store(43)
                #expect(failure.state.load() == 43)
            }
            let made = try await pool.map((0..<50).map { MakeSharedCounter(start: $0) })
            #expect(made.map { $0.load() } == Array(0..<50), "outputs of map chunks carry their descriptors")
            await pool.shutdown()
        }

        /// A `map` chunk of jobs that all hold the same counter carries one
        /// descriptor per distinct segment; many distinct ones travel too
        /// (past the 253 one `sendmsg` carries).
        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func batchedJobsCarryAllTheirDescriptors(method: ProcessPool.StartMethod) async throws {
            let pool = try ProcessPool(workers: 2, options: .init(startMethod: method))
            let counter = try SharedValue(0)
            let pids = try await pool.map((1...2_000).map { AddToSharedCounter(counter: counter, amount: $0) })
            #expect(counter.load() == (1...2_000).reduce(0, +))
            #expect(!pids.contains(getpid()))
            let many = try (0..<300).map { _ in try SharedValue(0) }
            #expect(try await pool.run(AddToEachCounter(counters: many)) == 300)
            #expect(many.allSatisfy { $0.load() == 1 })
            let chunks = try await pool.map(
                (0..<40).map { index in AddToEachCounter(counters: Array(many[index..<index + 10])) })
            #expect(chunks == Array(repeating: 10, count: 40))
            let windows = (0..<300).map { counter in (0..<40).count { counter >= $0 && counter < $0 + 10 } }
            #expect(many.map { $0.load() } == windows.map { 1 + $0 })
            await pool.shutdown()
        }

        @Test func theInitializersSharedObjectsReachEveryWorker() async throws {
            let started = try SharedValue(0)
            let pool = try ProcessPool(workers: 2, options: .init(initializer: CountStartedWorkers(started: started)))
            _ = try await pool.map((0..<20).map { AddOne(x: $0) })
            #expect(
                pollUntil(within: .seconds(20)) { started.load() == 2 },
                "each worker ran the initializer: \(started.load())")
            await pool.shutdown()
        }

        /// A worker at its open-file limit gets a truncated control message:
        /// the task fails with a typed error naming it, what arrived is
        /// closed, and the worker goes on with the next task.
        @Test func aWorkerAtItsOpenFileLimitFailsTheTaskAndGoesOn() async throws {
            let pool = try ProcessPool(workers: 1)
            _ = try await pool.run(LeaveDescriptorRoom(room: 4))
            let counters = try (0..<12).map { _ in try SharedValue(0) }
            do {
                _ = try await pool.run(AddToEachCounter(counters: counters))
                Issue.record("the task should have failed")
            } catch let ProcessPoolError.jobDecodingFailed(typeName, description) {
                #expect(typeName.hasSuffix("AddToEachCounter"))
                #expect(description.contains("open-file limit"), "\(description)")
            }
            #expect(counters.allSatisfy { $0.load() == 0 }, "the job did not run")
            // The worker closed what arrived: a task with room to spare runs.
            #expect(try await pool.run(AddToEachCounter(counters: Array(counters[..<2]))) == 2)
            #expect(try await pool.run(AddOne(x: 1)) == 2)
            await pool.shutdown()
        }

        /// A task whose descriptors the kernel refuses fails alone, with a
        /// typed error; the tasks sent with it in the same write run.
        @Test func aTaskWhoseDescriptorsCannotBeSentFailsAlone() throws {
            let pool = try ProcessPool(workers: 1)
            defer { pool.shutdown(wait: true) }
            let counter = try SharedValue(0)
            let before = try pool.submit(AddToSharedCounter(counter: counter, amount: 1))
            let unsendable = try pool.submit(UnsendableJob())
            let after = try (0..<3).map { _ in try pool.submit(AddToSharedCounter(counter: counter, amount: 1)) }
            _ = try before.wait(timeout: .seconds(30))
            do {
                _ = try unsendable.wait(timeout: .seconds(30))
                Issue.record("the job should have failed")
            } catch let ProcessPoolError.jobEncodingFailed(typeName, description) {
                #expect(typeName.hasSuffix("UnsendableJob"))
                #expect(description.contains("could not be sent"), "\(description)")
            }
            for future in after { _ = try future.wait(timeout: .seconds(30)) }
            #expect(counter.load() == 4)
        }

        /// Thousands of jobs with shared objects leave the descriptor counts
        /// of the parent and of the worker where they were.
        @Test func descriptorCountsStayFlatOverThousandsOfJobs() throws {
            try runIsolated(in: Self.self) {
                let pool = try ProcessPool(workers: 1)
                let counter = try SharedValue(0)
                let first = try pool.submit(CountWorkerDescriptors(counter: counter)).wait(timeout: .seconds(30))
                let before = try openDescriptorCount()
                for _ in 0..<20 {
                    let futures = try (0..<100).map { _ in try pool.submit(CountWorkerDescriptors(counter: counter)) }
                    for future in futures { _ = try future.wait(timeout: .seconds(30)) }
                }
                for _ in 0..<10 {
                    let outputs = try (0..<100).map { _ in try pool.submit(MakeSharedCounter(start: 1)) }
                        .map { try $0.wait(timeout: .seconds(30)) }
                    try check(outputs.allSatisfy { $0.load() == 1 })
                }
                let last = try pool.submit(CountWorkerDescriptors(counter: counter)).wait(timeout: .seconds(30))
                try check(last == first, "the worker's descriptors went from \(first) to \(last)")
                try check(counter.load() == 2_002)
                pool.shutdown(wait: true)
                try check(try openDescriptorCount() <= before, "the parent's descriptors grew")
            }
        }
    }
}
