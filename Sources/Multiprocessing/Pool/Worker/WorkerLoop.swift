internal import MultiprocessingPlatform
import DequeModule
import SystemPackage

/// A worker process's whole life: read tasks from the pool's socket, run them
/// strictly in the order received, send each result before starting the next
/// task (so the pool always knows which job is running), exit when the pool
/// closes the socket.
///
/// Everything is synchronous and single-threaded, so the same loop runs in a
/// spawned worker and in a forked one.
///
/// A pool's worker always receives ``ParentMessage/start(initializer:)``
/// first. A process that never does is a one-off job
/// (``ChildProcess/spawn(_:name:diesWithParent:)``): it runs the tasks it
/// received even when its parent closed the socket (or died) meanwhile, then
/// exits, as Python's processes finish their work without their parent.
struct WorkerLoop {
    private let fd: Int32
    private var reader = FrameReader(maximumMessageSize: MemoryLimits.physicalMemory)
    private var pending = Deque<ParentMessage>()
    private var cancelled = Set<UInt64>()
    private var registry = JobTypeRegistry()
    private var outputs: [UInt8] = []
    private var out: [UInt8] = []
    private var lastPoll = Deadline.now
    /// Whether a pool started this worker (it received `start`).
    private var isPoolWorker = false
    /// Whether the parent closed the socket (a one-off job's tasks still run).
    private var inputEnded = false

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func run() -> Never {
        while true {
            if pending.isEmpty {
                if inputEnded { WorkerExit.finished.exit() }
                receive(blocking: true)
                continue
            }
            // Look for cancellations (and more tasks) when the local queue runs
            // low, and at least every millisecond, not before every task.
            if !inputEnded && (pending.count <= 1 || lastPoll.advanced(by: .milliseconds(1)) <= .now) {
                receive(blocking: false)
                lastPoll = .now
            }
            switch pending.removeFirst() {
            case let .task(sequence, jobs):
                if cancelled.remove(sequence) != nil {
                    send(.skipped(sequence: sequence))
                } else {
                    runTask(sequence: sequence, jobs: jobs)
                }
                if !cancelled.isEmpty { // a cancel that arrived too late: forget it
                    cancelled = cancelled.filter { $0 > sequence }
                }
            case let .start(initializer):
                start(initializer: initializer)
            case .cancel:
                preconditionFailure("cancels are not queued")
            }
        }
    }

    // MARK: Running

    private mutating func execute(_ jobs: EncodedJobs) -> TaskOutcome {
        outputs.removeAll(keepingCapacity: true)
        guard let type = registry.type(named: jobs.mangledTypeName) else {
            return TaskOutcome(completed: 0, failure: .jobTypeNotFound(jobs.mangledTypeName))
        }
        let outcome = jobs.payload.withUnsafeBytes { bytes in
            runJobs(type, payload: bytes, plainTypes: &registry.plainOutputTypes, appendingOutputsTo: &outputs)
        }
        // What the jobs printed is written before their result is sent: nothing
        // is lost if the pool kills this worker later, and it precedes the result.
        flushStandardStreams()
        return outcome
    }

    private mutating func runTask(sequence: UInt64, jobs: EncodedJobs) {
        let outcome = execute(jobs)
        outputs.withUnsafeBytes { bytes in
            send(.result(sequence: sequence, completed: outcome.completed, failure: outcome.failure, outputs: bytes))
        }
    }

    /// Runs the initializer, if any, and says how it went: a worker that dies
    /// before saying anything died in its initializer.
    private mutating func start(initializer: EncodedJobs?) {
        if let initializer, let failure = execute(initializer).failure {
            send(.initializerFailed(failure))
            WorkerExit.initializerFailed.exit()
        }
        send(.ready)
    }

    private mutating func send(_ message: WorkerMessage) {
        out.removeAll(keepingCapacity: true)
        message.write(to: &out)
        do {
            try out.withBytes { bytes throws(Errno) in
                try SocketIO.writeAll(fd, bytes)
            }
        } catch {
            WorkerExit.connectionLost.exit()
        }
    }

    // MARK: Receiving

    /// Reads what the socket has (waiting for something if `blocking`) and
    /// queues the tasks it completes. Exits at end of stream.
    private mutating func receive(blocking: Bool) {
        var nonBlocking = !blocking
        while true {
            var message: ParentMessage?
            var malformed = false
            let outcome: FrameReader.Outcome
            do {
                outcome = try reader.next(from: fd, nonBlocking: nonBlocking) { frame in
                    do throws(MalformedMessage) {
                        message = try frame.withBytes { bytes throws(MalformedMessage) in try ParentMessage.read(from: bytes) }
                    } catch {
                        malformed = true
                    }
                }
            } catch .readFailed {
                WorkerExit.connectionLost.exit()
            } catch {
                WorkerExit.malformedMessage.exit()
            }
            if malformed { WorkerExit.malformedMessage.exit() }
            if let message { queue(message) }
            switch outcome {
            case .frame: nonBlocking = true // take whatever else has arrived, without waiting
            case .wouldBlock: return
            case .endOfStream:
                // A pool worker stops at once; a one-off job first runs what it received.
                if isPoolWorker || pending.isEmpty {
                    WorkerExit.finished.exit()
                }
                inputEnded = true
                return
            }
        }
    }

    private mutating func queue(_ message: ParentMessage) {
        switch message {
        case let .cancel(sequence):
            cancelled.insert(sequence)
        case .start:
            isPoolWorker = true
            pending.append(message)
        case .task:
            pending.append(message)
        }
    }
}
