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
        /// Called holding the queue's lock with half of the record written.
        nonisolated(unsafe) static var midPut: (() -> Void)?
        /// Called holding the queue's lock with the record copied out, before the commit.
        nonisolated(unsafe) static var midGet: (() -> Void)?
    }
#endif

extension QueueSegment {
    /// How many times a put that finds the queue full, or a get that finds it
    /// empty, looks again (yielding the CPU in between) before it sleeps: a
    /// producer and a consumer that keep pace with each other then never pay
    /// a sleep and a wake-up (microseconds, and a system call for the other
    /// side) per element. Some tens of microseconds at most before a long wait.
    private static var looksBeforeSleeping: Int { 64 }

    /// What one attempt at a put or a get, holding the lock, came to.
    private enum Attempt {
        /// Done; the other side's sleepers are to be woken if `wakeOthers`.
        case done(wakeOthers: Bool)
        case shutDown
        /// No room (a put) or nothing queued (a get).
        case blocked
        /// Blocked, and registered to sleep while the signal holds this value.
        case sleep(whileUnchanged: UInt32)
    }

    /// A record in the ring, seen holding the lock.
    struct Record {
        let transaction: Transaction
        let position: UInt64
        let length: Int

        /// Copies the record's payload (`length` bytes) to `destination`.
        func copy(to destination: UnsafeMutableRawBufferPointer) {
            transaction.read(into: UnsafeMutableRawBufferPointer(rebasing: destination[..<length]), at: position)
        }
    }

    /// Runs `attempt` holding the lock until it is done: while it is
    /// blocked, looks again ``looksBeforeSleeping`` times, then sleeps on
    /// `waitSignal` until it changes or `deadline` passes, after which one
    /// last look throws `timedOut`. Once done, wakes `doneSignal`'s sleepers
    /// if the attempt asked for it. The one waiting loop of puts and gets.
    private func repeatUntilDone(
        until deadline: Deadline, sleepingOn waitSignal: ChangeSignal, waking doneSignal: ChangeSignal,
        timedOut: QueueError, _ attempt: (inout Transaction) throws -> Attempt
    ) throws {
        var lastLook = false
        var looks = 0
        while true {
            let maySleep = looks >= Self.looksBeforeSleeping
            let step = try withLock { (transaction) throws(any Error) -> Attempt in
                let step = try attempt(&transaction)
                guard case .blocked = step, maySleep else { return step }
                return .sleep(whileUnchanged: waitSignal.prepareToWait())  // under the lock: no wake-up lost
            }
            switch step {
            case .done(let wakeOthers):
                if wakeOthers { doneSignal.wakeSleepers() }
                return
            case .shutDown:
                throw QueueError.shutDown
            case .blocked:
                looks += 1
                yieldProcessor()
            case .sleep(let expected):
                if lastLook { throw timedOut }
                if !waitSignal.wait(whileUnchanged: expected, until: deadline) { lastLook = true }
            }
        }
    }

    // MARK: Put

    /// Adds `element`, waiting for room until `deadline`: the standard
    /// numbers as their bytes (see ``RawElements``), anything else encoded.
    func put<Element: Encodable>(_ element: Element, until deadline: Deadline) throws {
        if RawElements.contains(Element.self) {
            return try withUnsafeBytes(of: element) { try put(payload: $0, until: deadline) }
        }
        var encoded: [UInt8] = []
        try MessageCoding.encode(element, appendingTo: &encoded)
        try encoded.withUnsafeBytes { try put(payload: $0, until: deadline) }
    }

    /// Adds one record of `payload`, waiting for room until `deadline`.
    private func put(payload: UnsafeRawBufferPointer, until deadline: Deadline) throws {
        let recordSize = Self.recordHeaderSize + payload.count
        guard recordSize <= capacity else {
            throw ProcessQueueError.elementTooLarge(byteCount: recordSize, capacity: capacity)
        }
        try repeatUntilDone(until: deadline, sleepingOn: elementTaken, waking: elementPut, timedOut: .full) {
            transaction throws(QueueError) in try tryPut(payload, &transaction, until: deadline)
        }
    }

    private func tryPut(
        _ payload: UnsafeRawBufferPointer, _ transaction: inout Transaction, until deadline: Deadline
    ) throws(QueueError) -> Attempt {
        var counters = transaction.counters
        let recordSize = Self.recordHeaderSize + payload.count
        guard counters.isShutDown == 0 else { return .shutDown }
        guard transaction.hasRoomForAnElement, transaction.freeBytes >= recordSize else {
            if deadline == .immediately { throw .full }
            return .blocked
        }
        var length = UInt32(payload.count).littleEndian
        withUnsafeBytes(of: &length) { transaction.write($0, at: counters.writePosition) }
        let payloadPosition = counters.writePosition &+ UInt64(Self.recordHeaderSize)
        #if DEBUG
            if let hook = ProcessQueueTestHooks.midPut {
                transaction.write(
                    UnsafeRawBufferPointer(rebasing: payload[..<(payload.count / 2)]), at: payloadPosition)
                hook()
            }
        #endif
        transaction.write(payload, at: payloadPosition)
        counters.writePosition &+= UInt64(recordSize)
        counters.count += 1
        counters.unfinished += 1
        transaction.commit(counters)
        return .done(wakeOthers: elementPut.signal())
    }

    // MARK: Get

