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

@Suite("Event", .onItsOwnThread, .timeLimit(.minutes(1)))
struct EventTests {
    @Test func setReleasesEveryWaiterAtOnce() throws {
        let start = Event()
        let started = Counter()
        let threads = try startThreads(6) { _ in
            start.wait()
            started.increment()
        }
        #expect(!start.isSet)
        #expect(eventually { start.waitingCount == 6 })
        #expect(started.value == 0, "nobody passes before set()")
        start.set()
        for thread in threads { thread.join() }
        #expect(started.value == 6)
    }

    @Test func timedWaitReportsTheFlag() {
        let event = Event()
        let took = measure { #expect(!event.wait(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        event.set()
        #expect(event.wait(timeout: .milliseconds(1)))
        #expect(event.isSet)
    }

    @Test func clearLowersTheFlagAgain() {
        let event = Event()
        event.set()
        event.set()  // setting twice is fine
        event.clear()
        #expect(!event.isSet)
        #expect(!event.wait(timeout: .milliseconds(5)))
    }
}

@Suite("Event regressions", .onItsOwnThread, .timeLimit(.minutes(1)))
struct EventRegressionTests {
    /// CPython's lock_tests `test_set_and_clear` (issue #13502): a `set()`
    /// at once followed by `clear()` still releases every thread that was
    /// waiting, and their waits return `true`.
    @Test func setImmediatelyFollowedByClearReleasesEveryWaiter() throws {
        let event = Event()
        let results = Recorder<Bool>()
        let waiters = try startThreads(5, name: "waiter") { _ in
            results.append(event.wait(timeout: .seconds(20)))
        }
        #expect(eventually { event.waitingCount == 5 })
        let took = measure {
            event.set()
            event.clear()
            for waiter in waiters { waiter.join() }
        }
        #expect(results.elements == Array(repeating: true, count: 5))
        #expect(took < prompt, "the waiters slept on after the set() they were woken by")
    }
}
