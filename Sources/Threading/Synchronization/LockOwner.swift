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

import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Which thread holds a ``Lock`` or a ``RecursiveLock``: the holder's
/// `pthread_self()`, or 0 while the lock is free.
///
/// Only the holder writes its own handle (after taking the mutex) and clears
/// it (before releasing it), so a thread that reads its own handle holds the
/// lock, and one that reads anything else does not: relaxed atomics suffice,
/// and this is how the locks catch a relock or an unlock by a non-owner
/// before touching anything. Other threads read it only as a snapshot
/// (``isHeld``). 0 is never a thread's handle (it is the address of the
/// thread's control block).
struct LockOwner: ~Copyable {
    private let handle = Atomic<UInt>(0)

    init() {}

    /// The calling thread's handle. The corresponding C function is `pthread_self`.
    @inline(__always)
    static var current: UInt { UInt(pthread_self()) }

    /// Whether the calling thread holds the lock.
    @inline(__always)
    var isCurrentThread: Bool { handle.load(ordering: .relaxed) == Self.current }

    /// Whether some thread holds the lock now: a snapshot.
    var isHeld: Bool { handle.load(ordering: .relaxed) != 0 }

    /// Records the calling thread as the holder; called right after taking the mutex.
    @inline(__always)
    func claim() { handle.store(Self.current, ordering: .relaxed) }

    /// Records that nobody holds the lock; called right before releasing the mutex.
    @inline(__always)
    func clear() { handle.store(0, ordering: .relaxed) }
}

/// Traps with a message naming the misuse of a lock.
func lockMisuse(_ type: StaticString, _ function: StaticString, _ problem: LockMisuse) -> Never {
    preconditionFailure("\(type).\(function): \(problem.rawValue)")
}

/// The programmer errors the locks catch; each traps (Python raises `RuntimeError`).
enum LockMisuse: String {
    case notHeld = "the calling thread does not hold this lock"
    case relocked = "the calling thread already holds this lock; use RecursiveLock to re-enter"
    case tooDeep = "the lock was taken recursively too many times"
}
