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

import MultiprocessingPlatform
import Testing

@testable import Multiprocessing

extension ProcessPoolSuites {
    @Suite("Pool scheduler", .timeLimit(.minutes(1)))
    struct SchedulerTests {
        let a = WorkerID(rawValue: 1)
        let b = WorkerID(rawValue: 2)
        let t0 = Deadline(nanoseconds: 1_000_000_000)

        func fill(_ scheduler: inout Scheduler<Int>, now: Deadline) -> [(WorkerID, Int)] {
            var sent: [(WorkerID, Int)] = []
            while !scheduler.queue.isEmpty, let id = scheduler.workerWithCapacity(), let task = scheduler.popQueued() {
                scheduler.assign(task, jobCount: 1, to: id, now: now)
                sent.append((id, task))
            }
            return sent
        }

        @Test func tasksGoToTheLeastLoadedWorkerUpToTheLimit() {
            var scheduler = Scheduler<Int>()
            scheduler.addWorker(a)
            scheduler.addWorker(b)
            for task in 0..<10 { scheduler.enqueue(task) }
            let sent = fill(&scheduler, now: t0)
            #expect(scheduler.inFlightLimit == 2, "two in flight until durations are known")
            #expect(sent.map(\.1) == [0, 1, 2, 3])
            #expect(sent.map(\.0) == [a, b, a, b])
            #expect(scheduler.queue.count == 6)
        }

        @Test func shortTasksRaiseTheLimitAndLongOnesLowerIt() {
            var scheduler = Scheduler<Int>()
            scheduler.addWorker(a)
            for task in 0..<3 { scheduler.enqueue(task) }
            _ = fill(&scheduler, now: t0)
            _ = scheduler.completeHead(of: a, now: t0.advanced(by: .microseconds(20)))
            #expect(scheduler.inFlightLimit == 9, "1 running + 150 µs / 20 µs queued")
            var tiny = Scheduler<Int>()
            tiny.addWorker(a)
            tiny.enqueue(0)
            _ = fill(&tiny, now: t0)
            _ = tiny.completeHead(of: a, now: t0.advanced(by: .microseconds(1)))
            #expect(tiny.inFlightLimit == Scheduler<Int>.largestInFlightLimit)
            var medium = Scheduler<Int>()
            medium.addWorker(a)
            medium.enqueue(0)
            _ = fill(&medium, now: t0)
            _ = medium.completeHead(of: a, now: t0.advanced(by: .milliseconds(1)))
            #expect(medium.inFlightLimit == 2)
            var slow = Scheduler<Int>()
            slow.addWorker(a)
            slow.enqueue(0)
            _ = fill(&slow, now: t0)
            _ = slow.completeHead(of: a, now: t0.advanced(by: .milliseconds(50)))
            #expect(slow.inFlightLimit == 1)
        }

        /// A task whose frame could not be sent leaves its worker's tasks;
        /// if it was the head, the next one starts then.
        @Test func aWithdrawnTaskLeavesItsWorker() {
            var scheduler = Scheduler<Int>()
            scheduler.addWorker(a)
            for task in 0..<2 { scheduler.enqueue(task) }
            _ = fill(&scheduler, now: t0)
            scheduler.withdraw(from: a, now: t0.advanced(by: .seconds(1))) { $0 == 0 }
            #expect(Array(scheduler.inFlight(of: a)) == [1])
            #expect(scheduler.slots[a]?.headStarted == t0.advanced(by: .seconds(1)))
            scheduler.withdraw(from: a, now: t0.advanced(by: .seconds(2))) { $0 == 7 }
            #expect(Array(scheduler.inFlight(of: a)) == [1], "a task it does not hold changes nothing")
            scheduler.withdraw(from: b, now: t0) { _ in true }
            #expect(scheduler.isIdle == false)
        }

        @Test func losingAWorkerFailsItsHeadAndRequeuesTheRestInOrder() {
            var scheduler = Scheduler<Int>()
            scheduler.addWorker(a)
            scheduler.addWorker(b)
            for task in 0..<6 { scheduler.enqueue(task) }
            _ = fill(&scheduler, now: t0)  // a: 0 2, b: 1 3; queued: 4 5
            #expect(scheduler.removeWorker(a) == 0)
            #expect(Array(scheduler.queue) == [2, 4, 5])
            #expect(scheduler.head(of: b) == 1)
            #expect(scheduler.removeWorker(a) == nil, "removing twice changes nothing")
        }

