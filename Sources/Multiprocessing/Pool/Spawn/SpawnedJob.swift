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
import SystemPackage
internal import Threading

#if canImport(Glibc)
    public import Glibc
#endif

/// A job running in a process of its own, started by
/// ``ChildProcess/spawn(_:name:diesWithParent:)``: ``join()`` returns its output.
///
/// The process is a one-job ``ProcessPool`` worker: the job and its output
/// travel as a pool's do (shared objects with their descriptors), so the
/// job's own error arrives as itself (or as a ``RemoteError``), and failing
/// to move the job or its output is the matching ``ProcessPoolError``.
///
/// A `SpawnedJob` dropped without ``join()`` does not stop its process: the
/// job runs to its end (its output is then discarded) and the process is
/// reaped in the background.
public final class SpawnedJob<Output: Codable & Sendable>: @unchecked Sendable {
    private enum State {
        /// Waiting for the output on the socket to the process.
        case waiting(socket: Int32, reader: FrameReader)
        /// A join is reading (under the lock), the reader taken out of the
        /// state so that reading never copies its buffer.
        case reading
        case finished(Result<Output, any Error>)
    }

    /// The process running the job.
    public let process: ChildProcess
    /// The job, as errors name it.
    private let job: JobDescription
    /// Decodes the output (with the descriptors of its shared objects) as a
    /// pool's `submit` does.
    private let waiter = SingleJobWaiter<Output>()
    /// Serializes joins; guards `state`.
    private let lock = Threading.Lock()
    private var state: State

    /// The process's ID.
    public var pid: Glibc.pid_t { process.pid }

    init<J: Job>(_ job: J, name: String, diesWithParent: Bool, inheritedDescriptor: Int32?) throws
    where J.Output == Output {
        guard let mangled = MangledNames.of(J.self) else { throw ProcessPool.unnamed(J.self) }
        // Encoded as a pool's task: its shared objects' descriptors collected.
        let task: TaskRecord
        do {
            task = try TaskRecord(encoding: job, mangledTypeName: mangled, waiter: waiter)
        } catch {
            throw ProcessPoolError.jobEncodingFailed(
                typeName: String(reflecting: J.self), description: String(describing: error))
        }
        task.sequence = 1
        // The job's shared objects stay open (their owners held by
        // `task.descriptors`) until the frame that carries them is sent.
        defer { task.descriptors?.removeAll() }
        var messages: [UInt8] = []
        let globals = GlobalValues.capture(modules: modules(of: J.self))
        if !globals.values.isEmpty { ParentMessage.globals(globals).write(to: &messages) }
        let libraries = JobLibraryCatalog.shared.paths(from: 0)  // the job may be a library's
        if !libraries.isEmpty { ParentMessage.loadLibraries(paths: libraries).write(to: &messages) }
        let attachments: [DescriptorAttachment]
        do {
            attachments = try ParentMessage.task(sequence: task.sequence, jobs: task.jobs)
                .write(to: &messages, carrying: task.descriptors?.descriptors ?? [])
        } catch {
            throw Self.descriptorsUnsent(error, typeName: task.typeName)
        }
        let options = WorkerStarter.Options(
            diesWithParent: diesWithParent, systemName: PosixThread.systemName(name),
            inheritedDescriptor: inheritedDescriptor)
        let started: StartedWorker
        do {
            let start = { () throws(Errno) in try WorkerStarter.start(.spawn, options: options) }
            started = diesWithParent ? try ParentDeathLauncher.shared.perform(start) : try start()
        } catch {
            throw ChildProcessError.spawnFailed(error)
        }
        self.job = task.job
        process = ChildProcess(pid: started.pid, name: name, descriptor: started.pidfd)
        state = .waiting(socket: started.socket, reader: FrameReader(maximumMessageSize: MemoryLimits.physicalMemory))
        do {
            // Sent blocking (a large job waits for the process to read it);
            // replies are read without blocking, against a deadline.
            try setNonBlocking(started.socket, false)
            try messages.withBytes { bytes throws(Errno) in
                try SocketIO.writeAll(started.socket, bytes, attachments: attachments)
            }
        } catch .brokenPipe, .connectionReset {
            // The process died already: join reports how.
        } catch {
            // The process cannot get its job: it is stopped and reaped (its
            // socket is closed as this instance goes).
            process.kill()
            _ = try? process.join()
            // On a socket that is alive, only descriptors are refused
            // (`ETOOMANYREFS`, `EBADF`, `ENOMEM`).
            throw attachments.isEmpty
                ? ChildProcessError.spawnFailed(error) : Self.descriptorsUnsent(error, typeName: task.typeName)
        }
    }

    private static func descriptorsUnsent(_ error: Errno, typeName: String) -> ProcessPoolError {
        .jobEncodingFailed(typeName: typeName, description: ProcessPool.descriptorsUnsent(error, to: "the process"))
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
    ///   when the job or its output could not travel (the last one also
    ///   when the descriptors of the output's shared objects did not all
    ///   arrive: this process is at its open-file limit);
    ///   ``ChildProcessError/protocolViolation(_:)`` when the process wrote
    ///   something that is not the package's reply (it is killed).
    ///   The corresponding C functions are `poll`, `recvmsg` and `waitid`.
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
                state = .reading
                guard let outcome = read(socket, &reader, until: deadline) else {
                    state = .waiting(socket: socket, reader: reader)
                    return nil
                }
                finish(socket, outcome, until: deadline)
            case .reading:
                preconditionFailure("a join reads only under the lock")
            }
        }
    }

    /// Reads until the output (or the end of the process) arrives; `nil` at the deadline.
    private func read(_ socket: Int32, _ reader: inout FrameReader, until deadline: Deadline) -> Result<
        Output, any Error
    >? {
        while true {
            var delivered: Result<Output, any Error>?
            let outcome: FrameReader.Outcome
            do {
                outcome = try reader.next(from: socket, nonBlocking: true) { frame, descriptors in
                    delivered = frame.withBytes { message(in: $0, descriptors: descriptors) }
                }
            } catch .truncated {
                return processEnded(until: deadline)
            } catch {
                // Not a frame this package's worker writes: nothing more can be trusted.
                process.kill()
                return .failure(ChildProcessError.protocolViolation(error.description))
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

    /// What the process's one message means; its output and error take
    /// their shared objects' descriptors from `descriptors`, as a pool's do.
    private func message(in frame: UnsafeRawBufferPointer, descriptors: FrameDescriptors) -> Result<Output, any Error> {
        do throws(MalformedMessage) {
            switch try WorkerMessage.read(from: frame) {
            case let .result(_, completed, failure, outputs):
                waiter.deliver(outputs: outputs, completed: completed, failure: failure, descriptors: descriptors) {
                    job
                }
                guard let result = waiter.future.result else {
                    preconditionFailure("a delivered task left its future open")
                }
                return result
            case .ready, .skipped, .initializerFailed:  // answers to a pool's messages, never sent here
                throw MalformedMessage(description: "an unexpected message")
            }
        } catch {
            descriptors.discard()
            process.kill()
            return .failure(ChildProcessError.protocolViolation(error.description))
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
    /// loop exits at end of stream), which is reaped by the deadline, or
    /// later by the process's own reaping if it is slow to exit (a full
    /// standard output it flushes on the way out).
    private func finish(_ socket: Int32, _ outcome: Result<Output, any Error>, until deadline: Deadline) {
        state = .finished(outcome)
        closeDescriptor(socket)
        _ = try? process.join(timeout: deadline.remaining)
    }
}
