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

/// A lock a ``Condition`` can be bound to: ``Lock`` or ``RecursiveLock``.
///
/// ``Condition/lock`` has this type, so code holding a condition can take and
/// release its lock whichever kind it is.
public protocol ConditionLock: AnyObject, Sendable {
    /// Blocks until the calling thread holds the lock.
    func lock()
    /// Releases (one level of) the lock, which the calling thread must hold.
    func unlock()
    /// Takes the lock if the calling thread can without waiting.
    func tryLock() -> Bool
    /// Like ``lock()``, giving up after `timeout`; `false` if it passed first.
    func lock(timeout: Duration) -> Bool
    /// Runs `body` holding the lock and releases it however `body` exits.
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T
}

/// What ``Condition`` needs of its lock to wait: the mutex the wait
/// releases, and the owner record to set aside meanwhile.
protocol WaitableLock: ConditionLock {
    var mutex: PThreadMutex { get }
    /// Gives up ownership before a wait; the levels held, `nil` if not held.
    func suspendOwnership() -> Int?
    /// Takes ownership back after a wait.
    func resumeOwnership(levels: Int)
}

extension Lock: WaitableLock {}
extension RecursiveLock: WaitableLock {}
