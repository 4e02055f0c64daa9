internal import MultiprocessingPlatform
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
    private let fd: Int32
    private var reader = FrameReader(maximumMessageSize: MemoryLimits.physicalMemory)
    private var pending = Deque<ParentMessage>()
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
            case let .loadLibraries(paths):
                loadLibraries(paths)
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
            runJobs(type, payload: bytes, appendingOutputsTo: &outputs)
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

    /// Loads the job libraries the program loaded. A library that fails here
    /// (its file was removed or replaced since) is reported on standard
    /// error; its jobs then fail as ``ProcessPoolError/jobTypeNotFound(_:)``.
    private func loadLibraries(_ paths: [String]) {
        for path in paths {
            do {
                _ = try JobLibrary.load(path: path)
            } catch {
                let message = "swift-multiprocessing: pool worker \(getpid()) could not load \(path): \(error)\n"
                _ = try? FileDescriptor.standardError.writeAll(message.utf8)
            }
        }
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
            case .endOfStream: WorkerExit.finished.exit()
            }
        }
    }

    private mutating func queue(_ message: ParentMessage) {
        if case let .cancel(sequence) = message {
            cancelled.insert(sequence)
        } else {
            pending.append(message)
        }
    }
}
