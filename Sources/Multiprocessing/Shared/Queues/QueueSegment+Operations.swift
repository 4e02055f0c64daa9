internal import MultiprocessingPlatform

/// Before a get sleeps on an empty queue, how many times it looks for an
/// element first: in a steady stream the next one is usually less than a
/// wake-up away.
private let getSpinCount = 200

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

/// The deadline of the "try" calls: do not wait at all.
let noWait = Deadline(nanoseconds: 0)

extension QueueSegment {
    private enum PutOutcome {
        case put, shutDown
        case full(observed: UInt32)
    }

    private enum GetOutcome {
        case got([[UInt8]])
        case shutDown
        case empty(observed: UInt32)
    }

    // MARK: Put

    /// Encodes `element` and adds it, waiting for room until `deadline`.
    func put<Element: Encodable>(_ element: Element, until deadline: Deadline) throws {
        let record = try encodeRecord(element)
        var lastLook = false
        while true {
            let outcome = record.withUnsafeBytes { bytes in
                withLock { transaction in tryPut(bytes, &transaction) }
            }
            switch outcome {
            case .put:
                elementPut.signal()
                return
            case .shutDown:
                throw QueueError.shutDown
            case .full(let observed):
                if lastLook || deadline == noWait { throw QueueError.full }
                if !elementTaken.wait(ifUnchangedSince: observed, until: deadline) { lastLook = true }
            }
        }
    }

    /// The record of `element`: a 4-byte little-endian length, then its encoding.
    private func encodeRecord<Element: Encodable>(_ element: Element) throws -> [UInt8] {
        var record = [UInt8](repeating: 0, count: Self.recordHeaderSize)
        record.reserveCapacity(64)
        try MessageCoding.encode(element, appendingTo: &record)
        guard record.count <= capacity else {
            throw ProcessQueueError.elementTooLarge(byteCount: record.count, capacity: capacity)
        }
        let length = UInt32(record.count - Self.recordHeaderSize).littleEndian
        record.withUnsafeMutableBytes { $0.storeBytes(of: length, as: UInt32.self) }
        return record
    }

    private func tryPut(_ record: UnsafeRawBufferPointer, _ transaction: inout Transaction) -> PutOutcome {
        var counters = transaction.counters
        guard counters.isShutDown == 0 else { return .shutDown }
        guard transaction.hasRoomForAnElement, transaction.freeBytes >= record.count else {
            return .full(observed: elementTaken.snapshot())
        }
        #if DEBUG
        if let hook = ProcessQueueTestHooks.midPut {
            let half = record.count / 2
            transaction.write(UnsafeRawBufferPointer(rebasing: record[..<half]), at: counters.writePosition)
            hook()
        }
        #endif
        transaction.write(record, at: counters.writePosition)
        counters.writePosition &+= UInt64(record.count)
        counters.count += 1
        counters.unfinished += 1
        transaction.commit(counters)
        return .put
    }

    // MARK: Get

    /// Removes and decodes the next element, waiting until `deadline`.
    func get<Element: Decodable>(_ type: Element.Type, until deadline: Deadline) throws -> Element {
        let payloads = try take(upTo: 1, until: deadline)
        return try decode(payloads[0], as: type)
    }

    /// Removes up to `maximum` elements (at least one), waiting until
    /// `deadline` for the first; an empty result means the deadline passed.
    func get<Element: Decodable>(upTo maximum: Int, _ type: Element.Type, until deadline: Deadline) throws -> [Element] {
        precondition(maximum >= 1, "get(upTo:) needs a count of at least 1, got \(maximum)")
        let payloads: [[UInt8]]
        do {
            payloads = try take(upTo: maximum, until: deadline)
        } catch QueueError.empty {
            return []
        }
        return try payloads.map { try decode($0, as: type) }
    }

    private func decode<Element: Decodable>(_ payload: [UInt8], as type: Element.Type) throws -> Element {
        try payload.withUnsafeBytes { try MessageCoding.decode(type, from: $0) }
    }

    /// Takes the payloads of up to `maximum` records, waiting for the first.
    private func take(upTo maximum: Int, until deadline: Deadline) throws -> [[UInt8]] {
        var lastLook = false
        while true {
            let outcome = try withLock { (transaction) throws(ProcessQueueError) in
                try tryTake(upTo: maximum, &transaction)
            }
            switch outcome {
            case .got(let payloads):
                elementTaken.signal()
                return payloads
            case .shutDown:
                throw QueueError.shutDown
            case .empty(let observed):
                if lastLook || deadline == noWait { throw QueueError.empty }
                if !elementPut.wait(ifUnchangedSince: observed, until: deadline, spinning: getSpinCount) {
                    lastLook = true
                }
            }
        }
    }

    private func tryTake(upTo maximum: Int, _ transaction: inout Transaction) throws(ProcessQueueError) -> GetOutcome {
        var counters = transaction.counters
        guard counters.count > 0 else {
            return counters.isShutDown != 0 ? .shutDown : .empty(observed: elementPut.snapshot())
        }
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(min(maximum, Int(counters.count)))
        while payloads.count < maximum && counters.count > 0 {
            let length = try transaction.recordLength(at: counters.readPosition, queuedBytes: counters.usedBytes)
            let payload = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                transaction.read(into: UnsafeMutableRawBufferPointer(buffer),
                                 at: counters.readPosition &+ UInt64(Self.recordHeaderSize))
                initialized = length
            }
            payloads.append(payload)
            counters.readPosition &+= UInt64(Self.recordHeaderSize + length)
            counters.count -= 1
        }
        #if DEBUG
        ProcessQueueTestHooks.midGet?()
        #endif
        transaction.commit(counters)
        return .got(payloads)
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
        }
        elementPut.signalAll()
        elementTaken.signalAll()
        tasksDone.signalAll()
    }

    // MARK: Tasks

    /// Marks one element taken as processed; traps if none is unfinished.
    func taskDone(typeName: StaticString) {
        let allDone = withLock { transaction in
            var counters = transaction.counters
            precondition(counters.unfinished > 0, "\(typeName).taskDone() called more times than elements were put")
            counters.unfinished -= 1
            transaction.commit(counters)
            return counters.unfinished == 0
        }
        if allDone { tasksDone.signal() }
    }

    /// Waits until every element put was marked done; `false` if `deadline` passed first.
    func join(until deadline: Deadline) -> Bool {
        while true {
            let (done, observed) = withLock { ($0.counters.unfinished == 0, tasksDone.snapshot()) }
            if done { return true }
            if !tasksDone.wait(ifUnchangedSince: observed, until: deadline) {
                return withLock { $0.counters.unfinished == 0 }
            }
        }
    }
}
