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

@testable import Threading

/// A negative timeout means "do not wait", never a trap: -1 ms is 0 s and
/// -10^15 attoseconds, which once trapped in the conversion to nanoseconds.
@Suite("Negative timeouts", .onItsOwnThread, .timeLimit(.minutes(1)))
struct NegativeTimeoutTests {
    static let negative: [Duration] = [
        .milliseconds(-1), .nanoseconds(-1), .seconds(-3), .seconds(-1) - .milliseconds(500),
    ]

    @Test(arguments: negative)
    func deadlinesInThePastAreNow(timeout: Duration) {
        let before = Deadline.now
        let deadline = Deadline.after(timeout)
        #expect(deadline >= before && deadline <= Deadline.now)
        #expect(timeout.clampedNanoseconds == 0)
    }

    @Test(arguments: negative)
    func timedWaitsReturnAtOnce(timeout: Duration) throws {
        let took = try measure {
            #expect(!Event().wait(timeout: timeout))
            #expect(!Semaphore(value: 0).acquire(timeout: timeout))
            #expect(Lock().lock(timeout: timeout), "a free lock is taken without waiting (and dropped held)")
            let held = RecursiveLock()
            held.lock()
            #expect(RecursiveLock().lock(timeout: timeout))
            let condition = Condition()
            #expect(!condition.withLock { condition.wait(timeout: timeout) })
            #expect(throws: QueueError.self) { try Queue<Int>().get(timeout: timeout) }
            let release = Event()
            let thread = PosixThread { release.wait() }
            try thread.start()
            #expect(!thread.join(timeout: timeout))
            release.set()
            #expect(thread.join(timeout: prompt))
        }
        #expect(took < prompt)
    }
}
