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

/// A lock that threads of several processes share, Python's
/// `multiprocessing.Lock`, which tells the next taker when its holder died.
///
/// ```swift
/// let lock = try ProcessLock()
/// let child = try ChildProcess.fork {
///     try lock.withLock { /* update shared state */ }
///     return 0
/// }
/// try lock.withLock { /* ... */ }
/// ```
///
/// ## A holder that dies
/// If a process dies while it holds the lock — killed with `SIGKILL`,
/// crashed, or exited — the kernel releases the lock and wakes a waiter at
/// once: nobody ever hangs on a dead holder. The next taker learns of it by
/// ``LockOwnerDied``: ``lock()``, ``lock(timeout:)`` and ``tryLock()``
/// throw it with the lock **held** (repair the state, then ``unlock()``);
/// ``withLock(_:)`` runs nothing, leaves the lock free and throws it.
/// (Python's `multiprocessing.Lock` hangs forever in that case.)
///
/// ## Rules
/// As with ``Lock``, the thread that took the lock must release it; an
/// ``unlock()`` by another thread, or a second ``lock()`` by the holder, is
/// a programmer error and traps with a message (use ``ProcessRecursiveLock``
/// to re-enter). Timeouts are on the monotonic clock.
///
/// The lock lives in a small anonymous ``SharedMemory`` segment: it reaches
/// other processes by `fork` (capture it), or inside a `Job` or a message
/// over a transport that carries descriptors (it is `Codable`). It is a
/// priority-inheritance futex (see `LockWord.swift`): uncontended, a lock
/// and an unlock cost one atomic compare-and-swap each, in user space; a
/// contended one sleeps in the kernel, which knows the owner and hands the
/// lock to a waiter the moment the owner dies.
public final class ProcessLock: Sendable {
    let segment: LockSegment

    /// Creates an unlocked lock.
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made (too many
    ///   open descriptors).
    ///
    /// The corresponding C function is `memfd_create` (for its segment).
    public init() throws(SharedMemoryError) {
        segment = try LockSegment(recursive: false, typeName: "ProcessLock")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try LockSegment(memory: memory, recursive: false, typeName: "ProcessLock")
    }

    /// Blocks until the calling thread holds the lock.
    ///
    /// - Throws: ``LockOwnerDied`` if the previous holder died holding it;
    ///   the calling thread holds the lock then.
    ///
    /// The corresponding C function is `futex(FUTEX_LOCK_PI2)` when the lock is taken.
    public func lock() throws(LockOwnerDied) {
        _ = try segment.lock(until: nil)
    }

    /// Blocks until the calling thread holds the lock or `timeout` passes.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    /// - Throws: ``LockOwnerDied``, with the lock held.
    ///
    /// The corresponding C function is `futex(FUTEX_LOCK_PI2)` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) throws(LockOwnerDied) -> Bool {
        try segment.lock(until: .after(timeout))
    }

    /// Takes the lock if nobody holds it.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    /// - Throws: ``LockOwnerDied``, with the lock held.
    ///
    /// The corresponding C function is `futex(FUTEX_TRYLOCK_PI)` when the lock is taken.
    public func tryLock() throws(LockOwnerDied) -> Bool {
        try segment.lock(until: .immediately)
    }

    /// Releases the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `futex(FUTEX_UNLOCK_PI)` when someone waits.
    public func unlock() {
        segment.unlock()
    }

    /// Runs `body` holding the lock and releases it however `body` exits.
    ///
    /// - Throws: ``LockOwnerDied`` without running `body` (the lock is left
    ///   free) if the previous holder died holding it; whatever `body` throws.
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        try segment.withLock(body)
    }
}

extension ProcessLock: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
