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

import Testing

@testable import Threading

struct Square: Job {
    var x: Int
    func run() -> Int { x * x }
}

struct Failing: Job {
    struct Failure: Error, Codable, Equatable { var x: Int }
    var x: Int
    func run() throws -> Int { throw Failure(x: x) }
}

/// Sleeps `milliseconds`, then returns `x`: the first jobs of a map finish last.
struct Sleepy: Job {
    var x: Int
    var milliseconds: Int
    func run() -> Int {
        usleepMilliseconds(milliseconds)
        return x
    }
}

/// Counts the runs of ``Gated`` jobs.
let gatedRuns = Counter()

/// Returns `x` once the gate named `gate` opens (at once without one), so a
/// test decides the order in which jobs finish; opens the gate `gate-started`
/// when it begins waiting.
struct Gated: Job {
    var x: Int
    var gate: String?
    /// Also counts the run in the counter of this name.
    var counter: String? = nil
    func run() -> Int {
        if let gate {
            jobGate(gate + "-started").set()
            jobGate(gate).wait()
        }
        gatedRuns.increment()
        if let counter { ThreadingTests.counter(named: counter).increment() }
        return x
    }
}

/// Counts its runs in a global, which only the test using it reads.
let countedJobRuns = Counter()
struct CountedJob: Job {
    var x: Int
    func run() -> Int {
        countedJobRuns.increment()
        return x
    }
}

@Suite("ThreadPool", .timeLimit(.minutes(1)))
struct ThreadPoolTests {
    @Test func submitJobsAndClosures() async throws {
        let pool = ThreadPool(threads: 2)
        #expect(pool.threadCount == 2)
        let job = try pool.submit(Square(x: 7))
        let closure = pool.submit { "not codable: \(3 + 4)" }
        #expect(try blockingWait(job) == 49)
        #expect(try await closure.value == "not codable: 7")
        #expect(try await pool.run(Square(x: 3)) == 9)
        #expect(try await pool.run { 5 } == 5)
        await pool.shutdown()
    }

    @Test func jobsRunOnPoolThreads() async throws {
        let pool = ThreadPool(threads: 2)
        let name = try await pool.run { PosixThread.currentSystemName }
        #expect(name.hasPrefix("ThreadPool-"))
        await pool.shutdown()
    }

    @Test func errorsReachTheCaller() async throws {
        let pool = ThreadPool(threads: 2)
        let future = try pool.submit(Failing(x: 4))
        #expect(throws: Failing.Failure(x: 4)) { try future.wait() }
        await #expect(throws: Failing.Failure(x: 5)) { try await pool.run(Failing(x: 5)) }
        await pool.shutdown()
    }

    @Test func mapKeepsInputOrder() async throws {
        let pool = ThreadPool(threads: 2)
        let jobs = (0..<3000).map { Sleepy(x: $0, milliseconds: $0 < 4 ? 4 - $0 : 0) }
        let outputs = try await pool.map(jobs)
        #expect(outputs == Array(0..<3000))
        #expect(try await pool.map([Square]()) == [])
        await pool.shutdown()
    }

