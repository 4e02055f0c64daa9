internal import MultiprocessingPlatform
internal import Threading
import SystemPackage
#if canImport(Glibc)
public import Glibc
#endif

/// A job running in a process of its own, started by
/// ``ChildProcess/spawn(_:name:diesWithParent:)``: ``join()`` returns its output.
///
/// The process is a one-job ``ProcessPool`` worker: the job and its output
/// travel as a pool's do, so the job's own error arrives as itself (or as a
/// ``RemoteError``), and failing to move the job or its output is the
/// matching ``ProcessPoolError``.
///
/// A `SpawnedJob` dropped without ``join()`` does not stop its process: the
/// job runs to its end (its output is then discarded) and the process is
/// reaped in the background.
public final class SpawnedJob<Output: Codable & Sendable>: @unchecked Sendable {
    private enum State {
        /// Waiting for the output on the socket to the process.
        case waiting(socket: Int32, reader: FrameReader)
        case finished(Result<Output, any Error>)
    }

    /// The process running the job.
    public let process: ChildProcess
    private let jobTypeName: String
    /// Serializes joins; guards `state`.
    private let lock = Threading.Lock()
    private var state: State

    /// The process's ID.
    public var pid: Glibc.pid_t { process.pid }

    init<J: Job>(_ job: J, name: String, diesWithParent: Bool, inheritedDescriptor: Int32?) throws where J.Output == Output {
        jobTypeName = String(reflecting: J.self)
        guard let mangled = MangledNames.of(J.self) else { throw ProcessPool.unnamed(J.self) }
        var messages: [UInt8] = []
        do {
            var payload: [UInt8] = []
            try encodeJob(job, appendingTo: &payload)
            let libraries = JobLibraryCatalog.shared.paths(from: 0) // the job may be a library's
            if !libraries.isEmpty { ParentMessage.loadLibraries(paths: libraries).write(to: &messages) }
            ParentMessage.task(sequence: 1, jobs: EncodedJobs(mangledTypeName: mangled, payload: payload)).write(to: &messages)
        } catch {
            throw ProcessPoolError.jobEncodingFailed(typeName: jobTypeName, description: String(describing: error))
        }
        let options = WorkerStarter.Options(
            diesWithParent: diesWithParent, systemName: PosixThread.systemName(name), inheritedDescriptor: inheritedDescriptor)
        let started: StartedWorker
        do {
            let start = { () throws(Errno) in try WorkerStarter.start(.spawn, options: options) }
            started = diesWithParent ? try ParentDeathLauncher.shared.perform(start) : try start()
        } catch {
            throw ChildProcessError.spawnFailed(error)
        }
        process = ChildProcess(pid: started.pid, name: name, descriptor: started.pidfd)
        state = .waiting(socket: started.socket, reader: FrameReader(maximumMessageSize: MemoryLimits.physicalMemory))
        do {
            // Sent blocking (a large job waits for the process to read it);
            // replies are read without blocking, against a deadline.
            try setNonBlocking(started.socket, false)
            try messages.withBytes { bytes throws(Errno) in try SocketIO.writeAll(started.socket, bytes) }
        } catch .brokenPipe, .connectionReset {
            // The process died already: join reports how.
        } catch {
            process.kill()
            throw ChildProcessError.spawnFailed(error)
        }
    }

    deinit {
        if case let .waiting(socket, _) = state { closeDescriptor(socket) }
    }

    /// Waits for the job to end and returns its output.
    ///
    /// Joining again returns the same output (or throws the same error).
    /// Several threads may join at once.
    ///
    /// - Throws: the job's own error (as itself when its type is `Codable`,
    ///   else a ``RemoteError``); ``ChildProcessError/crashed(status:)`` when
    ///   the process ended without delivering the output (the status names
    ///   the signal or exit code); ``ProcessPoolError/jobTypeNotFound(_:)``,
    ///   ``ProcessPoolError/jobDecodingFailed(typeName:description:)``,
    ///   ``ProcessPoolError/outputEncodingFailed(typeName:description:)`` or
    ///   ``ProcessPoolError/outputDecodingFailed(typeName:description:)``
    ///   when the job or its output could not travel.
    ///   The corresponding C functions are `poll`, `recv` and `waitid`.
    public func join() throws -> Output {
        try join(until: .distantFuture)!
    }

