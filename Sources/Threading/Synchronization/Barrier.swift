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

/// A meeting point for a fixed number of threads, Python's `threading.Barrier`.
///
/// Each of `parties` threads calls ``wait(timeout:)``; all block until the
/// last arrives, then all go on together and the barrier is ready for the
/// next round.
///
/// ```swift
/// let barrier = Barrier(parties: 3)
/// // in each of 3 threads:
/// let index = try barrier.wait()   // 0, 1 or 2: the order of arrival
/// if index == 0 { print("first to arrive") }
/// ```
///
/// ## Breaking
/// A barrier breaks when ``abort()`` is called, when a waiter's timeout
/// passes, or when ``reset()`` is called while threads wait. Every thread
/// waiting then, and every later caller, gets ``BarrierError/broken`` until
/// ``reset()``. Timeouts are on the monotonic clock.
public final class Barrier: @unchecked Sendable {
    private enum Phase {
        /// Threads are arriving.
        case filling
        /// The last thread arrived; the others are leaving.
        case draining
        /// ``reset()`` was called while threads waited; they are leaving broken.
        case resetting
        case broken
    }

    /// How many threads must call ``wait(timeout:)`` to pass.
    public let parties: Int
    /// How long ``wait(timeout:)`` waits when given no timeout; `nil`: forever.
    public let defaultTimeout: Duration?
    private let action: (@Sendable () -> Void)?
    private let lock = Lock()
    private let condition: Condition
    private var phase = Phase.filling  // guarded by `lock`
    private var inside = 0  // threads inside `wait`, guarded by `lock`

    /// Creates a barrier for `parties` threads (at least 1; fewer traps).
    ///
    /// - Parameters:
    ///   - timeout: how long a ``wait(timeout:)`` given no timeout of its own
    ///     waits before it breaks the barrier (Python's `timeout=`); `nil`:
    ///     forever.
    ///   - action: runs once per round on the last thread to arrive, before
    ///     any thread is released.
    public init(parties: Int, timeout: Duration? = nil, action: (@Sendable () -> Void)? = nil) {
        precondition(parties >= 1, "a barrier needs at least one party, got \(parties)")
        self.parties = parties
        self.defaultTimeout = timeout
        self.action = action
        self.condition = Condition(lock: lock)
    }

    /// How many threads wait at the barrier now.
    public var waitingCount: Int {
        lock.withLock { phase == .filling ? inside : 0 }
    }

    /// Whether the barrier is broken.
    public var isBroken: Bool {
        lock.withLock { phase == .broken }
    }

    /// Blocks until all ``parties`` threads have called `wait`.
    ///
    /// - Parameter timeout: how long to wait on the monotonic clock; `nil`
    ///   waits for the barrier's ``defaultTimeout`` (by default forever). When
    ///   it passes, the barrier breaks for everyone.
    /// - Returns: this thread's arrival index, from 0 (first) to `parties - 1` (last).
    /// - Throws: ``BarrierError/broken`` if the barrier is or becomes broken.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(BarrierError) -> Int {
        try lock.withLock { () throws(BarrierError) -> Int in
            // Wait while the previous round drains or resets.
            condition.wait { phase == .filling || phase == .broken }
            guard phase == .filling else { throw .broken }
            let index = inside
            inside += 1
            defer {
                inside -= 1
                leave()
            }
            if index + 1 == parties {
                action?()
                phase = .draining
                condition.notifyAll()
            } else {
                let passed = condition.wait(timeout: timeout ?? defaultTimeout) { phase != .filling }
                if !passed { breakBarrier() }
                guard phase == .draining else { throw .broken }
            }
            return index
        }
    }

    /// Breaks the barrier: current and later waiters get ``BarrierError/broken``
    /// until ``reset()``. Use it to stop threads that wait for a party that
    /// will never arrive.
    public func abort() {
        lock.withLock { breakBarrier() }
    }

    /// Returns the barrier to its initial state. Threads waiting at it now get
    /// ``BarrierError/broken``; resetting a broken barrier repairs it.
    public func reset() {
        lock.withLock {
            if inside > 0 {
                if phase == .filling || phase == .broken { phase = .resetting }
            } else {
                phase = .filling
            }
            condition.notifyAll()
        }
    }

    /// Called holding the lock.
    private func breakBarrier() {
        phase = .broken
        condition.notifyAll()
    }

    /// Called holding the lock by each thread leaving `wait`.
    private func leave() {
        if inside == 0, phase == .draining || phase == .resetting {
            phase = .filling
            condition.notifyAll()
        }
    }
}
