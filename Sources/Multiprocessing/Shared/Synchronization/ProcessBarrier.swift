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

/// A meeting point for a fixed number of threads in several processes,
/// Python's `multiprocessing.Barrier`, with ``Barrier``'s API.
///
/// ```swift
/// let barrier = try ProcessBarrier(parties: 3)
/// // in each of 3 processes:
/// let index = try barrier.wait()   // 0, 1 or 2: the order of arrival
/// ```
///
/// ## Breaking
/// As with ``Barrier``, the barrier breaks on ``abort()``, when a waiter's
/// timeout passes, or on ``reset()`` while parties wait; every party waiting
/// then, and every later caller, gets ``BarrierError/broken`` until
/// ``reset()``. It also breaks when **a party dies while it waits** (killed,
/// crashed): the others throw ``BarrierError/broken`` at once instead of
/// waiting forever for a round that can never complete. (Python's
/// `multiprocessing.Barrier` hangs then.)
///
/// ## How a death is noticed
/// Each waiting party holds a robust mutex of its own (its *slot*) while it
/// sleeps; the others sleep on all slots at once (`futex_waitv`, Linux 5.16
/// or later). When a process dies, the kernel marks every robust mutex it
/// held and wakes a sleeper on it, which breaks the barrier for everyone.
/// This is why a barrier has at most 126 parties. A party killed while it
/// updates the barrier's bookkeeping (a few instructions under an internal
/// lock) breaks it the same way.
public final class ProcessBarrier: Sendable {
    /// How many parties must call ``wait(timeout:)`` to pass.
    public let parties: Int
    let memory: SharedMemory
    private let layout: BarrierLayout

    /// The most parties a barrier can have (`futex_waitv` watches at most
    /// 128 words: the round, the internal lock, and one slot per party).
    public static let maximumParties = Futex.waitAnyLimit - 2

    /// Creates a barrier for `parties` parties (1 to ``maximumParties``;
    /// anything else traps, as with ``Barrier``).
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init(parties: Int) throws(SharedMemoryError) {
        precondition(
            (1...Self.maximumParties).contains(parties),
            "a process barrier needs 1...\(Self.maximumParties) parties, got \(parties)")
        self.parties = parties
        let layout = BarrierLayout(parties: parties)
        memory = try .forObject(
            SegmentHeader(kind: .barrier, parameters: (UInt64(parties), 0, 0)),
            layout: layout.segment)
        self.layout = layout
        layout.initialize(memory.baseAddress)
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        let header = try SegmentHeader.read(from: memory, expecting: .barrier)
        let parties = Int(header.parameters.0)
        guard (1...Self.maximumParties).contains(parties) else {
            throw .mismatchedSegment("a barrier of \(parties) parties")
        }
        let layout = BarrierLayout(parties: parties)
        guard memory.size >= layout.segment.size else { throw .mismatchedSegment("too small for a barrier") }
        self.parties = parties
        self.memory = memory
        self.layout = layout
    }

    private var state: BarrierState { BarrierState(layout: layout, base: memory.baseAddress) }

    /// How many parties wait at the barrier now.
    public var waitingCount: Int {
        state.withLock { $0.isBroken ? 0 : $0.arrived }
    }

    /// Whether the barrier is broken.
    public var isBroken: Bool {
        state.withLock { $0.isBroken }
    }

    /// Blocks until all ``parties`` have called `wait`.
    ///
    /// - Parameter timeout: how long to wait on the monotonic clock; `nil`
    ///   waits forever. When it passes, the barrier breaks for everyone.
    /// - Returns: this party's arrival index, from 0 (first) to `parties - 1` (last).
    /// - Throws: ``BarrierError/broken`` if the barrier is or becomes broken,
    ///   a waiting party's death included.
    @discardableResult
    public func wait(timeout: Duration? = nil) throws(BarrierError) -> Int {
        let deadline = timeout.map(Deadline.after) ?? .distantFuture
        let state = self.state
        let arrival: BarrierState.Arrival = state.withLock { $0.arrive() }
        switch arrival {
        case .broken:
            throw .broken
        case .last(let index):
            return index
        case .waiting(let index, let round, let slot):
            let passed = state.sleep(round: round, until: deadline)
            let released = state.withLock { $0.leave(slot: slot) }
            guard passed && released else { throw .broken }
            return index
        }
    }

    /// Breaks the barrier: current and later waiters get
    /// ``BarrierError/broken`` until ``reset()``.
    public func abort() {
        state.withLock { $0.breakRound() }
    }

    /// Returns the barrier to its initial state. Parties waiting at it now get
    /// ``BarrierError/broken``; resetting a broken barrier repairs it.
    public func reset() {
        state.withLock { $0.reset() }
    }
}

extension ProcessBarrier: Codable {
    public func encode(to encoder: any Encoder) throws { try memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
