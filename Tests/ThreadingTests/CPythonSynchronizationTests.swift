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

// The cases of CPython's Lib/test/lock_tests.py, restated against our types
// where the semantics are the same; where they differ on purpose (a `Lock`
// released by another thread, a negative timeout) the type docs say so.
// CPython orders threads with short sleeps; these tests use hand-offs, and
// wait only to show that something does *not* happen.

/// Long enough for a thread that could pass to have passed.
let settle = Duration.milliseconds(30)

@Suite("CPython lock_tests: locks", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonLockTests {
    @Test func acquireContended() throws {
        for lock in [Lock(), RecursiveLock()] as [any ConditionLock] {
            lock.lock()
            let bunch = try Bunch(5) {
                lock.lock()
                lock.unlock()
            }
            #expect(bunch.waitForStarted())
            #expect(!eventually(settle) { bunch.finished.value > 0 }, "nobody gets a held lock")
            lock.unlock()
            #expect(bunch.finish())
            #expect(bunch.finished.value == 5)
        }
    }

    @Test func tryLockContended() throws {
        for lock in [Lock(), RecursiveLock()] as [any ConditionLock] {
            lock.lock()
            let results = Recorder<Bool>()
            #expect(try Bunch(1) { results.append(lock.tryLock()) }.finish())
            #expect(results.elements == [false])
            lock.unlock()
        }
    }

    @Test func timedLockFromAnotherThreadTimesOut() throws {
        for lock in [Lock(), RecursiveLock()] as [any ConditionLock] {
            #expect(lock.lock(timeout: .seconds(5)), "a free lock is taken at once")
            let results = Recorder<Bool>()
            let took = Recorder<Duration>()
            let bunch = try Bunch(1) {
                took.append(measure { results.append(lock.lock(timeout: .milliseconds(100))) })
            }
            #expect(bunch.finish())
            #expect(results.elements == [false])
            #expect(took.elements.allSatisfy { $0 >= .milliseconds(60) && $0 < prompt })
            lock.unlock()
        }
    }

    /// CPython issue #11618: the lock is in a proper state after a timeout.
    @Test func stateAfterTimeout() {
        let lock = Lock()
        lock.lock()
        #expect(!lock.lock(timeout: .milliseconds(10)))
        lock.unlock()
        #expect(!lock.isLocked)
        #expect(lock.tryLock())
        #expect(lock.isLocked)
        lock.unlock()
    }

    @Test func isLockedSeesEveryHolder() throws {
        let plain = Lock()
        let recursive = RecursiveLock()
        let cases: [(any ConditionLock, @Sendable () -> Bool)] = [
            (plain, { plain.isLocked }), (recursive, { recursive.isLocked }),
        ]
        for (lock, isLocked) in cases {
            #expect(!isLocked())
            let held = Event()
            let release = Event()
            let holder = try Bunch(1) {
                lock.lock()
                held.set()
                release.wait()
                lock.unlock()
            }
            held.wait()
            #expect(isLocked())
            release.set()
            #expect(holder.finish())
            #expect(!isLocked())
        }
    }

    @Test func recursiveLockReacquire() {
        let lock = RecursiveLock()
        lock.lock()
        lock.lock()
        lock.unlock()
        lock.lock()
        lock.unlock()
        lock.unlock()
        #expect(!lock.isLocked)
    }

    /// `RLock._is_owned()`.
    @Test func recursiveLockIsOwnedByItsHolderOnly() throws {
        let lock = RecursiveLock()
        #expect(!lock.isHeldByCurrentThread)
        lock.lock()
        #expect(lock.isHeldByCurrentThread)
        lock.lock()
        #expect(lock.isHeldByCurrentThread)
        let elsewhere = Recorder<Bool>()
        #expect(try Bunch(1) { elsewhere.append(lock.isHeldByCurrentThread) }.finish())
        #expect(elsewhere.elements == [false])
        lock.unlock()
        #expect(lock.isHeldByCurrentThread)
        lock.unlock()
        #expect(!lock.isHeldByCurrentThread)
    }

    @Test func recursiveLockReleaseUnacquiredTraps() async {
        await #expect(processExitsWith: .failure) {
            let lock = RecursiveLock()
            lock.lock()
            lock.lock()
            lock.unlock()
            lock.unlock()
            lock.unlock()
        }
    }
}

