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

/// The previous holder of a process-shared lock died while holding it: its
/// process was killed or crashed (or its thread exited) in the middle of
/// whatever the lock guards, which may be half-done.
///
/// What each call does when it finds a dead holder:
/// - ``ProcessLock/lock()``, ``ProcessLock/lock(timeout:)`` and
///   ``ProcessLock/tryLock()`` (and the same calls of
///   ``ProcessRecursiveLock``, and ``ProcessCondition``'s waits) return by
///   throwing this error **with the lock held** by the caller: repair the
///   state it guards, then `unlock()`. The lock is usable again at once.
/// - `withLock` does not run its body: it leaves the lock free and usable and
///   throws this error, so the caller can repair the state (taking the lock
///   again) before going on.
///
/// Only the first caller after the death is told; the others wait for the
/// lock as usual.
public struct LockOwnerDied: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error; it carries nothing more than its type says.
    public init() {}

    /// What happened and what it means for the state the lock guards.
    public var description: String {
        "the previous holder of the lock died while holding it; the state it guards may be half-updated"
    }
}
