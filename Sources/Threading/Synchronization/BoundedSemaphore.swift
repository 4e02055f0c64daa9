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

/// A semaphore that never holds more permits than it started with, Python's
/// `threading.BoundedSemaphore`: a release without a matching acquire is
/// caught as an error instead of silently raising the limit.
///
/// ```swift
/// let pool = BoundedSemaphore(value: 2)
/// try pool.withPermit { useConnection() }
/// ```
///
/// Timeouts are measured on the monotonic clock.
public final class BoundedSemaphore: @unchecked Sendable {
    private let core: SemaphoreCore

    /// Creates a semaphore with `value` permits, which is also its bound
    /// (a negative value traps).
    public init(value: Int = 1) {
        core = SemaphoreCore(value: value, bound: value)
    }

    /// The most permits it can hold: the initial value.
    public var bound: Int { core.bound ?? 0 }

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
    ///
    /// - Throws: ``SemaphoreError/overReleased(bound:)`` if that would exceed
    ///   the initial value; nothing is released then.
    public func release(count: Int = 1) throws(SemaphoreError) {
        guard core.release(count) else { throw .overReleased(bound: bound) }
    }

    /// Runs `body` holding a permit and gives it back however `body` exits.
    public func withPermit<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        acquire()
        defer {
            // Cannot fail: this permit was acquired just above.
            _ = core.release(1)
        }
        return try body()
    }
}
