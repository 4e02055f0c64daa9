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

/// An executor of one's own, built on ``JobPromise``: a thread per job.
struct ThreadPerJobExecutor: JobExecutor {
    func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        let promise = JobPromise<J.Output>()
        try PosixThread(name: "per-job") {
            guard promise.markRunning() else { return }
            promise.complete(with: Result { try job.run() })
        }.start()
        return promise.future
    }

    func shutdown() async {}
}

struct Boom: Error, Equatable {
    var code: Int
}

@Suite("JobFuture callbacks, isRunning, JobPromise", .timeLimit(.minutes(1)))
struct JobFutureCallbackTests {
    @Test func aCallbackAddedAfterCompletionRunsOnceAtOnce() {
        let future = JobPromise<Int>()
        future.succeed(7)
        let calls = Recorder<Int>()
        let caller = PosixThread.current
        future.future.onComplete { result in
            calls.append((try? result.get()) ?? -1)
            #expect(PosixThread.current === caller, "a late callback runs on the thread that adds it")
        }
        #expect(calls.elements == [7])
        future.succeed(8)
        #expect(calls.elements == [7], "completing again neither changes the outcome nor calls again")
    }

    @Test func callbacksRunOnceEachInOrderOnCompletion() throws {
        let promise = JobPromise<Int>()
        let calls = Recorder<String>()
        for name in ["a", "b", "c"] {
            promise.future.onComplete { result in calls.append("\(name)\((try? result.get()) ?? -1)") }
        }
        #expect(calls.elements.isEmpty)
        #expect(promise.future.waiterCount == 3)
        let completer = try Bunch(1) { promise.succeed(1) }
        #expect(completer.finish())
        #expect(calls.elements == ["a1", "b1", "c1"])
        #expect(promise.future.waiterCount == 0)
    }

    @Test func callbacksSeeFailuresAndCancellation() {
        let failed = JobPromise<Int>()
        let cancelled = JobPromise<Int>()
        let errors = Recorder<String>()
        failed.future.onComplete { if case .failure(let error) = $0 { errors.append("\(error)") } }
        cancelled.future.onComplete { if case .failure(let error) = $0 { errors.append("\(error)") } }
        #expect(failed.fail(Boom(code: 3)))
        #expect(!failed.fail(Boom(code: 4)), "a future completes once")
        #expect(cancelled.future.cancel())
        #expect(errors.elements == ["\(Boom(code: 3))", "\(JobError.cancelled)"])
    }

    @Test func isRunningFollowsTheJob() async throws {
        let pool = ThreadPool(threads: 1)
        let started = Event()
        let gate = Event()
        let first = pool.submit {
            started.set()
            gate.wait()
        }
        let second = pool.submit { 2 }
        started.wait()
        #expect(first.isRunning && !first.isDone)
        #expect(!second.isRunning && !second.isDone, "queued is not running")
        gate.set()
        try await first.value
        #expect(try await second.value == 2)
        #expect(!first.isRunning && first.isDone)
        await pool.shutdown()
    }

    @Test func aPromiseCancelledBeforeItRunsTellsTheExecutorNotToRun() {
        let promise = JobPromise<Int>()
        #expect(promise.future.cancel())
        #expect(!promise.markRunning(), "the executor must not run a cancelled job")
        #expect(!promise.succeed(1))
        #expect(promise.future.isCancelled)
    }

    @Test func aRunningPromiseWithAStopIsCancelledThroughIt() throws {
        let promise = JobPromise<Int>()
        let stopped = Counter()
        let stop: @Sendable () -> Void = { stopped.increment() }
        #expect(promise.markRunning(stop: stop))
        #expect(promise.future.isRunning)
        #expect(promise.future.cancel())
        #expect(stopped.value == 1)
        #expect(throws: JobError.cancelled) { try promise.future.wait() }
        #expect(!promise.succeed(5), "the job's late result is dropped")
    }