    /// Waits at most `timeout` for the job to end.
    ///
    /// - Returns: the output, or `nil` if the job is still running (not an error).
    /// - Throws: as ``join()``.
    public func join(timeout: Duration) throws -> Output? {
        try join(until: .after(timeout))
    }

    /// Asks the process to stop (`SIGTERM`); ``join()`` then throws
    /// ``ChildProcessError/crashed(status:)`` unless the output came first.
    public func terminate() { process.terminate() }

    /// Stops the process at once (`SIGKILL`); see ``terminate()``.
    public func kill() { process.kill() }

    // MARK: Waiting

    private func join(until deadline: Deadline) throws -> Output? {
        guard lock.lock(timeout: deadline.remaining) else { return nil }
        defer { lock.unlock() }
        while true {
            switch state {
            case let .finished(result):
                return try result.get()
            case .waiting(let socket, var reader):
                let outcome = read(socket, &reader, until: deadline)
                if case .waiting = state { state = .waiting(socket: socket, reader: reader) }
                guard let outcome else { return nil }
                finish(socket, outcome)
            }
        }
    }

    /// Reads until the output (or the end of the process) arrives; `nil` at the deadline.
    private func read(_ socket: Int32, _ reader: inout FrameReader, until deadline: Deadline) -> Result<Output, any Error>? {
        while true {
            var delivered: Result<Output, any Error>?
            let outcome: FrameReader.Outcome
            do {
                outcome = try reader.next(from: socket, nonBlocking: true) { frame, descriptors in
                    descriptors.discard()
                    delivered = frame.withBytes { message(in: $0) }
                }
            } catch {
                return processEnded(until: deadline)
            }
            if let delivered { return delivered }
            switch outcome {
            case .frame: continue
            case .endOfStream: return processEnded(until: deadline)
            case .wouldBlock:
                guard (try? pollReadable([socket], until: deadline).isEmpty) == false else { return nil }
            }
        }
    }

    /// What the process's one message means.
    private func message(in frame: UnsafeRawBufferPointer) -> Result<Output, any Error> {
        do throws(MalformedMessage) {
            switch try WorkerMessage.read(from: frame) {
            case let .result(_, completed, failure, outputs):
                if let failure {
                    return .failure(ErrorTransport.recreate(failure, job: JobDescription(typeName: jobTypeName, sequenceNumber: 1)))
                }
                return decodeOutput(outputs, completed: completed)
            case .ready, .skipped, .initializerFailed: // answers to a pool's messages, never sent here
                throw MalformedMessage(description: "an unexpected message")
            }
        } catch {
            process.kill()
            return .failure(ChildProcessError.protocolViolation(error.description))
        }
    }

    private func decodeOutput(_ outputs: UnsafeRawBufferPointer, completed: Int) -> Result<Output, any Error> {
        do {
            let values = try ValueBatch.decode(Output.self, from: outputs)
            guard completed == 1, values.count == 1 else {
                throw MalformedMessage(description: "expected one output, got \(values.count)")
            }
            return .success(values[0])
        } catch {
            return .failure(ProcessPoolError.outputDecodingFailed(
                typeName: String(reflecting: Output.self), description: String(describing: error)))
        }
    }

    /// The socket ended without an output: the process died (or is dying).
    private func processEnded(until deadline: Deadline) -> Result<Output, any Error>? {
        do {
            guard let status = try process.join(timeout: deadline.remaining) else { return nil }
            return .failure(ChildProcessError.crashed(status: status))
        } catch {
            return .failure(error)
        }
    }

    /// Records the outcome; closing the socket ends the process (its worker
    /// loop exits at end of stream), which is then reaped.
    private func finish(_ socket: Int32, _ outcome: Result<Output, any Error>) {
        state = .finished(outcome)
        closeDescriptor(socket)
        _ = try? process.join()
    }
}