    /// Removes the next element, waiting until `deadline`.
    func get<Element: Decodable>(_ type: Element.Type, until deadline: Deadline) throws -> Element {
        if RawElements.contains(Element.self) {
            return try withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { slot in
                try take(upTo: 1, until: deadline) { record throws(ProcessQueueError) in
                    guard record.length == MemoryLayout<Element>.size else {
                        throw .corruptSegment("a \(Element.self) record of \(record.length) bytes")
                    }
                    record.copy(to: UnsafeMutableRawBufferPointer(slot))
                }
                return slot.baseAddress!.move()
            }
        }
        var payload: [UInt8] = []
        try take(upTo: 1, until: deadline) { record in payload = Self.bytes(of: record) }
        return try payload.withUnsafeBytes { try MessageCoding.decode(type, from: $0) }
    }

    /// Removes up to `maximum` elements (at least one), waiting until
    /// `deadline` for the first; an empty result means the deadline passed.
    func get<Element: Decodable>(upTo maximum: Int, _ type: Element.Type, until deadline: Deadline) throws -> [Element]
    {
        precondition(maximum >= 1, "get(upTo:) needs a count of at least 1, got \(maximum)")
        var payloads: [[UInt8]] = []
        do {
            try take(upTo: maximum, until: deadline) { record in payloads.append(Self.bytes(of: record)) }
        } catch QueueError.empty {
            return []
        }
        if RawElements.contains(Element.self) {
            return try payloads.map { payload in
                guard payload.count == MemoryLayout<Element>.size else {
                    throw ProcessQueueError.corruptSegment("a \(Element.self) record of \(payload.count) bytes")
                }
                return payload.withUnsafeBytes { $0.loadUnaligned(as: Element.self) }
            }
        }
        return try payloads.map { payload in try payload.withUnsafeBytes { try MessageCoding.decode(type, from: $0) } }
    }

    private static func bytes(of record: Record) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: record.length) { buffer, initialized in
            record.copy(to: UnsafeMutableRawBufferPointer(buffer))
            initialized = record.length
        }
    }

    /// Hands up to `maximum` records, holding the lock, to `consume`, then
    /// commits their removal; waits until `deadline` for the first.
    private func take(
        upTo maximum: Int, until deadline: Deadline, _ consume: (Record) throws(ProcessQueueError) -> Void
    ) throws {
        try repeatUntilDone(until: deadline, sleepingOn: elementPut, waking: elementTaken, timedOut: .empty) {
            transaction in try tryTake(upTo: maximum, &transaction, until: deadline, consume)
        }
    }

    private func tryTake(
        upTo maximum: Int, _ transaction: inout Transaction, until deadline: Deadline,
        _ consume: (Record) throws(ProcessQueueError) -> Void
    ) throws -> Attempt {
        var counters = transaction.counters
        guard counters.count > 0 else {
            if counters.isShutDown != 0 { return .shutDown }
            if deadline == .immediately { throw QueueError.empty }
            return .blocked
        }
        var taken = 0
        while taken < maximum && counters.count > 0 {
            let length = try transaction.recordLength(at: counters.readPosition, queuedBytes: counters.usedBytes)
            try consume(
                Record(
                    transaction: transaction,
                    position: counters.readPosition &+ UInt64(Self.recordHeaderSize), length: length))
            counters.readPosition &+= UInt64(Self.recordHeaderSize + length)
            counters.count -= 1
            taken += 1
        }
        #if DEBUG
            ProcessQueueTestHooks.midGet?()
        #endif
        transaction.commit(counters)
        return .done(wakeOthers: elementTaken.signal())
    }

    // MARK: State

    /// The number of queued elements now.
    var count: Int {
        withLock { Int($0.counters.count) }
    }

    var isShutDown: Bool {
        withLock { $0.counters.isShutDown != 0 }
    }

    /// Makes later puts throw and wakes every waiter in every process;
    /// `immediate` also drops what is queued (counting each as done).
    func shutdown(immediate: Bool) {
        withLock { transaction in
            var counters = transaction.counters
            counters.isShutDown = 1
            if immediate {
                counters.unfinished -= min(counters.unfinished, counters.count)
                counters.readPosition = counters.writePosition
                counters.count = 0
            }
            transaction.commit(counters)
            _ = (elementPut.signal(), elementTaken.signal(), tasksDone.signal())
        }
        // Wake unconditionally: cheap for a rare call, and sure.
        elementPut.wakeSleepers()
        elementTaken.wakeSleepers()
        tasksDone.wakeSleepers()
    }

    // MARK: Tasks

    /// Marks one element taken as processed; traps if none is unfinished.
    func taskDone(typeName: StaticString) {
        let wakeJoiners = withLock { transaction in
            var counters = transaction.counters
            precondition(counters.unfinished > 0, "\(typeName).taskDone() called more times than elements were put")
            counters.unfinished -= 1
            transaction.commit(counters)
            return counters.unfinished == 0 && tasksDone.signal()
        }
        if wakeJoiners { tasksDone.wakeSleepers() }
    }

    /// Waits until every element put was marked done; `false` if `deadline` passed first.
    func join(until deadline: Deadline) -> Bool {
        while true {
            let expected: UInt32? = withLock { $0.counters.unfinished == 0 ? nil : tasksDone.prepareToWait() }
            guard let expected else { return true }
            if !tasksDone.wait(whileUnchanged: expected, until: deadline) {
                return withLock { $0.counters.unfinished == 0 }
            }
        }
    }
}