    @Test func aCustomExecutorWorksWithEveryDefault() async throws {
        let executor = ThreadPerJobExecutor()
        #expect(try await executor.run(Square(x: 3)) == 9)
        #expect(try await executor.map((1...5).map { Square(x: $0) }) == [1, 4, 9, 16, 25])
        var streamed: [Int] = []
        for try await output in executor.mapStream((1...5).map { Square(x: $0) }) { streamed.append(output) }
        #expect(streamed == [1, 4, 9, 16, 25])
        await #expect(throws: Boom(code: 1)) {
            _ = try await executor.run(ThrowsBoom(code: 1))
        }
    }
}

struct ThrowsBoom: Job {
    var code: Int
    func run() throws -> Int { throw Boom(code: code) }
}

@Suite("JobFutures.asCompleted and wait", .timeLimit(.minutes(1)))
struct JobFuturesTests {
    @Test func asCompletedYieldsInCompletionOrderFinishedOnesFirst() async throws {
        let done = JobPromise<Int>()
        let first = JobPromise<Int>()
        let second = JobPromise<Int>()
        done.succeed(0)
        var order: [Int] = []
        for try await future in JobFutures.asCompleted([second.future, done.future, first.future]) {
            let value = try await future.value
            order.append(value)
            if value == 0 { first.succeed(1) }
            if value == 1 { second.succeed(2) }
        }
        #expect(order == [0, 1, 2])
    }

    @Test func asCompletedYieldsCancelledFuturesAndCountsDuplicatesOnce() async throws {
        let cancelled = JobPromise<Int>()
        let failed = JobPromise<Int>()
        var yielded: [JobFuture<Int>] = []
        let later = Task {
            cancelled.future.cancel()
            failed.fail(Boom(code: 2))
        }
        for try await future in JobFutures.asCompleted([cancelled.future, failed.future, cancelled.future]) {
            yielded.append(future)
        }
        await later.value
        #expect(yielded.count == 2)
        #expect(yielded.contains { $0 === cancelled.future && $0.isCancelled })
        #expect(yielded.contains { $0 === failed.future && !$0.isCancelled })
    }