        @Test func headStartsWhenThePreviousResultArrives() {
            var scheduler = Scheduler<Int>(jobTimeout: .milliseconds(100))
            scheduler.addWorker(a)
            scheduler.markReady(a, now: t0)
            scheduler.enqueue(0)
            scheduler.enqueue(1)
            _ = fill(&scheduler, now: t0)
            #expect(scheduler.nextDeadline == t0.advanced(by: .milliseconds(100)))
            let later = t0.advanced(by: .milliseconds(60))
            #expect(scheduler.completeHead(of: a, now: later)?.task == 0)
            #expect(scheduler.nextDeadline == later.advanced(by: .milliseconds(100)), "task 1 started at `later`")
            #expect(scheduler.overdueWorkers(at: later.advanced(by: .milliseconds(99))).isEmpty)
            #expect(scheduler.overdueWorkers(at: later.advanced(by: .milliseconds(100))) == [a])
            _ = scheduler.completeHead(of: a, now: later.advanced(by: .milliseconds(1)))
            #expect(scheduler.nextDeadline == nil, "nothing runs, nothing is late")
            #expect(scheduler.isIdle)
        }

        /// A job's time limit runs from when its worker is ready (started, its
        /// initializer done), not from when it was sent: a slow start or a slow
        /// initializer never makes jobs time out.
        @Test func headWaitsForItsWorkerToBeReady() {
            var scheduler = Scheduler<Int>(jobTimeout: .milliseconds(100))
            scheduler.addWorker(a)
            scheduler.enqueue(0)
            _ = fill(&scheduler, now: t0)
            #expect(scheduler.nextDeadline == nil, "sent, but the worker is still starting")
            #expect(scheduler.overdueWorkers(at: t0.advanced(by: .seconds(10))).isEmpty)
            let ready = t0.advanced(by: .seconds(2))
            scheduler.markReady(a, now: ready)
            #expect(scheduler.nextDeadline == ready.advanced(by: .milliseconds(100)))
            #expect(scheduler.overdueWorkers(at: ready.advanced(by: .milliseconds(99))).isEmpty)
            #expect(scheduler.overdueWorkers(at: ready.advanced(by: .milliseconds(100))) == [a])
        }

        @Test func aWorkerRetiresAfterMaxJobsAndIsDoneWhenEmpty() {
            var scheduler = Scheduler<Int>(maxJobsPerWorker: 2)
            scheduler.addWorker(a)
            for task in 0..<3 { scheduler.enqueue(task) }
            let sent = fill(&scheduler, now: t0)
            #expect(sent.map(\.1) == [0, 1], "the third job waits for a replacement")
            #expect(scheduler.acceptingCount == 0)
            #expect(scheduler.completeHead(of: a, now: t0)?.retired == false)
            #expect(scheduler.completeHead(of: a, now: t0)?.retired == true)
            scheduler.addWorker(b)
            #expect(fill(&scheduler, now: t0).map(\.0) == [b])
        }

        @Test func noTimeoutMeansNoDeadline() {
            var scheduler = Scheduler<Int>()
            scheduler.addWorker(a)
            scheduler.enqueue(0)
            _ = fill(&scheduler, now: t0)
            #expect(scheduler.nextDeadline == nil)
            #expect(scheduler.overdueWorkers(at: .distantFuture).isEmpty)
        }

        @Test func chunkPlannerFollowsPythonForKnownLengthsAndGrowsForUnknownOnes() {
            var known = ChunkPlanner(workers: 2, knownCount: 1_000, chunkSize: nil)
            var numbers = (0..<1_000).makeIterator()
            #expect(known.window == 8)
            #expect(known.nextChunk(from: &numbers).count == 125)
            var unknown = ChunkPlanner(workers: 2, knownCount: 0, chunkSize: nil)
            var endless = (0...).makeIterator()
            let sizes = (0..<10).map { _ in unknown.nextChunk(from: &endless).count }
            #expect(sizes == [1, 2, 4, 8, 16, 32, 64, 128, 256, 256])
            var single = ChunkPlanner(workers: 2, knownCount: 1_000, chunkSize: 1)
            #expect(single.nextChunk(from: &numbers).count == 1)
            var huge = ChunkPlanner(workers: 1, knownCount: 10_000_000, chunkSize: nil)
            var many = (0..<10_000_000).makeIterator()
            #expect(huge.nextChunk(from: &many).count == ChunkPlanner.largestKnownChunk)
        }
    }
}
