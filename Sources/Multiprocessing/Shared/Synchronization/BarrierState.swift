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

/// Where a ``ProcessBarrier``'s fields sit in its segment.
struct BarrierLayout: Sendable {
    let parties: Int
    let segment: SegmentLayout
    /// The internal robust mutex that guards the fields below.
    let mutex: Int
    /// The round number: advanced (and woken) when a round passes or breaks.
    let round: Int
    let arrived: Int
    let broken: Int
    /// Per slot: a ``BarrierState/SlotState``.
    let slotState: Int
    /// Per slot: the round of the party using it.
    let slotRound: Int
    /// Per slot: a robust mutex its waiting party holds.
    let slots: Int
    let slotStride = RobustMutex.size

    init(parties: Int) {
        self.parties = parties
        var layout = SegmentLayout()
        mutex = layout.reserveMutex()
        round = layout.reserveWord()
        arrived = layout.reserve(UInt32.self)
        broken = layout.reserve(UInt32.self)
        slotState = layout.reserve(UInt32.self, count: parties)
        slotRound = layout.reserve(UInt32.self, count: parties)
        slots = layout.reserve(RobustMutex.size * parties, alignment: RobustMutex.alignment)
        segment = layout
    }

    func initialize(_ base: UnsafeMutableRawPointer) {
        _ = RobustMutex.initialize(at: base + mutex, recursive: false)
        for slot in 0..<parties {
            _ = RobustMutex.initialize(at: base + slots + slot * slotStride, recursive: false)
        }
    }
}

/// The shared state of a ``ProcessBarrier`` and the steps of a wait.
///
/// The fields are read and written holding the internal robust mutex; the
/// round word is also read without it by sleepers. A robust mutex's first
/// word is its futex word (glibc's `__lock`): the holder's thread id, bit 31
/// when someone may wait on it, bit 30 once the kernel found its holder dead.
struct BarrierState {
    let layout: BarrierLayout
    let base: UnsafeMutableRawPointer

    private static let waitersBit: UInt32 = 0x8000_0000
    private static let ownerDiedBit: UInt32 = 0x4000_0000

    /// What a slot is doing.
    enum SlotState: UInt32 {
        case free = 0
        /// A party of the slot's round waits in it.
        case waiting
        /// Its party's round broke: the party throws when it leaves.
        case broken
    }

    /// What ``arrive()`` decided.
    enum Arrival {
        case broken
        /// The last party: the round passed.
        case last(index: Int)
        /// Sleep until the round passes, holding `slot`.
        case waiting(index: Int, round: UInt32, slot: Int)
    }

    // MARK: Fields

    private var mutex: RobustMutex { RobustMutex(at: base + layout.mutex) }
    private var roundWord: SharedWord { SharedWord(base + layout.round) }
    private func slotMutex(_ slot: Int) -> RobustMutex { RobustMutex(at: slotAddress(slot)) }
    private func slotAddress(_ slot: Int) -> UnsafeMutableRawPointer { base + layout.slots + slot * layout.slotStride }

    private func field(_ offset: Int, at index: Int = 0) -> UInt32 {
        base.load(fromByteOffset: offset + 4 * index, as: UInt32.self)
    }

    private func setField(_ offset: Int, at index: Int = 0, to value: UInt32) {
        base.storeBytes(of: value, toByteOffset: offset + 4 * index, as: UInt32.self)
    }

    private func slotState(_ slot: Int) -> SlotState {
        SlotState(rawValue: field(layout.slotState, at: slot)) ?? .free
    }

    private func setSlotState(_ slot: Int, _ state: SlotState) {
        setField(layout.slotState, at: slot, to: state.rawValue)
    }

    var arrived: Int { Int(field(layout.arrived)) }
    var isBroken: Bool { field(layout.broken) != 0 }
    private var round: UInt32 { roundWord.load() }

    // MARK: The lock

    /// Runs `body` holding the internal mutex. A party that died holding it
    /// may have left the fields half-updated: the barrier breaks first.
    ///
    /// Taking the mutex also sets its waiters bit, so that if this process
    /// dies holding it, the kernel wakes a sleeper (sleepers watch it).
    func withLock<R>(_ body: (inout BarrierState) -> R) -> R {
        var state = self
        let acquisition = mutex.lock()
        SharedWord(base + layout.mutex).setBits(Self.waitersBit)
        switch acquisition {
        case .acquired: break
        case .ownerDied: state.breakRound()
        case .unavailable, .failed: preconditionFailure("ProcessBarrier: its internal lock failed: \(acquisition)")
        }
        defer { _ = mutex.unlock() }
        return body(&state)
    }

