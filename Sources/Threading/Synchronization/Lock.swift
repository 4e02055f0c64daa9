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

/// A mutual-exclusion lock, Python's `threading.Lock`.
///
/// ```swift
/// let lock = Lock()
/// lock.withLock { counter += 1 }
/// ```
///
/// The lock knows which thread holds it, so misuse is reported instead of
/// being undefined behaviour. These are programmer errors and trap with a
/// message saying what happened:
/// - ``unlock()`` by a thread that does not hold the lock. **Python differs
///   here:** its `Lock` may be released by any thread (and raises
///   `RuntimeError` only when it is not locked at all); here the holder must
///   unlock, as with Python's `RLock`. To signal another thread, use a
///   ``Semaphore`` or an ``Event``.
/// - ``lock()`` again by the thread that holds it, which would deadlock
///   forever in Python (use ``RecursiveLock`` to re-enter).
///
/// ``tryLock()`` and ``lock(timeout:)`` by the holder are not errors: they
/// return `false`, `lock(timeout:)` after waiting out the timeout, as
/// Python's `acquire(timeout=)` does. Timeouts are measured on the monotonic
/// clock; a negative timeout does not wait. Releasing the last reference to
/// a lock that is held is not an error.
public final class Lock: @unchecked Sendable {
    let mutex = PThreadMutex()
    var owner: LockOwner { LockOwner(mutex: mutex) }

    /// Creates an unlocked lock.
    public init() {}

    /// Blocks until the calling thread holds the lock.
    ///
    /// The corresponding C function is `pthread_mutex_lock`.
    public func lock() {
        if owner.isCurrentThread { lockMisuse("Lock", "lock()", .relocked) }
        mutex.lock()
    }

    /// Takes the lock if it is free.
    ///
    /// - Returns: `false` if a thread, the caller included, holds it (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    public func tryLock() -> Bool {
        mutex.tryLock()
    }

    /// Blocks until the calling thread holds the lock or `timeout` has passed.
    ///
    /// If the calling thread already holds the lock, it can never get it
    /// again: the call waits out the timeout and returns `false`, as Python's
    /// `acquire(timeout=)` does.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) -> Bool {
        let deadline = Deadline.after(timeout)
        if owner.isCurrentThread {
            sleep(until: deadline)
            return false
        }
        return mutex.lock(until: deadline)
    }

    /// Releases the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() {
        guard owner.isCurrentThread else { lockMisuse("Lock", "unlock()", .notHeld) }
        mutex.unlock()
    }

    /// Whether some thread holds the lock now, Python's `locked()`: a snapshot
    /// that other threads may change at once.
    public var isLocked: Bool { owner.isHeld }

    /// Whether the calling thread holds the lock.
    public var isHeldByCurrentThread: Bool { owner.isCurrentThread }

    /// Runs `body` holding the lock and releases it however `body` exits.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    // MARK: Condition support

    /// Before a condition wait, which releases the mutex: gives up ownership.
    /// Returns 1 (the levels held), or `nil` if the calling thread does not
    /// hold the lock (then nothing changes).
    func suspendOwnership() -> Int? {
        guard owner.isCurrentThread else { return nil }
        return 1
    }

    /// After a condition wait, which took the mutex back (glibc recorded the
    /// holder again): nothing to do.
    func resumeOwnership(levels _: Int) {}
}
