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

@Suite("ProcessCondition", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ProcessConditionTests {
    @Test func waitTimesOutHoldingTheLock() throws {
        let condition = try ProcessCondition()
        let start = ContinuousClock.now
        let notified = try condition.withLock { try condition.wait(timeout: .milliseconds(30)) }
        #expect(!notified)
        #expect(ContinuousClock.now - start >= .milliseconds(29))
        #expect(try condition.withLock { try condition.wait(timeout: .milliseconds(5)) { true } })
    }

    @Test func notifyWakesAWaiterInAnotherProcess() throws {
        try runIsolated(in: Self.self) {
            let condition = try ProcessCondition()
            let flag = try SharedValue(0)
            let child = try ChildProcess.fork {
                try condition.withLock {
                    flag.store(1)
                    condition.notifyAll()
                    let done = try condition.wait(timeout: .seconds(20)) { flag.load() == 2 }
                    return done ? 0 : 3
                }
            }
            try condition.withLock {
                try check(try condition.wait(timeout: .seconds(20)) { flag.load() == 1 })
                flag.store(2)
                condition.notify()
            }
            try check(try joinChild(child) == .exited(0))
        }
    }

    /// A waiter killed inside its wait (where glibc's process-shared
    /// condition variables can wedge) does not stop notifies reaching others.
    @Test func waiterKilledInsideWaitLeavesTheConditionWorking() throws {
        try runIsolated(in: Self.self) {
            let condition = try ProcessCondition()
            let inWait = try HandOff()
            let victim = try ChildProcess.fork {
                try condition.lock.lock()
                inWait.signal()
                while true { try condition.wait() }
            }
            try check(inWait.wait() == 1)
            try condition.lock.lock()  // the victim released it inside wait()
            condition.lock.unlock()
            victim.kill()
            _ = try joinChild(victim)
            // Another process waits and must be woken by a single notify.
            let flag = try SharedValue(0)
            let waiter = try ChildProcess.fork {
                try condition.withLock {
                    flag.store(1)
                    return try condition.wait(timeout: .seconds(20)) { flag.load() == 2 } ? 0 : 3
                }
            }
            try check(pollUntil(within: .seconds(20)) { flag.load() == 1 })
            try condition.withLock {
                flag.store(2)
                condition.notify(count: 1)
            }
            try check(try joinChild(waiter) == .exited(0))
        }
    }

    /// A process killed holding the condition's lock: the waiter taking the
    /// lock back at the end of its wait gets `LockOwnerDied`, promptly.
    @Test func holderOfTheConditionsLockKilledIsReportedToTheWaiter() throws {
        try runIsolated(in: Self.self) {
            try checkPrompt {
                let condition = try ProcessCondition()
                let holding = try HandOff()
                let go = try HandOff()
                defer {
                    holding.close()
                    go.close()
                }
                let waiterID = Box<pid_t>(0)
                let outcome = Box("")
                let unblocked = Box(ContinuousClock.now)
                let waiter = TestThread {
                    do {
                        try condition.lock.lock()
                        waiterID.value = currentThreadID()
                        _ = try condition.wait(timeout: .seconds(20))
                        outcome.value = "returned"
                        condition.lock.unlock()
                    } catch {
                        unblocked.value = .now
                        outcome.value = error is LockOwnerDied ? "ownerDied" : "\(error)"
                        condition.lock.unlock()
                    }
                }
                try check(pollUntil { waiterID.value != 0 } && waitUntilSleeping(waiterID.value))
                let notifier = try ChildProcess.fork {
                    try condition.lock.lock()
                    condition.notifyAll()  // the waiter wakes, then blocks on the lock
                    holding.signal()
                    blockUntilKilled()
                }
                try check(holding.wait() == 1)
                try check(waitUntilSleeping(waiterID.value))
                let killed = ContinuousClock.now
                notifier.kill()
                waiter.join()
                _ = try joinChild(notifier)
                try check(outcome.value == "ownerDied", "the waiter got \(outcome.value)")
                return unblocked.value - killed
            }
        }
    }

    @Test func travelsWithItsLock() throws {
        let condition = try ProcessCondition()
        let received = try roundTripWithDescriptors(condition)
        try condition.lock.lock()
        let other = TestThread { #expect(try! !received.lock.tryLock(), "the same lock") }
        other.join()
        condition.lock.unlock()
    }
}
