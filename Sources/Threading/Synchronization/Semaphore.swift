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

/// A counting semaphore, Python's `threading.Semaphore`.
///
/// It holds a number of permits: ``acquire()`` takes one, blocking while none
/// is left; ``release(count:)`` gives one back. Use it to limit how many threads do
/// something at once:
///
/// ```swift
/// let downloads = Semaphore(value: 3)
/// downloads.withPermit { fetch(url) }   // at most 3 at a time
/// ```
///
/// Releasing more than was acquired is allowed and raises the count (use
/// ``BoundedSemaphore`` to catch that). Timeouts are on the monotonic clock.
public final class Semaphore: @unchecked Sendable {
    private let core: SemaphoreCore

    /// Creates a semaphore with `value` permits (a negative value traps).
    public init(value: Int = 1) {
        core = SemaphoreCore(value: value, bound: nil)
    }

    /// The permits available now; a snapshot that other threads may change at once.
    public var value: Int { core.currentValue }

    /// Blocks until a permit is available and takes it.
    public func acquire() {
        _ = core.acquire(until: .distantFuture)
    }

    /// Takes a permit, waiting at most `timeout`.
    ///
    /// - Returns: `false` if no permit came in time (not an error).
    public func acquire(timeout: Duration) -> Bool {
        core.acquire(until: .after(timeout))
    }

    /// Takes a permit if one is available now.
    ///
    /// - Returns: `false` if none is (not an error).
    public func tryAcquire() -> Bool {
        core.tryAcquire()
    }

    /// Gives back `count` permits (at least 1), waking as many waiting threads.
    public func release(count: Int = 1) {
        _ = core.release(count)
    }

    /// Runs `body` holding a permit and gives it back however `body` exits.
    public func withPermit<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        acquire()
        defer { release() }
        return try body()
    }
}
