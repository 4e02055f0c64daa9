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

@testable import Threading

/// An error enum with a payload, thrown by ``ThrowsEnum``.
enum EnumFailure: Error, Codable, Equatable {
    case withPayload(code: Int, reason: String)
}

struct ThrowsEnum: Job {
    var code: Int
    func run() throws -> Int { throw EnumFailure.withPayload(code: code, reason: "bad \(code)") }
}

/// An error that is a class and not `Codable`.
final class OpaqueClassError: Error, CustomStringConvertible, @unchecked Sendable {
    var description: String { "opaque class error 77" }
}

struct ThrowsOpaqueClass: Job {
    func run() throws -> Int { throw OpaqueClassError() }
}

/// The threading primitives pushed at their edges: shutdowns racing blocked
/// callers, broken barriers, wrong releases, timeouts of zero. Every wait is
/// bounded, so a hang fails an expectation instead of stalling the run.
@Suite("Adversarial threading", .onItsOwnThread, .timeLimit(.minutes(1)))
struct AdversarialThreadingTests {
    // MARK: Queue

    @Test func immediateShutdownWakesBlockedGetters() throws {
        let queue = Queue<Int>(maxSize: 2)
        let errors = Recorder<QueueError>()
        let getters = try Bunch(4) {
            do throws(QueueError) { _ = try queue.get() } catch { errors.append(error) }
        }
        #expect(eventually { queue.waitingCounts.getters == 4 })
        queue.shutdown(immediate: true)
        #expect(getters.finish())
        #expect(errors.elements == Array(repeating: .shutDown, count: 4))
        #expect(throws: QueueError.shutDown) { try queue.put(1) }
        #expect(queue.tryPut(1) == false)
        #expect(queue.isShutdown)
    }

    @Test func gracefulShutdownDrainsThenThrows() throws {
        let queue = Queue<Int>(maxSize: 3)
        try queue.put(1)
        try queue.put(2)
        try queue.put(3)
        let blockedPut = Recorder<String>()
        let putter = try Bunch(1) {
            do {
                try queue.put(4)
                blockedPut.append("put")
            } catch { blockedPut.append("\(error)") }
        }
        #expect(eventually { queue.waitingCounts.putters == 1 })
        queue.shutdown()
        #expect(putter.finish())
        #expect(blockedPut.elements == ["\(QueueError.shutDown)"])
        #expect(try queue.get() == 1)
        #expect(try queue.get(timeout: .zero) == 2)
        #expect(queue.tryGet() == 3)
        #expect(throws: QueueError.shutDown) { _ = try queue.get() }
        #expect(throws: QueueError.shutDown) { _ = try queue.get(timeout: .seconds(1)) }
    }

    @Test func immediateShutdownReleasesJoinOnlyForWhatItDrops() throws {
        let queue = Queue<Int>()
        for i in 0..<10 { try queue.put(i) }
        _ = try queue.get()  // taken, not yet marked done
        let joined = Event()
        let joiner = try Bunch(1) {
            queue.join()
            joined.set()
        }
        #expect(eventually { queue.waitingCounts.joiners == 1 })
        queue.shutdown(immediate: true)
        // The element taken and never marked done: join still waits for it.
        #expect(!joined.wait(timeout: settle))
        queue.taskDone()
        #expect(joiner.finish())
        #expect(joined.isSet)
    }

    @Test func boundedQueueTimeouts() throws {
        let queue = LifoQueue<String>(maxSize: 1)
        try queue.put("a")
        #expect(queue.isFull)
        #expect(throws: QueueError.full) { try queue.put("b", timeout: .milliseconds(20)) }
        #expect(throws: QueueError.full) { try queue.put("b", timeout: .zero) }
        #expect(try queue.get() == "a")
        #expect(throws: QueueError.empty) { _ = try queue.get(timeout: .milliseconds(20)) }
        #expect(throws: QueueError.empty) { _ = try queue.get(timeout: .zero) }
    }

    @Test func priorityQueueUnderConcurrency() throws {
        let queue = PriorityQueue<Int>(maxSize: 8)
        let received = Counter()
        let consumer = try Bunch(1) {
            while (try? queue.get()) != nil { received.increment() }
        }
        let producers = try Bunch(4) {
            for i in 0..<250 { try? queue.put(i) }
        }
        #expect(producers.finish())
        queue.shutdown()  // the consumer drains what is left, then stops
        #expect(consumer.finish())
        #expect(received.value == 1000)
    }

