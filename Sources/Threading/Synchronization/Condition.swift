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

/// A condition variable bound to a ``Lock`` or a ``RecursiveLock``, Python's
/// `threading.Condition`.
///
/// Threads hold the lock, check some shared state, and ``wait()`` until
/// another thread changes it and calls ``notify(count:)`` or ``notifyAll()``.
///
/// ```swift
/// let condition = Condition()
/// // consumer
/// condition.withLock {
///     condition.wait(until: { !items.isEmpty })
///     process(items.removeFirst())
/// }
/// // producer
/// condition.withLock {
///     items.append(item)
///     condition.notify()
/// }
/// ```
///
/// A plain ``wait()`` may return without a notification (a spurious wake-up,
/// as with every condition variable): re-check the state, or use the
/// predicate form ``wait(timeout:until:)``, which does that for you.
/// Timeouts are measured on the monotonic clock, so changing the wall clock
/// never shortens or stretches a wait.
///
/// Bound to a ``RecursiveLock`` (Python's default), a condition may be
/// waited on by a thread that holds the lock several times over: the wait
/// releases every level, so other threads can take the lock, and takes them
/// all back before returning.
///
/// Waiting without holding the lock is a programmer error and traps with a
/// message (Python raises `RuntimeError`).
///
/// ## Differences from Python
/// - `Condition()` binds a new ``Lock`` here, the faster choice; Python's
///   binds an `RLock`. Pass a ``RecursiveLock`` for Python's behaviour.
/// - Python raises `RuntimeError` when `notify` is called without the lock
///   held; here it is allowed (and fragile: hold the lock).
public final class Condition: @unchecked Sendable {
    private let waitable: any WaitableLock
    private let condition = PThreadCondition()

    /// Creates a condition on `lock`, or on a new ``Lock``.
    public init(lock: Lock = Lock()) {
        waitable = lock
    }

    /// Creates a condition on a recursive lock, as Python's `Condition()` does.
    public init(lock: RecursiveLock) {
        waitable = lock
    }

    /// The lock that guards the state this condition is about.
    public var lock: any ConditionLock { waitable }

    /// Runs `body` holding the condition's lock.
    public func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try waitable.withLock(body)
    }

    /// Releases the lock (every level of a recursive one), blocks until
    /// notified (or woken spuriously), and takes the lock again before
    /// returning. The caller must hold the lock.
    ///
    /// The corresponding C function is `pthread_cond_wait`.
    public func wait() {
        _ = wait(until: .distantFuture)
    }

    /// Like ``wait()``, giving up after `timeout` on the monotonic clock.
    ///
    /// - Returns: `false` if the timeout passed (not an error); the lock is
    ///   held again in both cases.
    ///
    /// The corresponding C function is `pthread_cond_clockwait` on `CLOCK_MONOTONIC`.
    public func wait(timeout: Duration) -> Bool {
        wait(until: .after(timeout))
    }

    /// Waits until `predicate` is true, re-checking it after every wake-up,
    /// so spurious wake-ups never leak out (Python's `wait_for`).
    ///
    /// The caller must hold the lock; `predicate` runs with it held.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait in all, on the monotonic clock; `nil` waits forever.
    ///   - predicate: the state to wait for.
    /// - Returns: the predicate's last value: `false` only if the timeout passed first.
    @discardableResult
    public func wait<E: Error>(timeout: Duration? = nil, until predicate: () throws(E) -> Bool) throws(E) -> Bool {
        let deadline = timeout.map(Deadline.after) ?? .distantFuture
        while try !predicate() {
            if !wait(until: deadline) { return try predicate() }
        }
        return true
    }

    /// Wakes up to `count` threads waiting on this condition. Notifying when
    /// nobody waits is not an error: it does nothing.
    ///
    /// The caller should hold the lock, so that no waiter misses the change;
    /// unlike Python, which raises `RuntimeError`, notifying without it is
    /// not checked.
    ///
    /// The corresponding C function is `pthread_cond_signal`.
    public func notify(count: Int = 1) {
        for _ in 0..<max(count, 0) { condition.signal() }
    }

    /// Wakes every thread waiting on this condition. Like ``notify(count:)``,
    /// it should be called holding the lock.
    ///
    /// The corresponding C function is `pthread_cond_broadcast`.
    public func notifyAll() {
        condition.broadcast()
    }

    private func wait(until deadline: Deadline) -> Bool {
        guard let levels = waitable.suspendOwnership() else {
            preconditionFailure("Condition.wait: the calling thread does not hold the condition's lock")
        }
        defer { waitable.resumeOwnership(levels: levels) }
        return condition.wait(on: waitable.mutex, until: deadline)
    }
}
