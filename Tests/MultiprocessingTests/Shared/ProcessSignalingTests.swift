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

@Suite("ProcessSemaphore, ProcessBoundedSemaphore, ProcessEvent", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ProcessSignalingTests {
    @Test func semaphoreCountsPermits() throws {
        let semaphore = try ProcessSemaphore(value: 2)
        #expect(semaphore.tryAcquire() && semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        #expect(try !semaphore.acquire(timeout: .milliseconds(20)))
        semaphore.release(count: 2)
        #expect(semaphore.value == 2)
        #expect(try semaphore.withPermit { semaphore.value } == 1)
        #expect(semaphore.value == 2)
    }

    @Test func boundedSemaphoreRefusesAnOverRelease() throws {
        let semaphore = try ProcessBoundedSemaphore(value: 1)
        #expect(throws: SemaphoreError.overReleased(bound: 1)) { try semaphore.release() }
        #expect(semaphore.value == 1)
        try semaphore.acquire()
        try semaphore.release()
        #expect(semaphore.bound == 1)
        let zero = try ProcessBoundedSemaphore(value: 0)
        #expect(throws: SemaphoreError.overReleased(bound: 0)) { try zero.release() }
    }

    @Test func semaphoreWakesAWaiterInAnotherProcess() throws {
        try runIsolated(in: Self.self) {
            let semaphore = try ProcessSemaphore(value: 0)
            let done = try ProcessSemaphore(value: 0)
            let child = try ChildProcess.fork {
                guard try semaphore.acquire(timeout: .seconds(20)) else { return 3 }
                done.release()
                return 0
            }
            semaphore.release()
            try check(try done.acquire(timeout: .seconds(20)))
            try check(try joinChild(child) == .exited(0))
        }
    }

    /// A permit holder that dies never gives its permit back (documented),
    /// and a waiter killed in its wait does not disturb the others.
    @Test func deadHolderKeepsItsPermitAndDeadWaiterLeavesNothing() throws {
        try runIsolated(in: Self.self) {
            let semaphore = try ProcessSemaphore(value: 1)
            let holding = try HandOff()
            let holder = try ChildProcess.fork {
                try semaphore.acquire()
                holding.signal()
                blockUntilKilled()
            }
            try check(holding.wait() == 1)
            let waiting = try HandOff()
            let waiter = try ChildProcess.fork {
                waiting.signal()
                try semaphore.acquire()
                return 0
            }
            try check(waiting.wait() == 1)
            holder.kill()
            waiter.kill()
            _ = try joinChild(holder)
            _ = try joinChild(waiter)
            try check(semaphore.value == 0, "the dead holder's permit is lost")
            semaphore.release()
            try check(try semaphore.acquire(timeout: .seconds(5)), "the semaphore works on")
        }
    }

    @Test func eventSetWakesWaitersInOtherProcesses() throws {
        try runIsolated(in: Self.self) {
            let event = try ProcessEvent()
            try check(!event.isSet)
            try check(try !event.wait(timeout: .milliseconds(10)))
            let children = try (0..<3).map { _ in
                try ChildProcess.fork { try event.wait(timeout: .seconds(20)) ? 0 : 3 }
            }
            event.set()
            for child in children { try check(try joinChild(child) == .exited(0)) }
            try check(event.isSet)
            event.clear()
            try check(!event.isSet)
            event.set()
            try check(try event.wait(timeout: .zero))
        }
    }

    @Test func eventWaiterKilledLeavesNothingBehind() throws {
        try runIsolated(in: Self.self) {
            let event = try ProcessEvent()
            let waiting = try HandOff()
            let victim = try ChildProcess.fork {
                waiting.signal()
                try event.wait()
                return 0
            }
            try check(waiting.wait() == 1)
            victim.kill()
            _ = try joinChild(victim)
            let waiter = TestThread { #expect(try! event.wait(timeout: .seconds(20))) }
            event.set()
            waiter.join()
        }
    }

    @Test func travelWithTheirDescriptors() throws {
        let semaphore = try ProcessSemaphore(value: 3)
        #expect(try roundTripWithDescriptors(semaphore).value == 3)
        let bounded = try ProcessBoundedSemaphore(value: 2)
        #expect(try roundTripWithDescriptors(bounded).bound == 2)
        #expect(throws: SharedMemoryError.self) {
            try ProcessBoundedSemaphore(memory: roundTripWithDescriptors(semaphore.segment.memory))
        }
        let event = try ProcessEvent()
        let received = try roundTripWithDescriptors(event)
        event.set()
        #expect(received.isSet)
    }
}
