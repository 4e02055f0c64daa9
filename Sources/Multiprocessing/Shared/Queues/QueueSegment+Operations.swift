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

#if DEBUG
    /// Test-only hooks that let a test kill a process at an exact point of a put
    /// or a get (the process is forked and single-threaded; the hook tells the
    /// test and blocks). Debug builds only.
    enum ProcessQueueTestHooks {
        /// Called holding the producers' lock with half of the record written.
        nonisolated(unsafe) static var midPut: (() -> Void)?
        /// Called holding the consumers' lock with the record copied out, before the commit.
        nonisolated(unsafe) static var midGet: (() -> Void)?
        /// Called holding the consumers' lock right after the commit, before
        /// the count of elements taken is published.
        nonisolated(unsafe) static var afterGetCommit: (() -> Void)?
    }
#endif

extension QueueSegment {
    /// What one attempt at a put or a get, holding its side's lock, came to.
    private enum Attempt {
        /// Done; the other side's sleepers are to be woken if `wakeOthers`.
        case done(wakeOthers: Bool)
        case shutDown
        /// No room (a put) or nothing queued (a get).
        case blocked
    }

    /// A record in the ring, seen holding the consumers' lock.
    struct Record {
        let ring: QueueRing
        /// Where the payload starts in the ring.
        let offset: Int
        let length: Int

        /// Copies the record's payload (`length` bytes) to `destination`.
        func copy(to destination: UnsafeMutableRawBufferPointer) {
            _ = ring.read(into: UnsafeMutableRawBufferPointer(rebasing: destination[..<length]), at: offset)
        }
    }

    /// Runs `attempt` until it is done: while it is blocked, looks again
    /// for as long as `spinPolicy` allows, then announces a sleeper on
    /// `waitSignal`, looks once more, and sleeps until the signal changes
    /// or `deadline` passes, after which one last look throws `timedOut`.
    /// Once done, wakes `doneSignal`'s sleepers if the attempt asked for it.
    /// The one waiting loop of puts and gets.
    private func repeatUntilDone(
        until deadline: Deadline, sleepingOn waitSignal: ChangeSignal, waking doneSignal: ChangeSignal,
        spinPolicy: SpinPolicy, timedOut: QueueError, _ attempt: () throws -> Attempt
    ) throws {
        var lastLook = false
        var spin: SpinWait?  // made when first blocked: most attempts succeed at once
        var announced: UInt32?
        while true {
            switch try attempt() {
            case .done(let wakeOthers):
                if wakeOthers { doneSignal.wakeSleepers() }
                spin?.finish()
                return
            case .shutDown:
                throw QueueError.shutDown
            case .blocked where lastLook:
                throw timedOut
            case .blocked:
                if let expected = announced {
                    announced = nil
                    if !waitSignal.wait(whileUnchanged: expected, until: deadline) { lastLook = true }
                } else {
                    // Made only now: a spin made for every attempt, most of
                    // which succeed at once, cost a stream a third of its rate.
                    if spin == nil { spin = SpinWait(spinPolicy) }
                    if !spin!.pause() || (deadline != .distantFuture && deadline.hasPassed) {
                        announced = waitSignal.prepareToWait()  // then one more look: no wake-up lost
                    }
                }
            }
        }
    }

    // MARK: Put

    /// Adds `element`, waiting for room until `deadline`: as its bytes if
    /// `raw` (a type of ``RawElements``), encoded otherwise.
    func put<Element: Encodable>(_ element: Element, raw: Bool, until deadline: Deadline) throws {
        if raw {
            // The 8-byte numbers (the common case) through a concrete
            // `UInt64`, which the generic caller need not reach through metadata.
            if MemoryLayout<Element>.size == MemoryLayout<UInt64>.size {
                var bytes = unsafeBitCast(element, to: UInt64.self)
                return try withUnsafeBytes(of: &bytes) { try put(payload: $0, until: deadline) }
            }
            return try withUnsafeBytes(of: element) { try put(payload: $0, until: deadline) }
        }
        var encoded: [UInt8] = []
        try MessageCoding.encode(element, appendingTo: &encoded)
        try encoded.withUnsafeBytes { try put(payload: $0, until: deadline) }
    }

