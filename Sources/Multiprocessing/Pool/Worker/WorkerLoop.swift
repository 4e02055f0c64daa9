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

import DequeModule
internal import MultiprocessingPlatform
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
///
/// A task's frame may carry the descriptors of its jobs' shared objects; they
/// wait with the task and are handed to the jobs' decoding. A result's frame
/// carries those of the shared objects in its outputs and error.
///
/// A pool's worker always receives ``ParentMessage/start(initializer:)``
/// first. A process that never does is a one-off job
/// (``ChildProcess/spawn(_:name:diesWithParent:)``): it runs the tasks it
/// received even when its parent closed the socket (or died) meanwhile, then
/// exits, as Python's processes finish their work without their parent.
struct WorkerLoop {
    private let fd: Int32
    private var reader = FrameReader(maximumMessageSize: MemoryLimits.physicalMemory)
    private var pending = Deque<(message: ParentMessage, descriptors: FrameDescriptors)>()
    private var cancelled = Set<UInt64>()
    private var registry = JobTypeRegistry()
    private var outputs: [UInt8] = []
    private var out: [UInt8] = []
    private var lastPoll = Deadline.now
    /// Collects the descriptors of a result (result after result).
    private let resultDescriptors = OutgoingDescriptors()
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
            let (message, descriptors) = pending.removeFirst()
            switch message {
            case let .task(sequence, jobs):
                if cancelled.remove(sequence) != nil {
                    descriptors.discard()
                    send(.skipped(sequence: sequence))
                } else {
                    runTask(sequence: sequence, jobs: jobs, descriptors: descriptors)
                }
                if !cancelled.isEmpty {  // a cancel that arrived too late: forget it
                    cancelled = cancelled.filter { $0 > sequence }
                }
            case let .start(initializer):
                start(initializer: initializer, descriptors: descriptors)
            case let .loadLibraries(paths):
                loadLibraries(paths)
            case .cancel, .globals:
                preconditionFailure("cancels and globals are not queued")
            }
        }
    }

    // MARK: Running

    /// Runs `jobs` (decoding them with the `descriptors` that came with
    /// them), appending their outputs to `outputs` and collecting the
    /// descriptors of those into `resultDescriptors`.
    private mutating func execute(_ jobs: EncodedJobs, descriptors: FrameDescriptors) -> TaskOutcome {
        outputs.removeAll(keepingCapacity: true)
        defer { descriptors.discard() }  // what the jobs did not take
        guard let type = registry.type(named: jobs.mangledTypeName) else {
            return TaskOutcome(completed: 0, failure: .jobTypeNotFound(jobs.mangledTypeName))
        }
        if case let .failed(error) = descriptors {
            return TaskOutcome(
                completed: 0,
                failure: .jobDecodingFailed(
                    typeName: String(reflecting: type), description: error.description))
        }
        let coding = TaskCoding(incoming: descriptors.incoming, outgoing: resultDescriptors)
        let outcome = jobs.payload.withUnsafeBytes { bytes in
            runJobs(type, payload: bytes, appendingOutputsTo: &outputs, coding: coding)
        }
        // What the jobs printed is written before their result is sent: nothing
        // is lost if the pool kills this worker later, and it precedes the result.
        flushStandardStreams()
        return outcome
    }

    private mutating func runTask(sequence: UInt64, jobs: EncodedJobs, descriptors: FrameDescriptors) {
        let outcome = execute(jobs, descriptors: descriptors)
        outputs.withUnsafeBytes { bytes in
            send(.result(sequence: sequence, completed: outcome.completed, failure: outcome.failure, outputs: bytes))
        }
    }

    /// Runs the initializer, if any, and says how it went: a worker that dies
    /// before saying anything died in its initializer.
    private mutating func start(initializer: EncodedJobs?, descriptors: FrameDescriptors) {
        if let initializer, let failure = execute(initializer, descriptors: descriptors).failure {
            send(.initializerFailed(failure))
            WorkerExit.initializerFailed.exit()
        }
        descriptors.discard()
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

    /// Sends `message` with the descriptors collected for it (then forgets them).
    private mutating func send(_ message: WorkerMessage) {
        defer { resultDescriptors.removeAll() }
        let descriptors = resultDescriptors.descriptors
        out.removeAll(keepingCapacity: true)
        message.write(to: &out, descriptors: descriptors.count)
        do {
            try out.withBytes { bytes throws(Errno) in
                if descriptors.isEmpty {
                    try SocketIO.writeAll(fd, bytes)
                } else {
                    let attachments = try DescriptorAttachment.spreading(
                        descriptors, overMessageAt: 0, count: bytes.count)
                    try SocketIO.writeAll(fd, bytes, attachments: attachments)
                }
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
            var message: (ParentMessage, FrameDescriptors)?
            var malformed = false
            let outcome: FrameReader.Outcome
            do {
                outcome = try reader.next(from: fd, nonBlocking: nonBlocking) { frame, descriptors in
                    do throws(MalformedMessage) {
                        message = (
                            try frame.withBytes { bytes throws(MalformedMessage) in try ParentMessage.read(from: bytes)
                            },
                            descriptors
                        )
                    } catch {
                        descriptors.discard()
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
            case .frame: nonBlocking = true  // take whatever else has arrived, without waiting
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

    private mutating func queue(_ message: (ParentMessage, FrameDescriptors)) {
        switch message.0 {
        case let .cancel(sequence):
            message.1.discard()
            cancelled.insert(sequence)
        case .start:
            isPoolWorker = true
            pending.append(message)
        case .task, .loadLibraries:
            pending.append(message)
        case let .globals(values):
            message.1.discard()
            registry.globals.values += values.values
        }
    }
}