    // MARK: Barrier

    @Test func abortWakesEveryWaiterAndResetRepairs() throws {
        let barrier = Barrier(parties: 5)
        let broken = Counter()
        let waiters = try Bunch(3) {
            do { _ = try barrier.wait(timeout: .seconds(20)) } catch { broken.increment() }
        }
        #expect(eventually { barrier.waitingCount == 3 })
        barrier.abort()
        #expect(waiters.finish())
        #expect(broken.value == 3)
        #expect(barrier.isBroken)
        #expect(throws: BarrierError.broken) { _ = try barrier.wait(timeout: .seconds(1)) }
        barrier.reset()
        #expect(!barrier.isBroken)
        // Usable again for a full round.
        let passed = Counter()
        #expect(try Bunch(5) { if (try? barrier.wait(timeout: .seconds(10))) != nil { passed.increment() } }.finish())
        #expect(passed.value == 5)
    }

    @Test func barrierManyRounds() throws {
        let barrier = Barrier(parties: 4)
        let passes = Counter()
        #expect(
            try Bunch(4) {
                for _ in 0..<200 { if (try? barrier.wait(timeout: .seconds(10))) != nil { passes.increment() } }
            }.finish())
        #expect(passes.value == 800)
    }

    @Test func barrierOfOneNeverBlocks() throws {
        let barrier = Barrier(parties: 1)
        #expect(try barrier.wait() == 0)
        #expect(try barrier.wait(timeout: .zero) == 0)
    }

    // MARK: Semaphores

    @Test func boundedSemaphoreOverRelease() throws {
        let semaphore = BoundedSemaphore(value: 2)
        #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release() }
        #expect(semaphore.value == 2)
        semaphore.acquire()
        #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release(count: 2) }
        #expect(semaphore.value == 1, "a refused release changes nothing")
        try semaphore.release()
        #expect(semaphore.value == 2)
        #expect(semaphore.tryAcquire())
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        #expect(!semaphore.acquire(timeout: .milliseconds(10)))
        try semaphore.release(count: 2)
    }

    @Test func semaphoreWithManyThreadsNeverAdmitsMoreThanItsValue() throws {
        let semaphore = Semaphore(value: 3)
        let inside = Counter()
        let most = Guarded(0)
        let lock = Lock()
        #expect(
            try Bunch(10) {
                for _ in 0..<100 {
                    semaphore.withPermit {
                        let now = inside.increment()
                        lock.withLock { most.value = max(most.value, now) }
                        inside.increment(by: -1)
                    }
                }
            }.finish())
        #expect((1...3).contains(lock.withLock { most.value }))
        #expect(inside.value == 0)
    }

    // MARK: Event

    @Test func eventWaitTimeoutsAndSetClearRaces() throws {
        let event = Event()
        #expect(event.wait(timeout: .zero) == false)
        #expect(event.wait(timeout: .milliseconds(10)) == false)
        let setter = try Bunch(1) {
            _ = eventually { event.waitingCount == 1 }
            event.set()
        }
        #expect(event.wait(timeout: .seconds(5)))
        #expect(setter.finish())
        #expect(event.wait(timeout: .zero))
        event.clear()
        #expect(!event.isSet)
        // Races of set and clear against many waiters: every waiter returns `true`.
        let results = Recorder<Bool>()
        let waiters = try Bunch(8) { results.append(event.wait(timeout: .seconds(5))) }
        #expect(waiters.waitForStarted())
        for _ in 0..<100 {
            event.set()
            event.clear()
        }
        event.set()
        #expect(waiters.finish())
        #expect(results.elements == Array(repeating: true, count: 8))
    }

    // MARK: PosixThread

    @Test func startTwiceThrows() throws {
        let thread = PosixThread(name: "adv-twice") {}
        try thread.start()
        #expect(throws: ThreadError.alreadyStarted(name: "adv-twice")) { try thread.start() }
        #expect(thread.join(timeout: .seconds(5)))
        #expect(throws: ThreadError.alreadyStarted(name: "adv-twice")) { try thread.start() }
        #expect(!thread.isAlive)
        thread.join()  // a finished thread joins at once, again
        #expect(thread.join(timeout: .zero))
    }

    @Test func joinTimeoutOnANeverEndingThread() throws {
        let stop = Event()
        let thread = PosixThread(name: "adv-forever") { stop.wait() }
        try thread.start()
        let took = measure { #expect(thread.join(timeout: .milliseconds(50)) == false) }
        #expect(took >= .milliseconds(45))
        #expect(thread.join(timeout: .zero) == false)
        #expect(thread.isAlive)
        stop.set()
        #expect(thread.join(timeout: .seconds(5)))
        #expect(!thread.isAlive)
    }

    @Test func longAndUnicodeNames() throws {
        let name = "ééééééééééééééé-long-thread-name"
        let seen = Recorder<String>()
        let thread = PosixThread(name: name) { seen.append(PosixThread.currentSystemName) }
        try thread.start()
        #expect(thread.join(timeout: .seconds(5)))
        #expect(thread.name == name)
        #expect(seen.elements.count == 1)
        #expect(seen.elements.allSatisfy { $0.utf8.count <= 15 && name.hasPrefix($0) }, "\(seen.elements)")
    }

    // MARK: Condition

    @Test func conditionWithARecursiveLockHeldTwice() throws {
        let lock = RecursiveLock()
        let condition = Condition(lock: lock)
        let ready = Guarded(false)
        let waiting = Event()
        let notifier = try Bunch(1) {
            waiting.wait()
            // Only possible while the main thread waits, if the wait released both levels.
            condition.withLock {
                ready.value = true
                condition.notifyAll()
            }
        }
        let woke = lock.withLock {
            lock.withLock {
                waiting.set()
                return condition.wait(timeout: .seconds(5)) { ready.value }
            }
        }
        #expect(notifier.finish())
        #expect(woke, "the notifier could not take the lock: the wait released only one level")
        #expect(!lock.isLocked, "the lock is fully released afterwards")
        #expect(try Bunch(1) { lock.withLock {} }.finish())
    }

    @Test func conditionWaitTimeoutReturnsFalse() throws {
        let condition = Condition()
        let result = condition.withLock { condition.wait(timeout: .milliseconds(20)) }
        #expect(result == false)
        let predicate = condition.withLock { condition.wait(timeout: .zero) { false } }
        #expect(predicate == false)
    }

    // MARK: ThreadPool

    @Test func threadPoolJobsCancellationAndShutdown() async throws {
        let pool = ThreadPool(threads: 3)
        #expect(try await pool.map((0..<1000).map { Square(x: $0) }) == (0..<1000).map { $0 * $0 })
        #expect(try await pool.map([Square]()).isEmpty)
        // Three running jobs hold every thread; a fourth waits in the queue.
        let started = Counter()
        let gate = Event()
        let running = (0..<3).map { _ in
            pool.submit {
                started.increment()
                gate.wait()
            }
        }
        let queued = pool.submit { 1 }
        #expect(await eventually { started.value == 3 })
        #expect(!running[0].cancel(), "a running job on a ThreadPool cannot be stopped")
        #expect(queued.cancel())
        #expect(queued.isCancelled)
        gate.set()
        for future in running { try await future.value }
        await pool.shutdown()
        #expect(throws: JobError.shutDown) { _ = try pool.submit(Square(x: 1)) }
        await pool.shutdown()
    }

    @Test func threadPoolErrorsAreThemselves() async throws {
        let pool = ThreadPool(threads: 2)
        await #expect(throws: EnumFailure.withPayload(code: 1, reason: "bad 1")) {
            _ = try await pool.run(ThrowsEnum(code: 1))
        }
        await #expect(throws: OpaqueClassError.self) { _ = try await pool.run(ThrowsOpaqueClass()) }
        await pool.shutdown()
    }

    @Test func inlineExecutorMapUnorderedEarlyBreak() async throws {
        let executor = InlineExecutor()
        var seen: [Int] = []
        for try await (index, _) in executor.mapUnordered((0..<100).map { Square(x: $0) }) {
            seen.append(index)
            if seen.count == 3 { break }
        }
        #expect(seen == [0, 1, 2])
        #expect(try await executor.map([Square(x: 2)]) == [4])
    }
}
