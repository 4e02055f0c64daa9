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

internal import MultiprocessingPlatform

/// The counter, lock and condition behind ``Semaphore`` and ``BoundedSemaphore``.
final class SemaphoreCore: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let released = PThreadCondition()
    private var value: Int  // guarded by `mutex`
    private var waiters = 0  // guarded by `mutex`
    /// The most `value` may reach, for a bounded semaphore.
    let bound: Int?

    init(value: Int, bound: Int?) {
        precondition(value >= 0, "a semaphore's initial value must not be negative, got \(value)")
        self.value = value
        self.bound = bound
    }

    var currentValue: Int { mutex.withLock { value } }

    func acquire(until deadline: Deadline) -> Bool {
        mutex.withLock {
            while value == 0 {
                waiters += 1
                let signalled = released.wait(on: mutex, until: deadline)
                waiters -= 1
                if !signalled && value == 0 { return false }
            }
            value -= 1
            return true
        }
    }

    func tryAcquire() -> Bool {
        mutex.withLock {
            guard value > 0 else { return false }
            value -= 1
            return true
        }
    }

    /// Adds `count` permits; `false`, changing nothing, past the bound.
    func release(_ count: Int) -> Bool {
        precondition(count >= 1, "a semaphore must be released by at least 1, got \(count)")
        return mutex.withLock {
            if let bound, value + count > bound { return false }
            value += count
            for _ in 0..<min(count, waiters) { released.signal() }
            return true
        }
    }
}
