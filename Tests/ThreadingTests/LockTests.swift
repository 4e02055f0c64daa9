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

@Suite("Lock and RecursiveLock", .onItsOwnThread, .timeLimit(.minutes(1)))
struct LockTests {
    @Test func lockExcludesOtherThreads() throws {
        let lock = Lock()
        final class Box: @unchecked Sendable { var value = 0 }
        let box = Box()
        let threads = try startThreads(4) { _ in
            for _ in 0..<20_000 { lock.withLock { box.value += 1 } }
        }
        for thread in threads { thread.join() }
        #expect(box.value == 80_000)
    }

    @Test func tryLockFailsWhileAnotherThreadHoldsIt() throws {
        let lock = Lock()
        lock.lock()
        let result = Recorder<Bool>()
        let other = PosixThread { result.append(lock.tryLock()) }
        try other.start()
        other.join()
        #expect(result.elements == [false])
        lock.unlock()
        #expect(lock.tryLock())
        lock.unlock()
    }

    @Test func timedLockGivesUpAfterTheTimeout() throws {
        let lock = Lock()
        let held = Event()
        let release = Event()
        let holder = PosixThread {
            lock.lock()
            held.set()
            release.wait()
            lock.unlock()
        }
        try holder.start()
        held.wait()
        let took = measure { #expect(!lock.lock(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        release.set()
        #expect(lock.lock(timeout: .seconds(10)))
        lock.unlock()
        holder.join()
    }

    @Test func withLockReleasesOnThrow() {
        struct Oops: Error {}
        let lock = Lock()
        #expect(throws: Oops.self) { try lock.withLock { throw Oops() } }
        #expect(lock.tryLock())
        lock.unlock()
    }

    @Test func recursiveLockReentersAndNeedsMatchingUnlocks() throws {
        let lock = RecursiveLock()
        lock.lock()
        lock.lock()
        #expect(lock.tryLock())
        #expect(lock.lock(timeout: .milliseconds(10)))
        let results = Recorder<Bool>()
        func otherThreadTries() throws {
            let other = PosixThread {
                results.append(lock.tryLock())
                if results.elements.last == true { lock.unlock() }
            }
            try other.start()
            other.join()
        }
        for _ in 0..<3 { lock.unlock() }
        try otherThreadTries()
        lock.unlock()
        try otherThreadTries()
        #expect(results.elements == [false, true])
    }

    @Test func recursiveLockNestedWithLock() {
        let lock = RecursiveLock()
        let value = lock.withLock { lock.withLock { lock.withLock { 42 } } }
        #expect(value == 42)
        #expect(lock.tryLock())
        lock.unlock()
    }

    @Test func unlockingALockNotHeldTraps() async {
        await #expect(processExitsWith: .failure) {
            Lock().unlock()
        }
    }

    @Test func unlockingByANonOwnerTraps() async {
        await #expect(processExitsWith: .failure) {
            let lock = Lock()
            lock.lock()
            let other = PosixThread { lock.unlock() }
            try? other.start()
            other.join()
        }
    }

    @Test func relockingAPlainLockTrapsInsteadOfDeadlocking() async {
        await #expect(processExitsWith: .failure) {
            let lock = Lock()
            lock.lock()
            lock.lock()
        }
    }

    @Test func recursiveLockUnlockByNonOwnerTraps() async {
        await #expect(processExitsWith: .failure) {
            let lock = RecursiveLock()
            lock.lock()
            let other = PosixThread { lock.unlock() }
            try? other.start()
            other.join()
        }
    }
}

@Suite("Lock regressions", .onItsOwnThread, .timeLimit(.minutes(1)))
struct LockRegressionTests {
    /// Python's `Lock.acquire(timeout=)` by the thread that holds the lock
    /// waits out the timeout and returns `False`; `lock(timeout:)` promised the same.
    @Test func timedLockByTheOwnerWaitsOutTheTimeoutAndReturnsFalse() {
        let lock = Lock()
        lock.lock()
        let took = measure { #expect(!lock.lock(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(!lock.lock(timeout: .zero))
        lock.unlock()
        #expect(lock.lock(timeout: .zero), "the lock is still usable")
        lock.unlock()
    }
}