@Suite("CPython lock_tests: events", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonEventTests {
    @Test func isSet() {
        let event = Event()
        #expect(!event.isSet)
        event.set()
        #expect(event.isSet)
        event.set()
        #expect(event.isSet)
        event.clear()
        #expect(!event.isSet)
        event.clear()
        #expect(!event.isSet)
    }

    /// Every thread is notified, twice over, also after a set and clear.
    @Test func notifyReachesEveryWaiter() throws {
        let event = Event()
        for _ in 0..<2 {
            let first = Recorder<Bool>()
            let second = Recorder<Bool>()
            let bunch = try Bunch(5) {
                first.append(event.wait(timeout: prompt))
                second.append(event.wait(timeout: prompt))
            }
            #expect(eventually { event.waitingCount == 5 })
            #expect(first.elements.isEmpty)
            event.set()
            #expect(bunch.finish())
            #expect(first.elements == Array(repeating: true, count: 5))
            #expect(second.elements == Array(repeating: true, count: 5))
            event.set()
            event.clear()
        }
    }

    @Test func timedWaitsReportTheFlag() throws {
        let event = Event()
        let immediate = Recorder<Bool>()
        let timed = Recorder<(Bool, Duration)>()
        let waitTwice: @Sendable () -> Void = {
            immediate.append(event.wait(timeout: .zero))
            var result = false
            let took = measure { result = event.wait(timeout: .milliseconds(100)) }
            timed.append((result, took))
        }
        #expect(try Bunch(5, waitTwice).finish())
        #expect(immediate.elements == Array(repeating: false, count: 5))
        for (result, took) in timed.elements {
            #expect(!result)
            #expect(took >= .milliseconds(60) && took < prompt)
        }
        event.set()
        let setImmediate = Recorder<Bool>()
        #expect(
            try Bunch(5) { setImmediate.append(event.wait(timeout: .zero) && event.wait(timeout: .seconds(1))) }
                .finish())
        #expect(setImmediate.elements == Array(repeating: true, count: 5))
    }
}

/// State a condition's lock guards in these tests.
final class Guarded<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

