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

/// A lock its owner may take again, Python's `threading.RLock`.
///
/// Each ``lock()`` by the owner must be matched by an ``unlock()``; the lock
/// is free for other threads after the last one.
///
/// ```swift
/// let lock = RecursiveLock()
/// func deposit() { lock.withLock { /* may call other locked methods */ } }
/// ```
///
/// ``unlock()`` by a thread that does not hold the lock is a programmer error
/// and traps with a message (Python raises `RuntimeError`); it is never
/// undefined behaviour, and it changes nothing before it traps. Timeouts are
/// measured on the monotonic clock; a negative timeout does not wait.
/// Releasing the last reference to a lock that is held is not an error.
public final class RecursiveLock: @unchecked Sendable {
    /// Taken once by the owner, however deep it holds the lock.
    let mutex = PThreadMutex()
    private var owner: LockOwner { LockOwner(mutex: mutex) }
    /// How many levels the owner holds; read and written only by the owner.
    private var depth = 0

    /// Creates an unlocked lock.
    public init() {}

    /// Blocks until the calling thread holds the lock; returns at once if it
    /// already does (one more level to unlock).
    ///
    /// The corresponding C function is `pthread_mutex_lock`.
    public func lock() {
        if enterAgain() { return }
        mutex.lock()
        becomeOwner(levels: 1)
    }

    /// Takes the lock if it is free or already held by the calling thread.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    public func tryLock() -> Bool {
        if enterAgain() { return true }
        guard mutex.tryLock() else { return false }
        becomeOwner(levels: 1)
        return true
    }

    /// Like ``lock()``, giving up after `timeout` on the monotonic clock.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    ///
    /// The corresponding C function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) -> Bool {
        if enterAgain() { return true }
        guard mutex.lock(until: .after(timeout)) else { return false }
        becomeOwner(levels: 1)
        return true
    }

    /// Releases one level of the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    public func unlock() {
        guard owner.isCurrentThread else { lockMisuse("RecursiveLock", "unlock()", .notHeld) }
        depth -= 1
        if depth == 0 { mutex.unlock() }
    }

    /// Whether some thread holds the lock now: a snapshot that other threads
    /// may change at once.
    public var isLocked: Bool { owner.isHeld }

    /// Whether the calling thread holds the lock, Python's `_is_owned()`.
    public var isHeldByCurrentThread: Bool { owner.isCurrentThread }

    /// Runs `body` holding the lock and releases that level however `body` exits.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// One more level for the owner; `false` if the calling thread is not the owner.
    private func enterAgain() -> Bool {
        guard owner.isCurrentThread else { return false }
        let (deeper, overflow) = depth.addingReportingOverflow(1)
        if overflow { lockMisuse("RecursiveLock", "lock()", .tooDeep) }
        depth = deeper
        return true
    }

    /// Called right after taking the mutex.
    private func becomeOwner(levels: Int) {
        depth = levels
    }

    // MARK: Condition support

    /// Before a condition wait, which releases the mutex: gives up ownership
    /// of every level. Returns how many the calling thread held, or `nil` if
    /// it holds none (then nothing changes).
    func suspendOwnership() -> Int? {
        guard owner.isCurrentThread else { return nil }
        let levels = depth
        depth = 0
        return levels
    }

    /// After a condition wait, which took the mutex back: takes back the
    /// levels ``suspendOwnership()`` gave up.
    func resumeOwnership(levels: Int) {
        becomeOwner(levels: levels)
    }
}
