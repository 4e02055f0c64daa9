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

/// State shared under a condition's lock in these tests.
final class Shared: @unchecked Sendable {
    var items: [Int] = []
    var ready = false
}

@Suite("Condition", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ConditionTests {
    @Test func producerConsumerHandsOverEveryItemInOrder() throws {
        let condition = Condition()
        let shared = Shared()
        let received = Recorder<Int>()
        let consumer = PosixThread {
            for _ in 0..<1000 {
                let item: Int = condition.withLock {
                    condition.wait(until: { !shared.items.isEmpty })
                    return shared.items.removeFirst()
                }
                received.append(item)
            }
        }
        try consumer.start()
        for i in 0..<1000 {
            condition.withLock {
                shared.items.append(i)
                condition.notify()
            }
        }
        consumer.join()
        #expect(received.elements == Array(0..<1000))
    }

    @Test func timedWaitReturnsFalseAfterTheTimeout() {
        let condition = Condition()
        condition.withLock {
            let took = measure { #expect(!condition.wait(timeout: .milliseconds(50))) }
            #expect(took >= .milliseconds(45) && took < prompt)
        }
        // The lock is held again after a timed-out wait, and released by withLock.
        #expect(condition.lock.tryLock())
        condition.lock.unlock()
    }

    @Test func predicateWaitTimesOutWithThePredicatesValue() {
        let condition = Condition()
        let shared = Shared()
        let result = condition.withLock {
            condition.wait(timeout: .milliseconds(30)) { shared.ready }
        }
        #expect(result == false)
    }

    @Test func predicateWaitIsImmuneToNotificationsThatDoNotChangeTheState() throws {
        let condition = Condition()
        let shared = Shared()
        let returned = Event()
        let waiter = PosixThread {
            _ = condition.withLock { condition.wait { shared.ready } }
            returned.set()
        }
        try waiter.start()
        for _ in 0..<50 {
            condition.withLock { condition.notifyAll() }  // wake-ups without the state changing
        }
        #expect(!returned.wait(timeout: .milliseconds(50)))
        condition.withLock {
            shared.ready = true
            condition.notify()
        }
        waiter.join()
        #expect(returned.isSet)
    }

    @Test func predicateTrueAtOnceDoesNotWait() {
        let condition = Condition()
        let took = measure {
            #expect(condition.withLock { condition.wait(timeout: .seconds(10)) { true } })
        }
        #expect(took < prompt)
    }

    @Test func notifyCountWakesThatManyAndNotifyAllTheRest() throws {
        let condition = Condition()
        final class Tickets: @unchecked Sendable { var available = 0 }
        let tickets = Tickets()
        let woken = Counter()
        let waiters = try startThreads(5) { _ in
            condition.withLock {
                condition.wait { tickets.available > 0 }
                tickets.available -= 1
            }
            woken.increment()
        }
        // Wait until all five are blocked... by giving them tickets in steps.
        condition.withLock {
            tickets.available = 2
            condition.notify(count: 2)
        }
        #expect(eventually { woken.value == 2 })
        condition.withLock {
            tickets.available = 3
            condition.notifyAll()
        }
        for waiter in waiters { waiter.join() }
        #expect(woken.value == 5)
    }

    @Test func waitingWithoutTheLockTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Condition().wait(timeout: .milliseconds(10))
        }
    }

    @Test func sharesAnExistingLock() {
        let lock = Lock()
        let condition = Condition(lock: lock)
        lock.lock()
        #expect(!condition.wait(timeout: .milliseconds(1)))
        lock.unlock()
        #expect(condition.lock === lock)
    }
}