@Suite("CPython lock_tests: conditions", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonConditionTests {
    /// `Condition(Lock())`: the condition's lock is the given lock.
    @Test func acquireThroughTheConditionTakesTheLock() {
        let lock = Lock()
        let condition = Condition(lock: lock)
        condition.lock.lock()
        #expect(!lock.tryLock())
        condition.lock.unlock()
        #expect(lock.tryLock())
        #expect(!condition.lock.tryLock())
        lock.unlock()
        condition.withLock { #expect(!lock.tryLock()) }
    }

    /// Python's default `Condition()` is on an `RLock`: ours is when asked.
    @Test func recursiveConditionMayBeTakenTwice() {
        let condition = Condition(lock: RecursiveLock())
        condition.lock.lock()
        condition.lock.lock()
        condition.lock.unlock()
        condition.lock.unlock()
        #expect(condition.lock.tryLock())
        condition.lock.unlock()
    }

    @Test func waitForSeesEveryStep() throws {
        let condition = Condition()
        let state = Guarded(0)
        let results = Recorder<Bool>()
        let bunch = try Bunch(1) {
            condition.withLock {
                results.append(condition.wait(timeout: prompt) { state.value == 4 } && state.value == 4)
            }
        }
        for _ in 0..<4 {
            condition.withLock {
                state.value += 1
                condition.notify()
            }
        }
        #expect(bunch.finish())
        #expect(results.elements == [true])
    }

    @Test func waitForTimesOutWhenTheStateNeverComes() throws {
        let condition = Condition()
        let state = Guarded(0)
        let results = Recorder<(Bool, Duration)>()
        let bunch = try Bunch(1) {
            condition.withLock {
                var result = true
                let took = measure { result = condition.wait(timeout: .milliseconds(100)) { state.value == 4 } }
                results.append((result, took))
            }
        }
        for _ in 0..<3 {
            condition.withLock {
                state.value += 1
                condition.notify()
            }
        }
        #expect(bunch.finish())
        #expect(results.elements.count == 1)
        for (result, took) in results.elements {
            #expect(!result)
            #expect(took >= .milliseconds(60) && took < prompt)
        }
    }

    @Test func timedWaitsOfManyThreads() throws {
        let condition = Condition()
        let results = Recorder<(Bool, Duration)>()
        #expect(
            try Bunch(5) {
                condition.withLock {
                    var result = true
                    let took = measure { result = condition.wait(timeout: .milliseconds(100)) }
                    results.append((result, took))
                }
            }.finish())
        #expect(results.elements.count == 5)
        for (_, took) in results.elements {
            // A plain wait may wake spuriously: only the time is checked.
            #expect(took < prompt)
        }
    }
}

@Suite("CPython lock_tests: semaphores", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonSemaphoreTests {
    /// 6 permits left, 10 threads taking two each: 6 pass at first, 7 more
    /// after 7 releases, 6 more after 6; the last waits for a final release.
    @Test func acquireContended() throws {
        for bounded in [false, true] {
            let semaphore = AnySemaphore(value: 7, bounded: bounded)
            semaphore.acquire()
            let phase = Guarded(0)
            let phaseLock = Lock()
            let passes = Recorder<Int>()
            let bunch = try Bunch(10) {
                for _ in 0..<2 {
                    semaphore.acquire()
                    passes.append(phaseLock.withLock { phase.value })
                }
            }
            #expect(eventually { passes.elements.count == 6 })
            #expect(!eventually(settle) { passes.elements.count > 6 })
            phaseLock.withLock { phase.value = 1 }
            for _ in 0..<7 { semaphore.release() }
            #expect(eventually { passes.elements.count == 13 })
            phaseLock.withLock { phase.value = 2 }
            for _ in 0..<6 { semaphore.release() }
            #expect(eventually { passes.elements.count == 19 })
            #expect(
                passes.elements.sorted() == Array(repeating: 0, count: 6) + Array(repeating: 1, count: 7)
                    + Array(repeating: 2, count: 6))
            #expect(!semaphore.tryAcquire(), "the semaphore is still taken")
            semaphore.release()
            #expect(bunch.finish())
        }
    }

    @Test func tryAcquireContended() throws {
        let semaphore = Semaphore(value: 4)
        semaphore.acquire()
        let results = Recorder<Bool>()
        #expect(
            try Bunch(5) {
                results.append(semaphore.tryAcquire())
                results.append(semaphore.tryAcquire())
            }.finish())
        #expect(
            results.elements.sorted { !$0 && $1 } == Array(repeating: false, count: 7)
                + Array(repeating: true, count: 3))
    }

    @Test func acquireTimeout() {
        let semaphore = Semaphore(value: 2)
        #expect(semaphore.acquire(timeout: .milliseconds(5)))
        #expect(semaphore.acquire(timeout: .milliseconds(5)))
        #expect(!semaphore.acquire(timeout: .milliseconds(5)))
        semaphore.release()
        #expect(semaphore.acquire(timeout: .milliseconds(5)))
        let took = measure { #expect(!semaphore.acquire(timeout: .milliseconds(100))) }
        #expect(took >= .milliseconds(60) && took < prompt)
    }

    /// The default value is 1.
    @Test func defaultValueIsOne() throws {
        for semaphore in [AnySemaphore(bounded: false), AnySemaphore(bounded: true)] {
            semaphore.acquire()
            let bunch = try Bunch(1) {
                semaphore.acquire()
                semaphore.release()
            }
            #expect(bunch.waitForStarted())
            #expect(!eventually(settle) { bunch.finished.value > 0 })
            semaphore.release()
            #expect(bunch.finish())
        }
    }

    @Test func nestedPermits() {
        struct Oops: Error {}
        let semaphore = Semaphore(value: 2)
        let inner: () throws -> Void = {
            try semaphore.withPermit {
                #expect(semaphore.tryAcquire())
                semaphore.release()
                try semaphore.withPermit {
                    #expect(!semaphore.tryAcquire())
                    throw Oops()
                }
            }
        }
        #expect(throws: Oops.self) { try inner() }
        #expect(semaphore.value == 2)
    }

    @Test func unboundedReleaseRaisesTheValue() {
        let semaphore = Semaphore(value: 1)
        semaphore.release()
        semaphore.acquire()
        semaphore.acquire()
        #expect(!semaphore.tryAcquire())
        semaphore.release()
    }

    @Test func boundedReleaseUnacquiredThrows() throws {
        let semaphore = BoundedSemaphore()
        #expect(throws: SemaphoreError.overReleased(bound: 1)) { try semaphore.release() }
        semaphore.acquire()
        try semaphore.release()
        #expect(throws: SemaphoreError.overReleased(bound: 1)) { try semaphore.release() }
    }
}

/// A ``Semaphore`` or a ``BoundedSemaphore``, for tests both must pass.
struct AnySemaphore: Sendable {
    let acquire: @Sendable () -> Void
    let tryAcquire: @Sendable () -> Bool
    let release: @Sendable () -> Void

    init(value: Int = 1, bounded: Bool) {
        if bounded {
            let semaphore = BoundedSemaphore(value: value)
            (acquire, tryAcquire, release) = (semaphore.acquire, semaphore.tryAcquire, { try! semaphore.release() })
        } else {
            let semaphore = Semaphore(value: value)
            (acquire, tryAcquire, release) = (semaphore.acquire, semaphore.tryAcquire, { semaphore.release() })
        }
    }
}

