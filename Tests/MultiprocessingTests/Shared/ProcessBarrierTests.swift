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

@Suite("ProcessBarrier", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ProcessBarrierTests {
    @Test func partiesPassTogetherRoundAfterRoundWithDistinctIndices() throws {
        let barrier = try ProcessBarrier(parties: 3)
        let indices = (0..<2).map { _ in Box<[Int]>([]) }
        let threads = indices.map { box in
            TestThread {
                var seen: [Int] = []
                for _ in 0..<50 { seen.append(try! barrier.wait(timeout: .seconds(20))) }
                box.value = seen
            }
        }
        var mine: [Int] = []
        for _ in 0..<50 { mine.append(try barrier.wait(timeout: .seconds(20))) }
        threads.forEach { $0.join() }
        let all = (indices.flatMap(\.value) + mine).sorted()
        #expect(all == (0..<3).flatMap { index in Array(repeating: index, count: 50) })
        #expect(!barrier.isBroken && barrier.waitingCount == 0)
    }

    @Test func abortTimeoutAndResetBreakAndRepair() throws {
        let barrier = try ProcessBarrier(parties: 2)
        #expect(throws: BarrierError.broken) { try barrier.wait(timeout: .milliseconds(20)) }
        #expect(barrier.isBroken)
        #expect(throws: BarrierError.broken) { try barrier.wait() }
        barrier.reset()
        #expect(!barrier.isBroken)
        let waiter = TestThread { #expect(throws: BarrierError.broken) { try barrier.wait(timeout: .seconds(20)) } }
        #expect(pollUntil { barrier.waitingCount == 1 })
        barrier.abort()
        waiter.join()
        barrier.reset()
        let partner = TestThread { _ = try! barrier.wait(timeout: .seconds(20)) }
        _ = try barrier.wait(timeout: .seconds(20))
        partner.join()
    }

    @Test func processesMeetAtTheBarrier() throws {
        try runIsolated(in: Self.self) {
            let barrier = try ProcessBarrier(parties: 3)
            let children = try (0..<2).map { _ in
                try ChildProcess.fork {
                    for _ in 0..<20 { _ = try barrier.wait(timeout: .seconds(20)) }
                    return 0
                }
            }
            for _ in 0..<20 { _ = try barrier.wait(timeout: .seconds(20)) }
            for child in children { try check(try joinChild(child) == .exited(0)) }
        }
    }

    /// Item 4: a party killed while it waits breaks the barrier for the
    /// others within 10 ms.
    @Test func partyKilledAtTheBarrierBreaksItPromptly() throws {
        try runIsolated(in: Self.self) {
            try checkPrompt {
                let barrier = try ProcessBarrier(parties: 3)
                let victim = try ChildProcess.fork {
                    _ = try? barrier.wait()
                    return 0
                }
                let waiterID = Box<pid_t>(0)
                let outcome = Box("")
                let unblocked = Box(ContinuousClock.now)
                let waiter = TestThread {
                    waiterID.value = currentThreadID()
                    do {
                        _ = try barrier.wait(timeout: .seconds(20))
                        outcome.value = "passed"
                    } catch {
                        unblocked.value = .now
                        outcome.value = "broken"
                    }
                }
                try check(pollUntil { barrier.waitingCount == 2 }, "the parties never arrived")
                try check(waitUntilSleeping(waiterID.value))
                let killed = ContinuousClock.now
                victim.kill()
                waiter.join()
                _ = try joinChild(victim)
                try check(outcome.value == "broken", "the survivor \(outcome.value)")
                try check(barrier.isBroken)
                barrier.reset()
                try check(!barrier.isBroken && barrier.waitingCount == 0)
                return unblocked.value - killed
            }
        }
    }

    /// A dead party of a finished round does not break the next one.
    @Test func partyThatDiesAfterPassingDoesNotBreakTheNextRound() throws {
        try runIsolated(in: Self.self) {
            let barrier = try ProcessBarrier(parties: 2)
            let child = try ChildProcess.fork {
                _ = try barrier.wait(timeout: .seconds(20))
                return 0
            }
            _ = try barrier.wait(timeout: .seconds(20))
            _ = try joinChild(child)
            let partner = TestThread { #expect((try? barrier.wait(timeout: .seconds(20))) != nil) }
            try check((try? barrier.wait(timeout: .seconds(20))) != nil)
            partner.join()
        }
    }

    @Test func travelsWithItsDescriptor() throws {
        let barrier = try ProcessBarrier(parties: 2)
        let received = try roundTripWithDescriptors(barrier)
        #expect(received.parties == 2)
        let partner = TestThread { _ = try! received.wait(timeout: .seconds(20)) }
        _ = try barrier.wait(timeout: .seconds(20))
        partner.join()
    }
}