    @Test func asCompletedWithAnExpiringTimeoutThrowsAfterWhatFinished() async throws {
        let quick = JobPromise<Int>()
        let never = JobPromise<Int>()
        quick.succeed(1)
        var yielded: [JobFuture<Int>] = []
        let took = await measureAsync {
            await #expect(throws: JobError.waitTimedOut(.milliseconds(50))) {
                for try await future in JobFutures.asCompleted(
                    [quick.future, never.future], timeout: .milliseconds(50))
                {
                    yielded.append(future)
                }
            }
        }
        #expect(yielded.count == 1 && yielded[0] === quick.future)
        // The timer is a task: a starved cooperative pool (a full test run on
        // two CPUs) delays it, so only the lower bound is a fair check; a
        // timeout that never fired would hit the suite's time limit.
        #expect(took >= .milliseconds(45))
        #expect(!never.future.isDone, "a timeout never touches the futures")
        #expect(await eventually { never.future.waiterCount == 0 }, "the abandoned watch leaves nothing behind")
    }

    @Test func asCompletedOverFuturesFromTwoExecutorsAndAPromise() async throws {
        let pool = ThreadPool(threads: 2)
        let inline = InlineExecutor()
        let promise = JobPromise<Int>()
        let futures = [try pool.submit(Square(x: 2)), try inline.submit(Square(x: 3)), promise.future]
        var values: [Int] = []
        for try await future in JobFutures.asCompleted(futures, timeout: prompt) {
            values.append(try await future.value)
            if values.count == 2 { promise.succeed(100) }
        }
        #expect(values.sorted() == [4, 9, 100])
        #expect(values.last == 100)
        await pool.shutdown()
    }

    @Test func asCompletedOfNothingEndsAtOnce() async throws {
        var count = 0
        for try await _ in JobFutures.asCompleted([JobFuture<Int>]()) { count += 1 }
        #expect(count == 0)
    }

    @Test func droppingTheStreamEarlyUnregistersIt() async throws {
        let done = JobPromise<Int>()
        let pending = JobPromise<Int>()
        done.succeed(1)
        for try await _ in JobFutures.asCompleted([done.future, pending.future]) { break }
        #expect(await eventually { pending.future.waiterCount == 0 })
    }

    @Test func asCompletedSequenceBlocksForEachInTurn() throws {
        let first = JobPromise<Int>()
        let second = JobPromise<Int>()
        first.succeed(1)
        let gotFirst = Event()
        let completer = try Bunch(1) {
            gotFirst.wait()
            second.succeed(2)
        }
        var values: [Int] = []
        for future in JobFutures.asCompletedSequence([second.future, first.future]) {
            values.append(try future.wait())
            gotFirst.set()
        }
        #expect(values == [1, 2])
        #expect(completer.finish())
    }

    @Test func asCompletedSequenceEndsEarlyAtItsTimeout() {
        let done = JobPromise<Int>()
        let never = JobPromise<Int>()
        done.succeed(1)
        var yielded: [JobFuture<Int>] = []
        let took = measure {
            yielded = Array(JobFutures.asCompletedSequence([never.future, done.future], timeout: .milliseconds(50)))
        }
        #expect(yielded.count == 1 && yielded[0] === done.future)
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(never.future.waiterCount == 0, "the finished sequence leaves nothing behind")
    }

    @Test func waitForAllCompleted() throws {
        let pool = ThreadPool(threads: 2)
        let futures = try (1...20).map { try pool.submit(Square(x: $0)) }
        let (done, pending) = JobFutures.wait(futures, timeout: prompt)
        #expect(done.count == 20 && pending.isEmpty)
        #expect(done.map { try! $0.wait() } == (1...20).map { $0 * $0 }, "done keeps input order")
        pool.shutdown(wait: true)
    }

    @Test func waitForFirstCompletedReturnsWithTheFirst() throws {
        let a = JobPromise<Int>()
        let b = JobPromise<Int>()
        let completer = try Bunch(1) { b.succeed(2) }
        let (done, pending) = JobFutures.wait([a.future, b.future], timeout: prompt, until: .firstCompleted)
        #expect(done.count == 1 && done[0] === b.future)
        #expect(pending.count == 1 && pending[0] === a.future)
        #expect(completer.finish())
        #expect(a.future.waiterCount == 0)
    }

    @Test func waitForFirstExceptionIgnoresCancelledAndStopsAtAFailure() throws {
        let cancelled = JobPromise<Int>()
        let ok = JobPromise<Int>()
        let failing = JobPromise<Int>()
        let slow = JobPromise<Int>()
        cancelled.future.cancel()
        ok.succeed(1)
        let completer = try Bunch(1) { failing.fail(Boom(code: 9)) }
        let futures = [cancelled.future, ok.future, failing.future, slow.future]
        let (done, pending) = JobFutures.wait(futures, timeout: prompt, until: .firstException)
        #expect(done.map(ObjectIdentifier.init) == [cancelled, ok, failing].map { ObjectIdentifier($0.future) })
        #expect(pending.count == 1 && pending[0] === slow.future)
        #expect(completer.finish())
        // Without a failure, firstException waits for all.
        let (all, none) = JobFutures.wait([ok.future, cancelled.future], until: .firstException)
        #expect(all.count == 2 && none.isEmpty)
    }

    @Test func waitTimesOutWithThePendingOnes() {
        let done = JobPromise<Int>()
        let never = JobPromise<Int>()
        done.succeed(1)
        let took = measure {
            let (finished, pending) = JobFutures.wait([done.future, never.future], timeout: .milliseconds(50))
            #expect(finished.count == 1 && pending.count == 1 && pending[0] === never.future)
        }
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(never.future.waiterCount == 0, "a timed-out wait leaves nothing behind")
        let (empty, nothing) = JobFutures.wait([JobFuture<Int>](), until: .firstCompleted)
        #expect(empty.isEmpty && nothing.isEmpty)
    }
}

