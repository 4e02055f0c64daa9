internal import CMultiprocessing
import DequeModule
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A worker process's whole life: read tasks from the pool's socket, run them
/// strictly in the order received, send each result before starting the next
/// task (so the pool always knows which job is running), exit when the pool
/// closes the socket.
///
/// Everything is synchronous and single-threaded, so the same loop runs in a
/// spawned worker and in a forked one.
struct WorkerLoop {
    private enum Instruction {
        case task(sequence: UInt64, typeName: String, payload: [UInt8])
        case initialize(typeName: String, payload: [UInt8])
    }

    private let fd: Int32
    private var decoder = FrameDecoder(maximumMessageSize: MemoryLimits.physicalMemory)
    private var input = FrameDecoder.storage(count: 64 << 10)
    private var pending = Deque<Instruction>()
    private var cancelled = Set<UInt64>()
    private var registry = JobTypeRegistry()
    private var outputs: [UInt8] = []
    private var out: [UInt8] = []
    private var lastPoll = Deadline.now

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func run() -> Never {
        while true {
            if pending.isEmpty {
                fflush(nil) // let a job's printed lines out while idle
                receive(blocking: true)
                continue
            }
            // Look for cancellations (and more tasks) when the local queue runs
            // low, and at least every millisecond, not before every task.
            if pending.count <= 1 || lastPoll.advanced(by: .milliseconds(1)) <= .now {
                receive(blocking: false)
                lastPoll = .now
            }
            switch pending.removeFirst() {
            case let .task(sequence, typeName, payload):
                if cancelled.remove(sequence) != nil {
                    sendSkipped(sequence)
                } else {
                    runTask(sequence: sequence, typeName: typeName, payload: payload)
                }
                if !cancelled.isEmpty { // a cancel that arrived too late: forget it
                    cancelled = cancelled.filter { $0 > sequence }
                }
            case let .initialize(typeName, payload):
                runInitializer(typeName: typeName, payload: payload)
            }
        }
    }

    // MARK: Running

    private mutating func execute(typeName: String, payload: [UInt8]) -> TaskOutcome {
        outputs.removeAll(keepingCapacity: true)
        guard let type = registry.type(named: typeName) else {
            return TaskOutcome(completed: 0, failure: .jobTypeNotFound(typeName))
        }
        return payload.withUnsafeBytes { bytes in
            runJobs(type, payload: bytes, appendingOutputsTo: &outputs)
        }
    }

    private mutating func runTask(sequence: UInt64, typeName: String, payload: [UInt8]) {
        let outcome = execute(typeName: typeName, payload: payload)
        out.removeAll(keepingCapacity: true)
        FrameWriter.append(to: &out) { body in
            body.append(WorkerMessageKind.result.rawValue)
            body.appendInteger(sequence)
            body.appendInteger(UInt32(outcome.completed))
            if let failure = outcome.failure {
                body.append(1)
                failure.write(to: &body)
            } else {
                body.append(0)
            }
            body.append(contentsOf: outputs)
        }
        flush()
    }

    /// Runs the initializer and says how it went: a worker that dies before
    /// saying anything died in its initializer.
    private mutating func runInitializer(typeName: String, payload: [UInt8]) {
        let outcome = execute(typeName: typeName, payload: payload)
        out.removeAll(keepingCapacity: true)
        FrameWriter.append(to: &out) { body in
            guard let failure = outcome.failure else {
                body.append(WorkerMessageKind.initialized.rawValue)
                return
            }
            body.append(WorkerMessageKind.initializerFailed.rawValue)
            failure.write(to: &body)
        }
        flush()
        if outcome.failure != nil { WorkerExit.initializerFailed.exit() }
    }

    private mutating func sendSkipped(_ sequence: UInt64) {
        out.removeAll(keepingCapacity: true)
        FrameWriter.append(to: &out) { body in
            body.append(WorkerMessageKind.skipped.rawValue)
            body.appendInteger(sequence)
        }
        flush()
    }

    private func flush() {
        do {
            try out.withBytes { bytes throws(Errno) in
                try DescriptorIO.writeAll(fd, isSocket: true, bytes)
            }
        } catch {
            WorkerExit.connectionLost.exit()
        }
    }

    // MARK: Receiving

    /// Reads what the socket has (waiting for something if `blocking`) and
    /// queues the instructions it completes. Exits at end of stream.
    private mutating func receive(blocking: Bool) {
        let fd = self.fd
        let count: Int
        do {
            count = try input.withMutableBytes { buffer throws(Errno) in
                try valueOrErrno { recv(fd, buffer.baseAddress, buffer.count, blocking ? 0 : Int32(MSG_DONTWAIT)) }
            }
        } catch .wouldBlock {
            return
        } catch {
            WorkerExit.connectionLost.exit()
        }
        if count == 0 {
            WorkerExit.finished.exit()
        }
        do {
            try decodeFrames(count: count)
        } catch {
            WorkerExit.malformedMessage.exit()
        }
    }

    private mutating func decodeFrames(count: Int) throws {
        var offset = 0
        while offset < count {
            let (consumed, frame) = try input.withBytes { bytes throws(ConnectionError) in
                try decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[offset ..< count]))
            }
            switch frame {
            case .borrowed(let range)?:
                let start = offset + range.lowerBound
                try input.withBytes { bytes throws(MalformedMessage) in
                    try parse(UnsafeRawBufferPointer(rebasing: bytes[start ..< start + range.count]))
                }
            case .assembled(let payload)?:
                try payload.withBytes { bytes throws(MalformedMessage) in try parse(bytes) }
            case nil:
                break
            }
            offset += consumed
        }
    }

    private mutating func parse(_ frame: UnsafeRawBufferPointer) throws(MalformedMessage) {
        var cursor = ByteCursor(frame)
        switch ParentMessageKind(rawValue: try cursor.integer(UInt8.self)) {
        case .task?:
            let sequence = try cursor.integer(UInt64.self)
            let typeName = try cursor.string()
            pending.append(.task(sequence: sequence, typeName: typeName, payload: Array(cursor.rest())))
        case .cancel?:
            cancelled.insert(try cursor.integer(UInt64.self))
        case .initialize?:
            let typeName = try cursor.string()
            pending.append(.initialize(typeName: typeName, payload: Array(cursor.rest())))
        case nil:
            throw MalformedMessage(description: "unknown message kind")
        }
    }
}
