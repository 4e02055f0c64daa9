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

// The two sides of a process queue (see `QueueSegment` for the design):
// each a lock, two copies of its counters, its copy of what the other side
// published, and what it publishes to the other side. Each side's fields
// sit at fixed offsets in its own area of the segment: a side is one
// address, cheap to pass around.

/// The producers' side of a ``QueueSegment``: a cache line only producers
/// touch, then the one consumers read.
struct ProducerSide {
    /// The producers' counters (one copy).
    struct Counters {
        /// Bytes ever written: the ring offset is this modulo the capacity.
        var writePosition: UInt64
        var elementsPut: UInt64
    }

    /// The bytes the side takes in the segment, 64-byte aligned.
    static var size: Int { 128 }

    private let base: UnsafeMutableRawPointer

    init(_ base: UnsafeMutableRawPointer) {
        assert(LockWord.size + 2 * MemoryLayout<Counters>.stride <= 48, "the producers' copies overlap their caches")
        self.base = base
    }

    var lock: LockWord { LockWord(base) }
    private var copies: CounterCopies<Counters> { CounterCopies(base + LockWord.size) }
    /// What the producers last read of the consumers' `readEnd` and `taken`
    /// (never ahead of them): room is looked up there first.
    var cachedReadEnd: SharedPosition { SharedPosition(base + 48) }
    var cachedTaken: SharedPosition { SharedPosition(base + 56) }
    /// Where complete records end: the commit of every put, which consumers read.
    var writeEnd: SharedPosition { SharedPosition(base + 64) }
    /// Advanced by puts that find sleepers, and by shutdown: consumers sleep on it.
    var elementPut: ChangeSignal { ChangeSignal(base + 72) }

    /// Runs `body` holding the producers' lock. A holder that died left the
    /// counters as they were before its unfinished put: nothing to repair.
    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try lock.withLockSurvivingOwnerDeath(repairing: {}, body)
    }

    /// Holding the lock: the current counters and the index of their copy.
    @inline(__always)
    func current() -> (counters: Counters, index: Int) {
        copies.current(at: writeEnd.load(), \.writePosition)
    }

    /// Holding the lock: makes `counters` current, replacing copy `index`.
    /// The store of `writeEnd` is the commit.
    @inline(__always)
    func commit(_ counters: Counters, replacing index: Int) {
        copies.store(counters, otherThan: index)
        writeEnd.publish(counters.writePosition)
    }
}

/// The consumers' side of a ``QueueSegment``: two cache lines only
/// consumers (and joiners) touch, then the one producers read.
struct ConsumerSide {
    /// The consumers' counters (one copy).
    struct Counters {
        /// Bytes ever taken: the ring offset is this modulo the capacity.
        var readPosition: UInt64
        /// Elements taken by gets or dropped by an immediate shutdown.
        var elementsTaken: UInt64
        /// Elements dropped by an immediate shutdown that count as done
        /// (all of them, unless tasks were marked done ahead of their gets).
        var elementsDropped: UInt64
    }

    /// The bytes the side takes in the segment, 64-byte aligned.
    static var size: Int { 192 }

    private let base: UnsafeMutableRawPointer
    private let maxSize: Int

    init(_ base: UnsafeMutableRawPointer, maxSize: Int) {
        assert(LockWord.size + 2 * MemoryLayout<Counters>.stride <= 64, "the consumers' copies overlap their cache")
        self.base = base
        self.maxSize = maxSize
    }

    var lock: LockWord { LockWord(base) }
    private var copies: CounterCopies<Counters> { CounterCopies(base + LockWord.size) }
    /// What the consumers last read of the producers' `writeEnd` (never ahead of it).
    var cachedWriteEnd: SharedPosition { SharedPosition(base + 64) }
    /// Calls of `taskDone()` (``JoinableProcessQueue``), changed holding both sides' locks.
    var tasksDone: SharedPosition { SharedPosition(base + 72) }
    /// Advanced when the last unfinished task is done: joiners sleep on it.
    var tasksDoneSignal: ChangeSignal { ChangeSignal(base + 80) }
    /// Where the records taken end (their bytes are free): the commit of every get.
    var readEnd: SharedPosition { SharedPosition(base + 128) }
    /// `elementsTaken`, stored after each commit for producers that count
    /// against a `maxSize`.
    var taken: SharedPosition { SharedPosition(base + 136) }
    /// Advanced by gets that find sleepers, and by shutdown: producers of a full queue sleep on it.
    var elementTaken: ChangeSignal { ChangeSignal(base + 144) }

    /// Runs `body` holding the consumers' lock. A holder that died left the
    /// counters as they were before its unfinished get, but it may have died
    /// between its commit and storing `taken`: that is stored again, and
    /// producers waiting for room (which they may have counted wrongly) are
    /// woken to look again.
    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try lock.withLockSurvivingOwnerDeath(repairing: repairAfterOwnerDied, body)
    }

    private func repairAfterOwnerDied() {
        taken.publish(current().counters.elementsTaken)
        if elementTaken.signal() { elementTaken.wakeSleepers() }
    }

    /// Holding the lock: the current counters and the index of their copy.
    @inline(__always)
    func current() -> (counters: Counters, index: Int) {
        copies.current(at: readEnd.load(), \.readPosition)
    }

    /// Holding the lock: makes `counters` current, replacing copy `index`.
    /// The store of `readEnd` is the commit; `taken` follows, when
    /// producers need it (a bounded queue).
    @inline(__always)
    func commit(_ counters: Counters, replacing index: Int) {
        copies.store(counters, otherThan: index)
        readEnd.publish(counters.readPosition)
        #if DEBUG
            ProcessQueueTestHooks.afterGetCommit?()
        #endif
        if maxSize != 0 { taken.publish(counters.elementsTaken) }
    }
}

/// A side's counters in two copies, one after the other: the current copy
/// is the one whose position equals the side's published position (the
/// other is older, or a newer one not yet committed).
struct CounterCopies<Counters> {
    private let base: UnsafeMutableRawPointer

    init(_ base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// The copy whose position is `published`, and its index.
    @inline(__always)
    func current(at published: UInt64, _ position: KeyPath<Counters, UInt64>) -> (counters: Counters, index: Int) {
        let first = base.load(as: Counters.self)
        if first[keyPath: position] == published { return (first, 0) }
        return ((base + MemoryLayout<Counters>.stride).load(as: Counters.self), 1)
    }

    /// Stores `counters` in the copy that is not copy `index` (the current one).
    @inline(__always)
    func store(_ counters: Counters, otherThan index: Int) {
        (base + (1 - index) * MemoryLayout<Counters>.stride).storeBytes(of: counters, as: Counters.self)
    }
}
