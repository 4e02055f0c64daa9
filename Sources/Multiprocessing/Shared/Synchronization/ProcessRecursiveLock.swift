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

/// A process-shared lock its owner may take again, Python's
/// `multiprocessing.RLock`: ``ProcessLock``'s API and rules, re-entrant by
/// the thread (of the process) that holds it.
///
/// Each ``lock()`` by the owner must be matched by an ``unlock()``; the lock
/// is free for others after the last one. A holder that dies releases every
/// level at once: the next taker gets ``LockOwnerDied`` holding one level,
/// as with ``ProcessLock``. An ``unlock()`` by a thread that does not hold
/// the lock traps with a message.
public final class ProcessRecursiveLock: Sendable {
    let segment: LockSegment

    /// Creates an unlocked lock.
    ///
    /// The corresponding C function is `memfd_create` (for its segment).
    public init() throws(SharedMemoryError) {
        segment = try LockSegment(recursive: true, typeName: "ProcessRecursiveLock")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try LockSegment(memory: memory, recursive: true, typeName: "ProcessRecursiveLock")
    }

    /// Blocks until the calling thread holds the lock; returns at once if it
    /// already does (one more level to unlock).
    ///
    /// - Throws: ``LockOwnerDied`` if the previous holder died holding it; the
    ///   calling thread holds one level then.
    ///
    /// The corresponding C function is `futex(FUTEX_LOCK_PI2)` when the lock is taken.
    public func lock() throws(LockOwnerDied) {
        _ = try segment.lock(until: nil)
    }

    /// Like ``lock()``, giving up after `timeout` on the monotonic clock.
    ///
    /// - Returns: `false` if the timeout passed first (not an error).
    ///
    /// The corresponding C function is `futex(FUTEX_LOCK_PI2)` on `CLOCK_MONOTONIC`.
    public func lock(timeout: Duration) throws(LockOwnerDied) -> Bool {
        try segment.lock(until: .after(timeout))
    }

    /// Takes the lock if it is free or already held by the calling thread.
    ///
    /// - Returns: `false` if another thread holds it (not an error).
    ///
    /// The corresponding C function is `futex(FUTEX_TRYLOCK_PI)` when the lock is taken.
    public func tryLock() throws(LockOwnerDied) -> Bool {
        try segment.lock(until: .immediately)
    }

    /// Releases one level of the lock, which the calling thread must hold.
    ///
    /// The corresponding C function is `futex(FUTEX_UNLOCK_PI)` when someone waits.
    public func unlock() {
        segment.unlock()
    }

    /// Runs `body` holding the lock and releases that level however `body` exits.
    ///
    /// - Throws: ``LockOwnerDied`` without running `body` (the lock is left
    ///   free) if the previous holder died holding it; whatever `body` throws.
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        try segment.withLock(body)
    }
}

extension ProcessRecursiveLock: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
