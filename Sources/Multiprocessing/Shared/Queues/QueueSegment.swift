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
/// of length-prefixed encoded elements in one segment, with a producers'
/// side and a consumers' side (``ProducerSide``, ``ConsumerSide``), each
/// guarded by its own ``LockWord`` (which survives a dead holder), and three
/// ``ChangeSignal``s to sleep on.
///
/// ## Two sides that never wait for each other
/// Producers hold the producers' lock, consumers the consumers' lock, so a
/// put and a get never contend, and one producer streaming to one consumer
/// takes two locks that never leave their own processors' caches. The sides
/// meet in two published positions, each written by one side and read by
/// the other without a lock, on cache lines of their own: the producers'
/// `writeEnd` (the stream position up to which records are complete) and
/// the consumers' `readEnd` (up to which records were taken, so their bytes
/// are free again), next to the count of elements taken (for `maxSize`).
/// Each side keeps a copy of what it last read of the other's, on its own
/// cache line, and reads the other's line only when that copy says the ring
/// is full (or empty): in a steady stream a side reads the other's line once
/// per batch of elements that arrived meanwhile, as single-producer rings
/// do. A record's bytes are written before `writeEnd` passes them and read
/// after loading it (release and acquire), and likewise for `readEnd` and
/// the free bytes behind it. Both positions are stored in the total order
/// of sequentially consistent operations, which is what lets the other side
/// sleep without sharing a lock (see ``ChangeSignal``): nobody sleeps or
/// makes a system call while the queue is neither empty nor full.
///
/// ## Surviving a killed producer or consumer
/// Each side's counters (the producers' write position and elements put;
/// the consumers' read position, elements taken and elements dropped by an
/// immediate shutdown) live in two copies, and the current copy is the one
/// whose position equals the side's published position. A put writes its
/// record into free space past `writeEnd`, which no one reads, and its new
/// counters into the other copy; a get copies its record out and writes its
/// new counters into the other copy. Only then does either move its
/// published position (one atomic store) — the commit, which also makes the
/// other copy the current one, since positions only grow. A process killed
/// at any point before that store leaves the current copy untouched: its
/// half-written record is free space again, its half-read one is still
/// queued. One killed after it has finished its put or get. The next
/// process to take the side's lock learns that its holder died (see
/// ``LockWord``) and goes on. The one thing to repair is the consumers'
/// published count of elements taken, stored just after the commit: a
/// consumer killed in between leaves producers of a bounded queue counting
/// one element too many (they may wait for room that is there), so the next
/// consumer stores it again and wakes them. A consumer killed after its get
/// took the element loses it, as any receiver that dies after receiving
/// does.
///
/// Nobody's waits are recorded in the segment (see ``ChangeSignal``), so a
/// process killed while it waits leaves nothing behind either.
///
/// ## Both sides at once
/// The shutdown flag is set holding the producers' lock, so every put
/// either committed before it or sees it, and a get that finds the queue
/// empty and the flag set knows nothing more will come. Whatever needs both
/// sides' counters (``count``, ``shutdown(immediate:)``, `taskDone()` and
/// `join()`: unfinished tasks are elements put minus those dropped minus
/// those marked done) takes the producers' lock first, then the consumers'.
struct QueueSegment: @unchecked Sendable {
    let memory: SharedMemory
    let capacity: Int
    let maxSize: Int
    let producers: ProducerSide
    let consumers: ConsumerSide
    let ring: QueueRing
    /// 1 once the queue is shut down; set holding the producers' lock.
    let shutDownFlag: SharedWord
    /// How this process's puts that find the queue full, and its gets that
    /// find it empty, look again before they sleep: a producer and a
    /// consumer that keep pace with each other then pay no sleep and
    /// wake-up (microseconds, and a system call for the other side) per
    /// element. The other side is taken to be another process.
    let putSpin = SpinPolicy(peers: .inOtherProcesses, yields: 64, longestSpin: .microseconds(20))
    let getSpin = SpinPolicy(peers: .inOtherProcesses, yields: 64, longestSpin: .microseconds(20))

    /// Advanced by puts that find sleepers, and by shutdown: consumers sleep on it.
    var elementPut: ChangeSignal { producers.elementPut }
    /// Advanced by gets that find sleepers, and by shutdown: producers of a full queue sleep on it.
    var elementTaken: ChangeSignal { consumers.elementTaken }
    /// Advanced when the last unfinished task is done: joiners sleep on it.
    var tasksDone: ChangeSignal { consumers.tasksDoneSignal }

    private struct Offsets {
        var layout = SegmentLayout()
        let producers, consumers, shutDown, ring: Int

        init(capacity: Int) {
            // Each side's area on cache lines of its own (see the sides);
            // the flag, written once and read by both, on another.
            producers = layout.reserve(ProducerSide.size, alignment: 64)
            consumers = layout.reserve(ConsumerSide.size, alignment: 64)
            shutDown = layout.reserve(64, alignment: 64)
            ring = layout.reserve(capacity, alignment: 64)
        }
    }

    private static func header(capacity: Int, maxSize: Int, joinable: Bool) -> SegmentHeader {
        SegmentHeader(kind: .queue, parameters: (UInt64(capacity), UInt64(maxSize), joinable ? 1 : 0))
    }

    init(capacity: Int, maxSize: Int, joinable: Bool, typeName: String) throws(SharedMemoryError) {
        precondition(maxSize >= 0, "\(typeName): maxSize must not be negative, got \(maxSize)")
        precondition(
            capacity > QueueRing.headerSize,
            "\(typeName): capacityBytes must exceed \(QueueRing.headerSize), got \(capacity)")
        let offsets = Offsets(capacity: capacity)
        let memory = try SharedMemory.forObject(
            Self.header(capacity: capacity, maxSize: maxSize, joinable: joinable),
            layout: offsets.layout)
        self.init(memory: memory, offsets: offsets, capacity: capacity, maxSize: maxSize)
    }

    init(memory: SharedMemory, joinable: Bool) throws(SharedMemoryError) {
        let header = try SegmentHeader.read(from: memory, expecting: .queue)
        guard (header.parameters.2 == 1) == joinable else {
            throw .mismatchedSegment(joinable ? "it holds a ProcessQueue" : "it holds a JoinableProcessQueue")
        }
        let capacity = Int(header.parameters.0)
        let offsets = Offsets(capacity: capacity)
        guard capacity > QueueRing.headerSize, memory.size >= offsets.layout.size else {
            throw .mismatchedSegment("too small for a queue of \(capacity) bytes")
        }
        self.init(memory: memory, offsets: offsets, capacity: capacity, maxSize: Int(header.parameters.1))
    }

    private init(memory: SharedMemory, offsets: Offsets, capacity: Int, maxSize: Int) {
        let base = memory.baseAddress
        self.memory = memory
        self.capacity = capacity
        self.maxSize = maxSize
        producers = ProducerSide(base + offsets.producers)
        consumers = ConsumerSide(base + offsets.consumers, maxSize: maxSize)
        ring = QueueRing(base: base + offsets.ring, capacity: capacity)
        shutDownFlag = SharedWord(base + offsets.shutDown)
    }
}