    // MARK: Steps (holding the lock)

    /// Counts a new arrival; the last one passes the round.
    mutating func arrive() -> Arrival {
        reclaimDeadSlots()
        guard !isBroken else { return .broken }
        let round = self.round
        let index = arrived
        if index + 1 == layout.parties {
            setField(layout.arrived, to: 0)
            advanceRound()
            return .last(index: index)
        }
        setField(layout.arrived, to: UInt32(index + 1))
        return .waiting(index: index, round: round, slot: claimSlot(round: round))
    }

    /// Frees the slot of a leaving party; `true` if its round passed.
    mutating func leave(slot: Int) -> Bool {
        _ = slotMutex(slot).unlock()
        let passed = slotState(slot) != .broken
        setSlotState(slot, .free)
        return passed
    }

    /// Breaks the current round: its waiters throw, later waits throw until reset.
    mutating func breakRound() {
        setField(layout.broken, to: 1)
        let current = round
        for slot in 0..<layout.parties where slotState(slot) == .waiting && field(layout.slotRound, at: slot) == current
        {
            setSlotState(slot, .broken)
        }
        setField(layout.arrived, to: 0)
        advanceRound()
    }

    /// Makes the barrier fresh; parties waiting now leave broken.
    mutating func reset() {
        if arrived > 0 {
            breakRound()
        }
        setField(layout.broken, to: 0)
        setField(layout.arrived, to: 0)
    }

    private func advanceRound() {
        roundWord.add(1)
        roundWord.wake()
    }

    /// Takes a free slot (or one a dead party left) for a party of `round`.
    private mutating func claimSlot(round: UInt32) -> Int {
        for slot in 0..<layout.parties where slotState(slot) == .free {
            switch slotMutex(slot).tryLock() {
            case .acquired, .ownerDied:
                // If this process dies while it sleeps, the kernel must wake a
                // sleeper: it does so only for a word with the waiters bit.
                SharedWord(slotAddress(slot)).setBits(Self.waitersBit)
                setSlotState(slot, .waiting)
                setField(layout.slotRound, at: slot, to: round)
                return slot
            case .unavailable, .failed:
                continue
            }
        }
        preconditionFailure("ProcessBarrier: no free slot for a waiting party")
    }

    /// Frees the slots of dead parties; a dead party of the current round breaks it.
    private mutating func reclaimDeadSlots() {
        let current = round
        for slot in 0..<layout.parties where slotState(slot) != .free {
            guard SharedWord(slotAddress(slot)).load() & Self.ownerDiedBit != 0 else { continue }
            if slotState(slot) == .waiting, field(layout.slotRound, at: slot) == current {
                breakRound()
            }
            if case .ownerDied = slotMutex(slot).tryLock() {
                _ = slotMutex(slot).unlock()
                setSlotState(slot, .free)
            }
        }
    }

    // MARK: Sleeping (without the lock)

    /// Sleeps until round `round` is over (passed or broken) or `deadline`
    /// passes, which breaks it. Returns `false` if this party's timeout broke it.
    func sleep(round: UInt32, until deadline: Deadline) -> Bool {
        let watched = [base + layout.round, base + layout.mutex] + (0..<layout.parties).map(slotAddress)
        while self.round == round {
            let expected = watched.map { SharedWord($0).load() }
            guard expected[0] == round else { break }
            if expected.dropFirst().contains(where: { $0 & Self.ownerDiedBit != 0 }) {
                // Someone died holding the lock or a slot: look closer.
                withLock { $0.reclaimDeadSlots() }
                continue
            }
            let (outcome, _) = Futex.waitAny(
                Array(zip(watched, expected)).map { (word: $0.0, expected: $0.1) },
                until: deadline)
            if outcome == .timedOut {
                return withLock { state in
                    guard state.round == round else { return true }
                    state.breakRound()
                    return false
                }
            }
        }
        return true
    }
}