@Suite("CPython lock_tests: barriers", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonBarrierTests {
    static let parties = 5

    /// Runs `body` on `parties - 1` new threads and on the caller.
    func runThreads(_ body: @escaping @Sendable () -> Void) throws {
        let bunch = try Bunch(Self.parties - 1, body)
        body()
        #expect(bunch.finish())
    }

    @Test(arguments: [1, 10])
    func passesInLockstep(passes: Int) throws {
        let barrier = Barrier(parties: Self.parties, timeout: prompt)
        let before = Counter()
        let after = Counter()
        let order = Recorder<Bool>()
        try runThreads {
            for round in 0..<passes {
                before.increment()
                order.append(after.value == round * Self.parties)
                _ = try? barrier.wait()
                after.increment()
                order.append(before.value == (round + 1) * Self.parties)
                _ = try? barrier.wait()
            }
        }
        #expect(order.elements.allSatisfy { $0 })
        #expect(order.elements.count == 2 * passes * Self.parties)
        #expect(barrier.waitingCount == 0)
        #expect(!barrier.isBroken)
    }

    @Test func waitReturnsEveryIndexOnce() throws {
        let barrier = Barrier(parties: Self.parties, timeout: prompt)
        let indices = Recorder<Int>()
        try runThreads { indices.append((try? barrier.wait()) ?? -1) }
        #expect(indices.elements.sorted() == Array(0..<Self.parties))
    }

    @Test func actionRunsOnceBeforeAnyoneLeaves() throws {
        let actions = Counter()
        let barrier = Barrier(parties: Self.parties) { actions.increment() }
        let seen = Recorder<Int>()
        try runThreads {
            _ = try? barrier.wait()
            seen.append(actions.value)
        }
        #expect(seen.elements == Array(repeating: 1, count: Self.parties))
    }

    /// One party aborts instead of waiting a second time: every other party
    /// gets `broken`.
    @Test func abortBreaksTheOthers() throws {
        let barrier = Barrier(parties: Self.parties, timeout: prompt)
        let passed = Counter()
        let broken = Counter()
        try runThreads {
            do {
                let index = try barrier.wait()
                if index == Self.parties / 2 {
                    barrier.abort()
                    return
                }
                try barrier.wait()
                passed.increment()
            } catch {
                broken.increment()
            }
        }
        #expect(passed.value == 0)
        #expect(broken.value == Self.parties - 1)
        #expect(barrier.isBroken)
    }

    /// A reset frees the waiting parties with `broken`; then all pass again.
    @Test func resetFreesTheWaiters() throws {
        let barrier = Barrier(parties: Self.parties, timeout: prompt)
        let passed = Counter()
        let broken = Counter()
        let again = Counter()
        try runThreads {
            let index = (try? barrier.wait()) ?? -1
            if index == Self.parties / 2 {
                _ = eventually { barrier.waitingCount == Self.parties - 1 }
                barrier.reset()
            } else {
                do {
                    try barrier.wait()
                    passed.increment()
                } catch {
                    broken.increment()
                }
            }
            if (try? barrier.wait()) != nil { again.increment() }
        }
        #expect(passed.value == 0)
        #expect(broken.value == Self.parties - 1)
        #expect(again.value == Self.parties)
    }

    /// A broken barrier is repaired by a reset made while nobody waits.
    @Test func abortThenReset() throws {
        let barrier = Barrier(parties: Self.parties, timeout: prompt)
        let meeting = Barrier(parties: Self.parties, timeout: prompt)
        let passed = Counter()
        let broken = Counter()
        let again = Counter()
        try runThreads {
            do {
                let index = try barrier.wait()
                if index == Self.parties / 2 {
                    barrier.abort()
                } else {
                    try barrier.wait()
                    passed.increment()
                }
            } catch {
                broken.increment()
            }
            // Everyone has left the barrier before the reset, and nobody
            // enters it again before.
            if (try? meeting.wait()) == Self.parties / 2 { barrier.reset() }
            _ = try? meeting.wait()
            if (try? barrier.wait()) != nil { again.increment() }
        }
        #expect(passed.value == 0)
        #expect(broken.value == Self.parties - 1)
        #expect(again.value == Self.parties)
    }

    /// One party is late: the others' timed waits break the barrier, and the
    /// late one finds it broken.
    @Test(arguments: [false, true])
    func aLatePartyMeetsABrokenBarrier(useDefaultTimeout: Bool) throws {
        let barrier = Barrier(parties: Self.parties, timeout: useDefaultTimeout ? .milliseconds(100) : prompt)
        let broken = Counter()
        try runThreads {
            let index = (try? barrier.wait()) ?? -1
            if index == Self.parties / 2 {
                _ = eventually { barrier.isBroken }  // late: until the others gave up
            }
            do {
                _ = try useDefaultTimeout ? barrier.wait() : barrier.wait(timeout: .milliseconds(100))
            } catch {
                broken.increment()
            }
        }
        #expect(broken.value == Self.parties)
    }

    @Test func singlePartyNeverWaits() throws {
        let barrier = Barrier(parties: 1)
        #expect(try barrier.wait() == 0)
        #expect(try barrier.wait() == 0)
    }
}