    @Test func mapThrowsTheFirstFailureAndCancelsTheRest() async throws {
        let pool = ThreadPool(threads: 1)
        let ran = Counter()
        struct Counted: Job {
            var x: Int
            func run() throws -> Int {
                if x == 2 { throw Failing.Failure(x: x) }
                usleepMilliseconds(1)
                return x
            }
        }
        await #expect(throws: Failing.Failure(x: 2)) {
            try await pool.map((0..<2000).map { Counted(x: $0) })
        }
        // Most of the 2000 jobs were cancelled before they started.
        let blocker = pool.submit { ran.increment() }
        _ = try await blocker.value
        await pool.shutdown()
    }

    @Test func mapReadsAHugeInputLazily() async throws {
        let pool = ThreadPool(threads: 2)
        let pulled = Counter()
        let jobs = (0..<Int.max).lazy.map { x -> Square in
            pulled.increment()
            return Square(x: x)
        }
        var seen = 0
        for try await _ in pool.mapUnordered(jobs) {
            seen += 1
            if seen == 100 { break }
        }
        #expect(pulled.value < 100 + 2 * 1024 + 10, "the input is consumed with a bounded window")
        await pool.shutdown()
    }

    @Test func mapUnorderedYieldsInCompletionOrder() async throws {
        let pool = ThreadPool(threads: 3)
        // Job 2 finishes at once; each output received opens the gate of the job before it.
        let jobs = [
            Gated(x: 0, gate: "completion-order-0"), Gated(x: 1, gate: "completion-order-1"), Gated(x: 2, gate: nil),
        ]
        var order: [Int] = []
        for try await (index, output) in pool.mapUnordered(jobs) {
            #expect(index == output)
            order.append(index)
            if index > 0 { jobGate("completion-order-\(index - 1)").set() }
        }
        #expect(order == [2, 1, 0])
        await pool.shutdown()
    }

    @Test func mapUnorderedDeliversEveryResultOnce() async throws {
        let pool = ThreadPool(threads: 2)
        var indices: [Int] = []
        for try await (index, output) in pool.mapUnordered((0..<5000).map { Square(x: $0) }) {
            #expect(output == index * index)
            indices.append(index)
        }
        #expect(indices.sorted() == Array(0..<5000))
        await pool.shutdown()
    }

    @Test func mapUnorderedFinishesWithTheFirstFailure() async throws {
        let pool = ThreadPool(threads: 2)
        let jobs = (0..<10).map { Square(x: $0) }
        var count = 0
        await #expect(throws: Failing.Failure(x: 1)) {
            for try await _ in pool.mapUnordered([Failing(x: 1)] + []) { count += 1 }
        }
        #expect(count == 0)
        var total = 0
        for try await _ in pool.mapUnordered(jobs) { total += 1 }
        #expect(total == 10)
        await pool.shutdown()
    }

    @Test func cancellingAFutureKeepsAQueuedJobFromRunning() async throws {
        let pool = ThreadPool(threads: 1)
        let gate = Event()
        let ran = Counter()
        let blocker = pool.submit { gate.wait() }
        let queued = pool.submit { ran.increment() }
        #expect(queued.cancel())
        gate.set()
        try await blocker.value
        await pool.shutdown()
        #expect(ran.value == 0)
        await #expect(throws: JobError.cancelled) { try await queued.value }
    }

    @Test func cancellingTheAwaitingTaskCancelsTheQueuedJob() async throws {
        let ran = Counter()
        try await cancelWhileQueuedBehindABlockedThread { pool in try await pool.run { ran.increment() } }
        #expect(ran.value == 0)
    }

    @Test func cancellingTheTaskRunningMapCancelsItsQueuedJobs() async throws {
        try await cancelWhileQueuedBehindABlockedThread { pool in
            try await pool.map((0..<100).map { CountedJob(x: $0) })
        }
        #expect(countedJobRuns.value == 0)
    }

    /// Starts `work` in a task while the pool's one thread is blocked, cancels
    /// the task, and expects it to end with `JobError.cancelled`; then shuts the pool down.
    private func cancelWhileQueuedBehindABlockedThread<T: Sendable>(
        _ work: @escaping @Sendable (ThreadPool) async throws -> T
    ) async throws {
        let pool = ThreadPool(threads: 1)
        let started = Event()
        let gate = Event()
        let blocker = pool.submit {
            started.set()
            gate.wait()
        }
        started.wait()
        let task = Task { try await work(pool) }
        #expect(await eventually { pool.queue.queuedItemCount > 0 }, "the work is queued behind the blocked thread")
        task.cancel()
        await #expect(throws: JobError.cancelled) { try await task.value }
        gate.set()
        try await blocker.value
        await pool.shutdown()
    }

    @Test func shutdownFinishesQueuedWorkThenRefusesMore() async throws {
        let pool = ThreadPool(threads: 2)
        let done = Counter()
        let futures = (0..<200).map { _ in pool.submit { done.increment() } }
        await pool.shutdown()
        #expect(done.value == 200)
        #expect(futures.allSatisfy { $0.isDone })
        #expect(throws: JobError.shutDown) { try pool.submit(Square(x: 1)) }
        let refused = pool.submit { 1 }
        #expect(throws: JobError.shutDown) { try refused.wait(timeout: .seconds(10)) }
        await pool.shutdown()  // again: not an error
    }

    @Test func synchronousShutdownJoinsEveryThread() throws {
        let pool = ThreadPool(threads: 3)
        let done = Counter()
        for _ in 0..<50 { _ = pool.submit { done.increment() } }
        pool.shutdown(wait: true)
        #expect(done.value == 50)
    }

    @Test func aDroppedPoolStillFinishesItsQueuedWork() throws {
        let done = Counter()
        var futures: [JobFuture<Int>] = []
        do {
            let pool = ThreadPool(threads: 2)
            futures = (0..<100).map { i in
                pool.submit {
                    done.increment()
                    return i
                }
            }
        }
        for (i, future) in futures.enumerated() { #expect(try future.wait(timeout: .seconds(20)) == i) }
        #expect(done.value == 100)
    }

    @Test func poolsDoNotLeakThreads() async throws {
        for _ in 0..<200 {
            let pool = ThreadPool(threads: 2)
            _ = pool.submit { 1 }
            await pool.shutdown()
        }
        for _ in 0..<200 { _ = ThreadPool(threads: 2) }  // dropped without shutdown
    }

    @Test func defaultSizeIsTheAvailableProcessorCount() async {
        let pool = ThreadPool()
        #expect(pool.threadCount == AvailableProcessors.count)
        await pool.shutdown()
    }

    @Test func worksThroughTheExecutorProtocol() async throws {
        let executors: [any JobExecutor] = [ThreadPool(threads: 2), InlineExecutor()]
        for executor in executors {
            #expect(try await executor.map((1...5).map { Square(x: $0) }) == [1, 4, 9, 16, 25])
            await executor.shutdown()
        }
    }
}