    /// Adds one record of `payload`, waiting for room until `deadline`.
    private func put(payload: UnsafeRawBufferPointer, until deadline: Deadline) throws {
        let recordSize = QueueRing.headerSize + payload.count
        guard recordSize <= capacity else {
            throw ProcessQueueError.elementTooLarge(byteCount: recordSize, capacity: capacity)
        }
        try repeatUntilDone(
            until: deadline, sleepingOn: elementTaken, waking: elementPut, spinPolicy: putSpin, timedOut: .full
        ) {
            () throws(QueueError) in
            try producers.withLock { () throws(QueueError) in try tryPut(payload, until: deadline) }
        }
    }

    /// Holding the producers' lock: one attempt at a put.
    private func tryPut(_ payload: UnsafeRawBufferPointer, until deadline: Deadline) throws(QueueError) -> Attempt {
        guard !isShutDown else { return .shutDown }
        var (counters, index) = producers.current()
        let recordSize = UInt64(QueueRing.headerSize + payload.count)
        guard hasRoom(for: recordSize, counters) else {
            if deadline == .immediately { throw .full }
            return .blocked
        }
        let payloadOffset = ring.writeHeader(payloadLength: payload.count, at: ring.offset(of: counters.writePosition))
        #if DEBUG
            if let hook = ProcessQueueTestHooks.midPut {
                _ = ring.write(UnsafeRawBufferPointer(rebasing: payload[..<(payload.count / 2)]), at: payloadOffset)
                hook()
            }
        #endif
        _ = ring.write(payload, at: payloadOffset)
        counters.writePosition &+= recordSize
        counters.elementsPut &+= 1
        producers.commit(counters, replacing: index)
        return .done(wakeOthers: elementPut.signal())
    }

    /// Holding the producers' lock: whether a record of `recordSize` bytes
    /// fits, judged by what the producers last saw of the consumers' side,
    /// then (if not) by what the consumers published since.
    @inline(__always)
    private func hasRoom(for recordSize: UInt64, _ counters: ProducerSide.Counters) -> Bool {
        func fits(readEnd: UInt64, taken: UInt64) -> Bool {
            counters.writePosition &- readEnd &+ recordSize <= UInt64(capacity)
                && (maxSize == 0 || counters.elementsPut &- taken < UInt64(maxSize))
        }
        if fits(readEnd: producers.cachedReadEnd.load(), taken: producers.cachedTaken.load()) { return true }
        // In the total order of the consumers' stores (see ``ChangeSignal``).
        // Either may be older than the consumers' last commit, never ahead
        // of it: that only makes the room look smaller.
        let taken = consumers.taken.loadInTotalOrder()
        let readEnd = consumers.readEnd.loadInTotalOrder()
        producers.cachedTaken.store(taken)
        producers.cachedReadEnd.store(readEnd)
        return fits(readEnd: readEnd, taken: taken)
    }

    // MARK: Get

