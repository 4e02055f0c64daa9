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

/// A condition variable that threads of several processes share, bound to a
/// ``ProcessLock``: Python's `multiprocessing.Condition`, with
/// ``Condition``'s API.
///
/// ```swift
/// let ready = try ProcessCondition()
/// // a consumer process
/// try ready.withLock {
///     try ready.wait(until: { shared.load() > 0 })
/// }
/// // a producer process
/// try ready.withLock {
///     shared.store(1)
///     ready.notifyAll()
/// }
/// ```
///
/// ## Built to survive dead processes
/// glibc's process-shared `pthread_cond_t` keeps waiter bookkeeping in the
/// shared memory, and a waiter killed inside `pthread_cond_wait` can leave it
/// wedged for everyone. This condition keeps no waiter state at all: it is
/// one counter that every notify advances, and waiters sleep on it with a
/// futex. A waiter killed in its wait leaves nothing behind; a holder of the
/// condition's lock killed at any point is reported to the next taker as
/// ``LockOwnerDied`` (see ``ProcessLock``), including to a waiter taking the
/// lock back at the end of its wait.
///
/// ## Rules
/// Hold ``lock`` around waits and notifies (waiting without it traps, as
/// with ``Condition``). A plain ``wait()`` may return without a notify
/// (spuriously), and a ``notify(count:)`` may wake a few more waiters than
/// `count` when they raced it: loop on your state, or use
/// ``wait(timeout:until:)``, which does. Timeouts are on the monotonic clock.
public final class ProcessCondition: Sendable {
    /// The lock that guards the state this condition is about.
    public let lock: ProcessLock
    let memory: SharedMemory
    /// Advanced by every notify; waiters sleep while it holds the value they read.
    private let sequence: SharedWord

    private static func layout() -> (SegmentLayout, sequence: Int) {
        var layout = SegmentLayout()
        let sequence = layout.reserveWord()
        return (layout, sequence)
    }

    /// Creates a condition on `lock`, or on a new ``ProcessLock``.
    public init(lock: ProcessLock? = nil) throws(SharedMemoryError) {
        if let lock {
            self.lock = lock
        } else {
            self.lock = try ProcessLock()
        }
        let (layout, offset) = Self.layout()
        memory = try .forObject(SegmentHeader(kind: .condition), layout: layout)
        sequence = SharedWord(memory.baseAddress + offset)
    }

    init(lock: ProcessLock, memory: SharedMemory) throws(SharedMemoryError) {
        _ = try SegmentHeader.read(from: memory, expecting: .condition)
        let (layout, offset) = Self.layout()
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for a condition") }
        self.lock = lock
        self.memory = memory
        sequence = SharedWord(memory.baseAddress + offset)
    }

    /// Runs `body` holding the condition's lock (see ``ProcessLock/withLock(_:)``).
    public func withLock<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        try lock.withLock(body)
    }

    /// Releases the lock, blocks until notified (or woken spuriously), and
    /// takes the lock again before returning. The caller must hold the lock.
    ///
    /// - Throws: ``LockOwnerDied`` if, when taking the lock back, its
    ///   previous holder had died holding it; the caller holds it then.
    ///
    /// The corresponding C function is `futex(FUTEX_WAIT_BITSET)`.
    public func wait() throws(LockOwnerDied) {
        _ = try wait(until: .distantFuture)
    }

    /// Like ``wait()``, giving up after `timeout` on the monotonic clock.
    ///
    /// - Returns: `false` if the timeout passed (not an error); the lock is
    ///   held again in both cases.
    /// - Throws: ``LockOwnerDied``, with the lock held.
    public func wait(timeout: Duration) throws(LockOwnerDied) -> Bool {
        try wait(until: .after(timeout))
    }

    /// Waits until `predicate` is true, re-checking it after every wake-up
    /// (Python's `wait_for`). The caller must hold the lock; `predicate`
    /// runs with it held.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait in all; `nil` waits forever.
    ///   - predicate: the state to wait for.
    /// - Returns: the predicate's last value: `false` only if the timeout passed first.
    /// - Throws: ``LockOwnerDied`` (with the lock held), or what `predicate` throws.
    @discardableResult
    public func wait<E: Error>(timeout: Duration? = nil, until predicate: () throws(E) -> Bool) throws -> Bool {
        let deadline = timeout.map(Deadline.after) ?? .distantFuture
        while try !predicate() {
            if try !wait(until: deadline) { return try predicate() }
        }
        return true
    }

    /// Wakes up to `count` processes' threads waiting on this condition
    /// (a few more if they raced this call: see the type's rules). Notifying
    /// when nobody waits is not an error. The caller should hold the lock.
    ///
    /// The corresponding C function is `futex(FUTEX_WAKE)`.
    public func notify(count: Int = 1) {
        guard count > 0 else { return }
        sequence.add(1)
        sequence.wake(Int32(clamping: count))
    }

    /// Wakes every thread, in every process, waiting on this condition.
    public func notifyAll() {
        sequence.add(1)
        sequence.wake()
    }

    private func wait(until deadline: Deadline) throws(LockOwnerDied) -> Bool {
        let observed = sequence.load()  // read holding the lock: no notify is missed
        lock.unlock()  // traps if the caller does not hold it
        let outcome = sequence.wait(whileEqualTo: observed, until: deadline)
        try lock.lock()
        return outcome != .timedOut
    }
}

extension ProcessCondition: Codable {
    private enum CodingKeys: String, CodingKey {
        case lock, condition
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lock, forKey: .lock)
        try container.encode(memory, forKey: .condition)
    }

    public convenience init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            lock: container.decode(ProcessLock.self, forKey: .lock),
            memory: container.decode(SharedSegmentReference.self, forKey: .condition).memory)
    }
}
