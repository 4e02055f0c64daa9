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

/// The shared side of a ``ProcessQueue`` or ``JoinableProcessQueue``: a ring
/// of length-prefixed encoded elements in one segment, guarded by a
/// ``LockWord`` (which survives a dead holder), with three ``ChangeSignal``s
/// to sleep on.
///
/// ## Surviving a killed producer or consumer
/// The queue's counters live in two copies, and a word says which one is
/// current. A put writes its record into free space past the end, which no
/// one reads; a get copies its record out. Only then does either write the
/// new counters into the other copy and flip the word (one atomic store,
/// with release ordering) — the commit. A process killed at any point
/// before the flip leaves the current copy untouched: its half-written
/// record is free space again, its half-read one is still queued. A process
/// killed after the flip has finished its put or get. The next process to
/// take the lock learns that its holder died (see ``LockWord``) and simply
/// goes on: there is nothing to repair. A consumer killed after its get took the element loses it, as
/// any receiver that dies after receiving does.
///
/// Nobody's waits are recorded in the segment (see ``ChangeSignal``), so a
/// process killed while it waits leaves nothing behind either.
struct QueueSegment: @unchecked Sendable {
    let memory: SharedMemory
    let capacity: Int
    let maxSize: Int
    let joinable: Bool
    private let lock: LockWord
    private let activeCopy: SharedWord
    private let copies: UnsafeMutableRawPointer
    private let ring: UnsafeMutableRawPointer
    /// Advanced by every put, and by shutdown: consumers sleep on it.
    let elementPut: ChangeSignal
    /// Advanced by every get, and by shutdown: producers of a full queue sleep on it.
    let elementTaken: ChangeSignal
    /// Advanced when the last unfinished task is done: joiners sleep on it.
    let tasksDone: ChangeSignal

    /// The queue's counters (one copy).
    struct Counters {
        /// Bytes ever taken out / put in: the ring offsets are these modulo the capacity.
        var readPosition: UInt64
        var writePosition: UInt64
        var count: UInt64
        /// Elements put and not yet marked done (``JoinableProcessQueue``).
        var unfinished: UInt64
        var isShutDown: UInt64

        var usedBytes: Int { Int(writePosition &- readPosition) }
    }

    /// The bytes before each record: its length.
    static let recordHeaderSize = MemoryLayout<UInt32>.size

    private struct Offsets {
        var layout = SegmentLayout()
        let lock, active, copies, put, taken, done, ring: Int

        init(capacity: Int) {
            lock = layout.reserve(LockWord.size, alignment: 64)
            active = layout.reserveWord()
            copies = layout.reserve(Counters.self, count: 2)
            // Each signal on a cache line of its own: producers and consumers
            // touch different ones.
            put = layout.reserve(64, alignment: 64)
            taken = layout.reserve(64, alignment: 64)
            done = layout.reserve(64, alignment: 64)
            ring = layout.reserve(capacity, alignment: 64)
        }
    }

    private static func header(capacity: Int, maxSize: Int, joinable: Bool) -> SegmentHeader {
        SegmentHeader(kind: .queue, parameters: (UInt64(capacity), UInt64(maxSize), joinable ? 1 : 0))
    }

    init(capacity: Int, maxSize: Int, joinable: Bool, typeName: String) throws(SharedMemoryError) {
        precondition(maxSize >= 0, "\(typeName): maxSize must not be negative, got \(maxSize)")
        precondition(
            capacity > Self.recordHeaderSize,
            "\(typeName): capacityBytes must exceed \(Self.recordHeaderSize), got \(capacity)")
        let offsets = Offsets(capacity: capacity)
        let memory = try SharedMemory.forObject(
            Self.header(capacity: capacity, maxSize: maxSize, joinable: joinable),
            layout: offsets.layout)
        self.init(memory: memory, offsets: offsets, capacity: capacity, maxSize: maxSize, joinable: joinable)
    }

    init(memory: SharedMemory, joinable: Bool) throws(SharedMemoryError) {
        let header = try SegmentHeader.read(from: memory, expecting: .queue)
        guard (header.parameters.2 == 1) == joinable else {
            throw .mismatchedSegment(joinable ? "it holds a ProcessQueue" : "it holds a JoinableProcessQueue")
        }
        let capacity = Int(header.parameters.0)
        let offsets = Offsets(capacity: capacity)
        guard capacity > Self.recordHeaderSize, memory.size >= offsets.layout.size else {
            throw .mismatchedSegment("too small for a queue of \(capacity) bytes")
        }
        self.init(
            memory: memory, offsets: offsets, capacity: capacity,
            maxSize: Int(header.parameters.1), joinable: joinable)
    }