/// How long `body` took, on the monotonic clock.
func measureAsync(_ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    try await body()
    return ContinuousClock.now - start
}

/// Squares `x`, counting its runs in the counter named `counter`.
struct CountedSquare: Job {
    var x: Int
    var counter: String
    func run() -> Int {
        runs.increment()
        return x * x
    }

    private var runs: Counter { ThreadingTests.counter(named: counter) }
}

@Suite("mapStream", .timeLimit(.minutes(1)))
struct MapStreamTests {
    @Test func yieldsInInputOrder() async throws {
        let pool = ThreadPool(threads: 3)
        let before = gatedRuns.value
        // The first job finishes last: its gate opens once the two others ran.
        let jobs = [Gated(x: 0, gate: "stream-order"), Gated(x: 1, gate: nil), Gated(x: 2, gate: nil)]
        let opener = Task {
            _ = await eventually { gatedRuns.value >= before + 2 }
            jobGate("stream-order").set()
        }
        var outputs: [Int] = []
        for try await output in pool.mapStream(jobs, buffer: 3) { outputs.append(output) }
        await opener.value
        #expect(outputs == [0, 1, 2])
        await pool.shutdown()
    }

    /// An endless input consumed for N outputs: at most `buffer` jobs ran
    /// beyond them, and the queued rest were cancelled when the stream was dropped.
    @Test(arguments: [1, 4])
    func anEndlessInputStopsAfterTheOutputsTaken(buffer: Int) async throws {
        let pool = ThreadPool(threads: 2)
        let name = "endless-\(buffer)"
        let endless = (0...).lazy.map { CountedSquare(x: $0, counter: name) }
        var taken: [Int] = []
        for try await output in pool.mapStream(endless, buffer: buffer) {
            taken.append(output)
            if taken.count == 50 { break }
        }
        await pool.shutdown()
        #expect(taken == (0..<50).map { $0 * $0 })
        let ran = counter(named: name).value
        #expect(ran >= 50 && ran <= 50 + buffer, "\(ran) jobs ran for 50 outputs with a buffer of \(buffer)")
    }

    @Test func theDefaultBufferIsTwiceTheWorkers() async throws {
        let pool = ThreadPool(threads: 2)
        var count = 0
        for try await _ in pool.mapStream((0...).lazy.map { CountedSquare(x: $0, counter: "default-buffer") }) {
            count += 1
            if count == 10 { break }
        }
        await pool.shutdown()
        #expect(counter(named: "default-buffer").value <= 10 + 2 * 2)
    }

    @Test func theFirstFailureInInputOrderEndsTheStream() async throws {
        let pool = ThreadPool(threads: 2)
        let jobs = (0..<20).map { FailsAt(x: $0, failing: 5) }
        var outputs: [Int] = []
        await #expect(throws: Boom(code: 5)) {
            for try await output in pool.mapStream(jobs, buffer: 4) { outputs.append(output) }
        }
        #expect(outputs == [0, 1, 2, 3, 4])
        await pool.shutdown()
    }

    @Test func worksOnEveryExecutor() async throws {
        let executors: [any JobExecutor] = [ThreadPool(threads: 2), InlineExecutor(), ThreadPerJobExecutor()]
        for executor in executors {
            var outputs: [Int] = []
            for try await output in executor.mapStream((1...30).map { Square(x: $0) }, buffer: 3) {
                outputs.append(output)
            }
            #expect(outputs == (1...30).map { $0 * $0 })
            await executor.shutdown()
        }
    }
}

struct FailsAt: Job {
    var x: Int
    var failing: Int
    func run() throws -> Int {
        if x == failing { throw Boom(code: x) }
        return x
    }
}
