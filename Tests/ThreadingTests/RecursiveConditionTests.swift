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

/// Whether another thread can take `lock` right now (it releases it again).
private func freeForAnotherThread(_ lock: RecursiveLock) throws -> Bool {
    let result = Counter()
    let probe = PosixThread(name: "probe") {
        if lock.tryLock() {
            result.increment()
            lock.unlock()
        }
    }
    try probe.start()
    #expect(probe.join(timeout: prompt))
    return result.value == 1
}

@Suite("Condition on a RecursiveLock", .onItsOwnThread, .timeLimit(.minutes(1)))
struct RecursiveConditionTests {
    @Test func waitReleasesEveryLevelAndTakesThemBack() throws {
        let lock = RecursiveLock()
        let condition = Condition(lock: lock)
        #expect(condition.lock === lock)
        let shared = Shared()
        let waiting = Event()
        let levelsAfterWait = Recorder<Bool>()
        let waiter = PosixThread(name: "waiter") {
            lock.lock()
            lock.lock()
            _ = lock.tryLock()  // three levels, taken three ways
            waiting.set()
            let ready = condition.wait(timeout: prompt) { shared.ready }
            levelsAfterWait.append(ready)
            // Still three levels: two unlocks leave it held.
            lock.unlock()
            lock.unlock()
            levelsAfterWait.append((try? freeForAnotherThread(lock)) ?? true)
            lock.unlock()
        }
        try waiter.start()
        #expect(waiting.wait(timeout: prompt))
        // Blocks forever if the wait released only one of the three levels.
        #expect(lock.lock(timeout: prompt))
        shared.ready = true
        condition.notify()
        lock.unlock()
        #expect(waiter.join(timeout: prompt))
        #expect(levelsAfterWait.elements == [true, false])
        #expect(try freeForAnotherThread(lock))
    }

    @Test func timedOutWaitKeepsEveryLevel() throws {
        let lock = RecursiveLock()
        let condition = Condition(lock: lock)
        lock.lock()
        #expect(lock.lock(timeout: .seconds(1)))
        #expect(!condition.wait(timeout: .milliseconds(20)))
        lock.unlock()
        #expect(!(try freeForAnotherThread(lock)))
        lock.unlock()
        #expect(try freeForAnotherThread(lock))
    }

    @Test func producerConsumerWithReentrantHelpers() throws {
        let condition = Condition(lock: RecursiveLock())
        let shared = Shared()
        // Helpers that take the lock themselves, called with it held: the Python RLock idiom.
        @Sendable func push(_ item: Int) {
            condition.withLock {
                shared.items.append(item)
                condition.notify()
            }
        }
        @Sendable func pop() -> Int {
            condition.withLock {
                _ = condition.withLock { condition.wait { !shared.items.isEmpty } }
                return shared.items.removeFirst()
            }
        }
        let received = Recorder<Int>()
        let consumer = PosixThread(name: "consumer") { for _ in 0..<500 { received.append(pop()) } }
        try consumer.start()
        for item in 0..<500 { condition.withLock { push(item) } }
        #expect(consumer.join(timeout: prompt))
        #expect(received.elements == Array(0..<500))
    }

    @Test func waitingWithoutTheLockTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Condition(lock: RecursiveLock()).wait(timeout: .milliseconds(10))
        }
    }
}