    private init(memory: SharedMemory, offsets: Offsets, capacity: Int, maxSize: Int, joinable: Bool) {
        let base = memory.baseAddress
        self.memory = memory
        self.capacity = capacity
        self.maxSize = maxSize
        self.joinable = joinable
        lock = LockWord(base + offsets.lock)
        activeCopy = SharedWord(base + offsets.active)
        copies = base + offsets.copies
        ring = base + offsets.ring
        elementPut = ChangeSignal(base + offsets.put)
        elementTaken = ChangeSignal(base + offsets.taken)
        tasksDone = ChangeSignal(base + offsets.done)
    }

    // MARK: Holding the lock

    /// Runs `body` holding the queue's lock. A holder that died left the
    /// counters as they were before its unfinished put or get: nothing to repair.
    @inline(__always)
    func withLock<R, E: Error>(_ body: (inout Transaction) throws(E) -> R) throws(E) -> R {
        switch lock.lock(until: .distantFuture) {
        case .acquired, .ownerDied: break
        case let other: preconditionFailure("a process queue's lock failed: \(other)")
        }
        defer { _ = lock.unlock() }
        var transaction = Transaction(segment: self)
        return try body(&transaction)
    }

    /// The queue seen while holding its mutex: the current counters, the
    /// ring, and the commit that publishes new counters.
    struct Transaction {
        fileprivate let segment: QueueSegment
        /// The counters as of the last commit.
        let counters: Counters

        fileprivate init(segment: QueueSegment) {
            self.segment = segment
            counters = segment.loadCounters(Int(segment.activeCopy.load()))
        }

        var freeBytes: Int { segment.capacity - counters.usedBytes }

        var hasRoomForAnElement: Bool {
            segment.maxSize == 0 || counters.count < UInt64(segment.maxSize)
        }

        /// Publishes `counters`: the one store that makes a put or get happen.
        mutating func commit(_ counters: Counters) {
            let inactive = 1 - Int(segment.activeCopy.load())
            (segment.copies + inactive * MemoryLayout<Counters>.stride).storeBytes(of: counters, as: Counters.self)
            segment.activeCopy.store(UInt32(inactive))
        }

        /// Copies `bytes` into the ring at the stream position `position`.
        func write(_ bytes: UnsafeRawBufferPointer, at position: UInt64) {
            guard !bytes.isEmpty else { return }
            let offset = Int(position % UInt64(segment.capacity))
            let first = min(bytes.count, segment.capacity - offset)
            (segment.ring + offset).copyMemory(from: bytes.baseAddress!, byteCount: first)
            if first < bytes.count {
                segment.ring.copyMemory(from: bytes.baseAddress! + first, byteCount: bytes.count - first)
            }
        }

        /// Copies `bytes.count` bytes out of the ring from `position`.
        func read(into bytes: UnsafeMutableRawBufferPointer, at position: UInt64) {
            guard !bytes.isEmpty else { return }
            let offset = Int(position % UInt64(segment.capacity))
            let first = min(bytes.count, segment.capacity - offset)
            bytes.baseAddress!.copyMemory(from: segment.ring + offset, byteCount: first)
            if first < bytes.count {
                (bytes.baseAddress! + first).copyMemory(from: segment.ring, byteCount: bytes.count - first)
            }
        }

        /// The payload length of the record at `position`, checked against what is queued.
        func recordLength(at position: UInt64, queuedBytes: Int) throws(ProcessQueueError) -> Int {
            var length: UInt32 = 0
            withUnsafeMutableBytes(of: &length) { read(into: $0, at: position) }
            let payload = Int(UInt32(littleEndian: length))
            guard payload <= queuedBytes - QueueSegment.recordHeaderSize else {
                throw .corruptSegment("a record claims \(payload) bytes, \(queuedBytes) are queued")
            }
            return payload
        }
    }

    private func loadCounters(_ index: Int) -> Counters {
        (copies + index * MemoryLayout<Counters>.stride).load(as: Counters.self)
    }
}
