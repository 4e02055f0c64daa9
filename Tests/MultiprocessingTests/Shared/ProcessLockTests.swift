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
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessLock and ProcessRecursiveLock", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ProcessLockTests {
    @Test func lockTryLockAndTimeoutInOneProcess() throws {
        let lock = try ProcessLock()
        try lock.lock()
        let other = TestThread {
            #expect(try! !lock.tryLock(), "held by another thread")
            #expect(try! !lock.lock(timeout: .milliseconds(20)))
        }
        other.join()
        lock.unlock()
        #expect(try lock.tryLock())
        lock.unlock()
        #expect(try lock.withLock { 5 } == 5)
    }

    @Test func recursiveLockIsReentrantByItsOwner() throws {
        let lock = try ProcessRecursiveLock()
        try lock.lock()
        try lock.lock()
        #expect(try lock.tryLock())
        let other = TestThread { #expect(try! !lock.tryLock()) }
        other.join()
        lock.unlock()
        lock.unlock()
        lock.unlock()
        let again = TestThread { #expect(try! lock.withLock { true }) }
        again.join()
    }

    @Test func mutualExclusionAcrossProcesses() throws {
        try runIsolated(in: Self.self) {
            let lock = try ProcessLock()
            let memory = try SharedMemory(size: 16)
            let rounds = 20_000
            // A non-atomic read-modify-write: only the lock keeps it exact.
            let increment = {
                try lock.withLock {
                    memory.withUnsafeMutableBytes { bytes in
                        bytes.storeBytes(of: bytes.load(as: Int.self) + 1, as: Int.self)
                    }
                }
            }
            let children = try (0..<3).map { _ in
                try ChildProcess.fork {
                    for _ in 0..<rounds { try increment() }
                    return 0
                }
            }
            for _ in 0..<rounds { try increment() }
            for child in children { try check(try joinChild(child) == .exited(0)) }
            try check(memory.withUnsafeMutableBytes { $0.load(as: Int.self) } == 4 * rounds)
        }
    }

    /// Item 4: a holder killed while holding the lock unblocks a waiter
    /// within 10 ms, with the lock held and `LockOwnerDied`.
    @Test func holderKilledWhileHoldingUnblocksAWaiterPromptly() throws {
        try runIsolated(in: Self.self) {
            try checkPrompt {
                let lock = try ProcessLock()
                let ready = try HandOff()
                defer { ready.close() }
                let holder = try ChildProcess.fork {
                    try lock.lock()
                    ready.signal()
                    blockUntilKilled()
                }
                try check(ready.wait() == 1)
                let waiterID = Box<pid_t>(0)
                let outcome = Box<String>("")
                let unblocked = Box(ContinuousClock.now)
                let waiter = TestThread {
                    waiterID.value = currentThreadID()
                    do {
                        try lock.lock()
                        outcome.value = "acquired"
                    } catch {
                        unblocked.value = .now
                        outcome.value = "ownerDied"
                        lock.unlock()  // traps unless this thread holds the lock
                    }
                }
                try check(pollUntil { waiterID.value != 0 } && waitUntilSleeping(waiterID.value))
                let killed = ContinuousClock.now
                holder.kill()
                waiter.join()
                try check(outcome.value == "ownerDied", "the waiter got \(outcome.value)")
                try check(try lock.withLock { true }, "the lock is usable again")
                _ = try joinChild(holder)
                return unblocked.value - killed
            }
        }
    }

    /// `withLock` after a dead holder runs nothing, leaves the lock free, throws.
    @Test func withLockAfterADeadHolderRunsNothingAndLeavesTheLockFree() throws {
        try runIsolated(in: Self.self) {
            for recursive in [false, true] {
                let plain = try ProcessLock()
                let reentrant = try ProcessRecursiveLock()
                let ready = try HandOff()
                let holder = try ChildProcess.fork {
                    if recursive {
                        try reentrant.lock()
                        try reentrant.lock()
                    } else {
                        try plain.lock()
                    }
                    ready.signal()
                    blockUntilKilled()
                }
                try check(ready.wait() == 1)
                holder.kill()
                _ = try joinChild(holder)
                var ran = false
                do {
                    if recursive {
                        try reentrant.withLock { ran = true }
                    } else {
                        try plain.withLock { ran = true }
                    }
                    throw CheckFailure(description: "withLock did not report the dead holder")
                } catch is LockOwnerDied {}
                try check(!ran, "the body ran")
                let free = TestThread {
                    #expect(try! recursive ? reentrant.tryLock() : plain.tryLock(), "the lock was left free")
                    recursive ? reentrant.unlock() : plain.unlock()
                }
                free.join()
                ready.close()
            }
        }
    }

    @Test func tryLockAndTimedLockReportADeadHolderWithTheLockHeld() throws {
        try runIsolated(in: Self.self) {
            for useTimeout in [false, true] {
                let lock = try ProcessLock()
                let holder = try ChildProcess.fork {
                    try lock.lock()
                    return 0  // exits holding it: also a dead holder
                }
                _ = try joinChild(holder)
                do {
                    _ = useTimeout ? try lock.lock(timeout: .seconds(5)) : try lock.tryLock()
                    throw CheckFailure(description: "no LockOwnerDied")
                } catch is LockOwnerDied {}
                lock.unlock()
                try check(try lock.tryLock())
                lock.unlock()
            }
        }
    }

    @Test func travelsWithItsDescriptor() throws {
        let lock = try ProcessLock()
        let received = try roundTripWithDescriptors(lock)
        try lock.lock()
        let other = TestThread { #expect(try! !received.tryLock(), "the same lock") }
        other.join()
        lock.unlock()
        #expect(try received.tryLock())
        received.unlock()
        #expect(throws: SharedMemoryError.descriptorTransferUnavailable) { try BinaryEncoder().encode(lock) }
    }
}
