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

@Suite("Semaphore and BoundedSemaphore", .onItsOwnThread, .timeLimit(.minutes(1)))
struct SemaphoreTests {
    @Test func permitsLimitConcurrency() throws {
        let semaphore = Semaphore(value: 3)
        let inside = Counter()
        let peak = Counter()
        let threads = try startThreads(8) { _ in
            for _ in 0..<50 {
                semaphore.withPermit {
                    let now = inside.increment()
                    while true {
                        let seen = peak.value
                        if now <= seen { break }
                        peak.increment(by: now - seen)
                    }
                    inside.increment(by: -1)
                }
            }
        }
        for thread in threads { thread.join() }
        #expect(peak.value <= 3)
        #expect(peak.value >= 1)
        #expect(semaphore.value == 3)
    }

    @Test func tryAcquireAndTimedAcquireWhenExhausted() {
        let semaphore = Semaphore(value: 1)
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        let took = measure { #expect(!semaphore.acquire(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        semaphore.release()
        #expect(semaphore.acquire(timeout: .milliseconds(50)))
    }

    @Test func releaseWakesABlockedAcquirer() throws {
        let semaphore = Semaphore(value: 0)
        let acquired = Event()
        let waiter = PosixThread {
            semaphore.acquire()
            acquired.set()
        }
        try waiter.start()
        #expect(!acquired.wait(timeout: .milliseconds(20)))
        semaphore.release()
        #expect(acquired.wait(timeout: .seconds(10)))
        waiter.join()
    }

    @Test func releaseCountWakesSeveral() throws {
        let semaphore = Semaphore(value: 0)
        let acquired = Counter()
        let waiters = try startThreads(3) { _ in
            semaphore.acquire()
            acquired.increment()
        }
        semaphore.release(count: 3)
        for waiter in waiters { waiter.join() }
        #expect(acquired.value == 3)
        #expect(semaphore.value == 0)
    }

    @Test func plainSemaphoreMayBeReleasedPastItsInitialValue() {
        let semaphore = Semaphore(value: 1)
        semaphore.release()
        #expect(semaphore.value == 2)
    }

    @Test func boundedSemaphoreRejectsOverRelease() throws {
        let semaphore = BoundedSemaphore(value: 2)
        #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release() }
        semaphore.acquire()
        try semaphore.release()
        #expect(semaphore.value == 2)
        semaphore.acquire()
        #expect(throws: SemaphoreError.overReleased(bound: 2)) { try semaphore.release(count: 2) }
        #expect(semaphore.value == 1, "a refused release changes nothing")
    }

    @Test func boundedWithPermitAndTimedAcquire() throws {
        let semaphore = BoundedSemaphore(value: 1)
        let value = semaphore.withPermit {
            #expect(!semaphore.tryAcquire())
            #expect(!semaphore.acquire(timeout: .milliseconds(10)))
            return 7
        }
        #expect(value == 7)
        #expect(semaphore.value == 1)
        #expect(semaphore.bound == 1)
    }

    @Test func errorsDescribeThemselves() {
        #expect(SemaphoreError.overReleased(bound: 3).description.contains("3"))
    }
}