    /// Removes the next element, waiting until `deadline`; `raw` as for ``put(_:raw:until:)``.
    func get<Element: Decodable>(_ type: Element.Type, raw: Bool, until deadline: Deadline) throws -> Element {
        if raw {
            // Room for the widest raw element (8 bytes), on the stack: no generic
            // buffer (whose metadata an unspecialized caller would look up
            // on every call).
            var bytes: UInt64 = 0
            try withUnsafeMutableBytes(of: &bytes) { buffer in
                try getRaw(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<MemoryLayout<Element>.size]),
                    typeName: Element.self, until: deadline)
            }
            if MemoryLayout<Element>.size == MemoryLayout<UInt64>.size { return unsafeBitCast(bytes, to: Element.self) }
            return withUnsafeBytes(of: &bytes) { $0.load(as: Element.self) }
        }
        var payload: [UInt8] = []
        try take(upTo: 1, until: deadline) { record in payload = Self.bytes(of: record) }
        return try payload.withUnsafeBytes { try MessageCoding.decode(type, from: $0) }
    }

    /// Removes the next element, whose record must be `destination.count`
    /// bytes, into `destination`, waiting until `deadline`.
    private func getRaw(
        into destination: UnsafeMutableRawBufferPointer, typeName: Any.Type, until deadline: Deadline
    ) throws {
        try take(upTo: 1, until: deadline) { record throws(ProcessQueueError) in
            guard record.length == destination.count else {
                throw .corruptSegment("a \(typeName) record of \(record.length) bytes")
            }
            record.copy(to: destination)
        }
    }

    /// Removes up to `maximum` elements (at least one), waiting until
    /// `deadline` for the first; an empty result means the deadline passed.
    func get<Element: Decodable>(
        upTo maximum: Int, _ type: Element.Type, raw: Bool, until deadline: Deadline
    ) throws -> [Element] {
        precondition(maximum >= 1, "get(upTo:) needs a count of at least 1, got \(maximum)")
        if raw {
            let bytes = try getRaw(
                upTo: maximum, elementSize: MemoryLayout<Element>.size, typeName: Element.self,
                until: deadline)
            return bytes.withUnsafeBytes { raw in
                (0..<raw.count / MemoryLayout<Element>.size).map {
                    raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Element>.size, as: Element.self)
                }
            }
        }
        var payloads: [[UInt8]] = []
        do {
            try take(upTo: maximum, until: deadline) { record in payloads.append(Self.bytes(of: record)) }
        } catch QueueError.empty {
            return []
        }
        return try payloads.map { payload in try payload.withUnsafeBytes { try MessageCoding.decode(type, from: $0) } }
    }

    /// Removes up to `maximum` elements whose records must each be
    /// `elementSize` bytes: their payloads, one after the other (none if
    /// the deadline passed).
    private func getRaw(upTo maximum: Int, elementSize: Int, typeName: Any.Type, until deadline: Deadline) throws
        -> [UInt8]
    {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(maximum, 1024) * elementSize)
        do {
            try take(upTo: maximum, until: deadline) { record throws(ProcessQueueError) in
                guard record.length == elementSize else {
                    throw .corruptSegment("a \(typeName) record of \(record.length) bytes")
                }
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: elementSize))
                bytes.withUnsafeMutableBytes { record.copy(to: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
            }
        } catch QueueError.empty {
            return []
        }
        return bytes
    }

    private static func bytes(of record: Record) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: record.length) { buffer, initialized in
            record.copy(to: UnsafeMutableRawBufferPointer(buffer))
            initialized = record.length
        }
    }

    /// Hands up to `maximum` records, holding the consumers' lock, to
    /// `consume`, then commits their removal; waits until `deadline` for the first.
    private func take(
        upTo maximum: Int, until deadline: Deadline, _ consume: (Record) throws(ProcessQueueError) -> Void
    ) throws {
        try repeatUntilDone(
            until: deadline, sleepingOn: elementPut, waking: elementTaken, spinPolicy: getSpin, timedOut: .empty
        ) {
            try consumers.withLock { try tryTake(upTo: maximum, until: deadline, consume) }
        }
    }

    /// Holding the consumers' lock: one attempt at a get.
    private func tryTake(
        upTo maximum: Int, until deadline: Deadline, _ consume: (Record) throws(ProcessQueueError) -> Void
    ) throws -> Attempt {
        var (counters, index) = consumers.current()
        var end = queuedEnd(after: counters.readPosition)
        if end == nil {
            guard isShutDown else {
                if deadline == .immediately { throw QueueError.empty }
                return .blocked
            }
            // Every put committed before the flag was set (both hold the
            // producers' lock): what they queued still drains.
            end = queuedEnd(after: counters.readPosition)
        }
        guard let end else { return .shutDown }
        guard end &- counters.readPosition <= UInt64(capacity) else {
            throw ProcessQueueError.corruptSegment(
                "\(end &- counters.readPosition) bytes queued in a ring of \(capacity)")
        }
        var taken = 0
        var offset = ring.offset(of: counters.readPosition)
        while taken < maximum && counters.readPosition != end {
            let payload = try ring.readHeader(at: offset, queuedBytes: end &- counters.readPosition)
            try consume(Record(ring: ring, offset: payload.offset, length: payload.length))
            counters.readPosition &+= UInt64(QueueRing.headerSize + payload.length)
            counters.elementsTaken &+= 1
            taken += 1
            offset = ring.offset(payload.length, after: payload.offset)
        }
        #if DEBUG
            ProcessQueueTestHooks.midGet?()
        #endif
        consumers.commit(counters, replacing: index)
        return .done(wakeOthers: elementTaken.signal())
    }

    /// Holding the consumers' lock: where the complete records after
    /// `readPosition` end, or `nil` if there are none, judged by what the
    /// consumers last saw of `writeEnd`, then (if none) by `writeEnd` itself.
    @inline(__always)
    private func queuedEnd(after readPosition: UInt64) -> UInt64? {
        // Positions count bytes ever written (a UInt64 never wraps), and an
        // immediate shutdown may have moved `readPosition` past the copy.
        let cached = consumers.cachedWriteEnd.load()
        if cached > readPosition { return cached }
        let end = producers.writeEnd.loadInTotalOrder()
        guard end > readPosition else { return nil }
        consumers.cachedWriteEnd.store(end)
        return end
    }

    // MARK: State

    /// Runs `body` holding both sides' locks, the producers' first.
    private func withBothLocks<R>(_ body: () -> R) -> R {
        producers.withLock { consumers.withLock(body) }
    }

    /// The number of queued elements now.
    var count: Int {
        withBothLocks {
            Int(producers.current().counters.elementsPut &- consumers.current().counters.elementsTaken)
        }
    }

    var isShutDown: Bool { shutDownFlag.loadInTotalOrder() != 0 }

    /// Makes later puts throw and wakes every waiter in every process;
    /// `immediate` also drops what is queued (counting each as done).
    func shutdown(immediate: Bool) {
        producers.withLock {
            shutDownFlag.setBitsInTotalOrder(1)
            if immediate { consumers.withLock { dropQueued() } }
        }
        // Wake unconditionally: cheap for a rare call, and sure.
        for signal in [elementPut, elementTaken, tasksDone] {
            _ = signal.signal()
            signal.wakeSleepers()
        }
    }

    /// Holding both locks: takes every queued record away, uncounted.
    private func dropQueued() {
        var (counters, index) = consumers.current()
        let end = producers.writeEnd.load()
        guard end != counters.readPosition else { return }
        let dropped = producers.current().counters.elementsPut &- counters.elementsTaken
        // Each counts as done, but never more than are unfinished (a task
        // may have been marked done before its element was taken).
        counters.elementsDropped &+= min(dropped, unfinishedTasks)
        counters.readPosition = end
        counters.elementsTaken &+= dropped
        consumers.commit(counters, replacing: index)
    }

    // MARK: Tasks

    /// Holding both locks: elements put and neither marked done nor dropped.
    private var unfinishedTasks: UInt64 {
        producers.current().counters.elementsPut &- consumers.current().counters.elementsDropped
            &- consumers.tasksDone.load()
    }

    /// Marks one element taken as processed; traps if none is unfinished.
    func taskDone(typeName: StaticString) {
        let wakeJoiners = withBothLocks {
            let unfinished = unfinishedTasks
            precondition(unfinished > 0, "\(typeName).taskDone() called more times than elements were put")
            consumers.tasksDone.publish(consumers.tasksDone.load() &+ 1)
            return unfinished == 1 && tasksDone.signal()
        }
        if wakeJoiners { tasksDone.wakeSleepers() }
    }

    /// Waits until every element put was marked done; `false` if `deadline` passed first.
    func join(until deadline: Deadline) -> Bool {
        var announced: UInt32?
        while true {
            if withBothLocks({ unfinishedTasks == 0 }) { return true }
            if let expected = announced {
                announced = nil
                if !tasksDone.wait(whileUnchanged: expected, until: deadline) {
                    return withBothLocks { unfinishedTasks == 0 }
                }
            } else {
                announced = tasksDone.prepareToWait()  // then one more look: no wake-up lost
            }
        }
    }
}
