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

internal import CMultiprocessingPlatform
internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

extension PoolIOLoop {
    // MARK: Starting

    /// Keeps `workerCount` workers taking tasks while there is work to come.
    ///
    /// A worker that died, or that the pool killed, is replaced once it has
    /// been reaped, not when its socket ends: a replacement started at once
    /// competes for the CPU with the dying process's exit, and the death then
    /// reached the caller several milliseconds late (measured on 2 vCPUs: a
    /// median of 7 ms instead of 0.5 ms). A retiring worker is replaced at once.
    func maintainWorkerCount() {
        switch lifecycle {
        case .running: break
        case .draining where !scheduler.queue.isEmpty: break
        default: return
        }
        let dying = workers.values.count { $0.state == .lost || $0.state == .killed }
        while scheduler.acceptingCount + dying < core.workerCount {
            do {
                try spawnWorker()
            } catch {
                if scheduler.acceptingCount == 0 {
                    for task in scheduler.drainQueue() { task.waiter.fail(ProcessPoolError.spawnFailed(error)) }
                }
                return
            }
        }
    }

    func spawnWorker() throws(Errno) {
        let started = try WorkerStarter.start(core.startMethod)
        let id = WorkerID(rawValue: nextWorkerID)
        nextWorkerID &+= 1
        let handle = WorkerHandle(id: id, started: started)
        do throws(Errno) {
            try register(handle.socket, events: UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue), as: .socket(id))
            try register(handle.pidfd.rawValue, events: UInt32(EPOLLIN.rawValue), as: .pidfd(id))
        } catch {
            handle.pidfd.killAndReap()
            closeDescriptor(handle.socket)
            handle.pidfd.close()
            throw error
        }
        workers[id] = handle
        scheduler.addWorker(id)
        sendWhatIsNew(to: handle)  // the initializer may be a library's job, or read globals
        append(
            .start(initializer: core.initializer?.jobs), carrying: core.initializer?.descriptors, for: nil, to: handle)
        workersChanged = true
    }

    /// Tells the worker, ahead of whatever is sent next, to load the job
    /// libraries the program loaded and the values of the global variables
    /// the pool took since it was last told, if any: so a worker has a
    /// library, and the globals of a module, before a job of them.
    func sendWhatIsNew(to handle: WorkerHandle) {
        let catalog = JobLibraryCatalog.shared
        if catalog.count > handle.librariesSent {
            let paths = catalog.paths(from: handle.librariesSent)
            handle.librariesSent += paths.count
            ParentMessage.loadLibraries(paths: paths).write(to: &handle.outgoing)
        }
        if core.globalsCount.load(ordering: .acquiring) > handle.globalsSent {
            let globals = core.globals.withLock { Array($0.values[handle.globalsSent...]) }
            handle.globalsSent += globals.count
            ParentMessage.globals(GlobalValues(values: globals)).write(to: &handle.outgoing)
        }
    }

    // MARK: Reading

    /// At most this many frames are taken from one worker per event, so that
    /// a worker that sends without pause does not starve the others (epoll
    /// reports the rest on the next turn).
    private static var framesPerEvent: Int { 64 }

    func socketEvent(_ id: WorkerID, events: UInt32) {
        guard let handle = workers[id] else { return }
        if events & UInt32(EPOLLOUT.rawValue) != 0 { flush(handle) }
        if events & ~UInt32(EPOLLOUT.rawValue) != 0 { read(from: handle, untilEnd: false) }
    }

    /// Reads and handles what the worker sent; with `untilEnd`, everything up
    /// to the end of stream (the worker has exited).
    func read(from handle: WorkerHandle, untilEnd: Bool) {
        var frames = 0
        while handle.socket >= 0 && (untilEnd || frames < Self.framesPerEvent) {
            frames += 1
            var malformed: MalformedMessage?
            let outcome: FrameReader.Outcome
            do {
                outcome = try handle.reader.next(from: handle.socket, nonBlocking: true) { frame, descriptors in
                    do throws(MalformedMessage) {
                        try frame.withBytes { bytes throws(MalformedMessage) in
                            try handleMessage(WorkerMessage.read(from: bytes), descriptors: descriptors, from: handle)
                        }
                    } catch {
                        descriptors.discard()
                        malformed = error
                    }
                }
            } catch .readFailed {
                return socketEnded(handle)  // ECONNRESET and the like: the worker is gone
            } catch {
                return violation(by: handle, error.description)
            }
            if let malformed { return violation(by: handle, malformed.description) }
            switch outcome {
            case .frame: continue
            case .wouldBlock: return
            case .endOfStream: return socketEnded(handle)
            }
        }
    }

    /// Handles a message and the descriptors that came with it (those of a
    /// result's outputs and error; other messages carry none).
    private func handleMessage(_ message: WorkerMessage, descriptors: FrameDescriptors, from handle: WorkerHandle)
        throws(MalformedMessage)
    {
        switch message {
        case let .result(sequence, completed, failure, outputs):
            let task = try completeHead(of: handle, sequence: sequence)
            task.deliver(outputs: outputs, completed: completed, failure: failure, descriptors: descriptors)
        case let .skipped(sequence):
            descriptors.discard()
            _ = try completeHead(of: handle, sequence: sequence)
        case let .initializerFailed(failure):
            descriptors.discard()
            breakPool(with: ProcessPoolError.initializerFailed(Self.remoteError(failure)))
        case .ready:
            descriptors.discard()
            handle.isReady = true
            scheduler.markReady(handle.id, now: .now)
        }
    }

    private static func remoteError(_ failure: WorkerFailure) -> RemoteError {
        switch failure {
        case let .thrown(_, typeName, description, _): RemoteError(typeName: typeName, description: description)
        case let .remote(error): error
        default:
            RemoteError(
                typeName: "ProcessPoolError",
                description: String(
                    describing: ErrorTransport.recreate(failure, job: JobDescription(typeName: "", sequenceNumber: 0))))
        }
    }

    private func completeHead(of handle: WorkerHandle, sequence: UInt64) throws(MalformedMessage) -> TaskRecord {
        guard let head = scheduler.head(of: handle.id), head.sequence == sequence,
            let (task, retired) = scheduler.completeHead(of: handle.id, now: .now)
        else {
            throw MalformedMessage(description: "a result for task #\(sequence), which it was not running")
        }
        task.worker = nil
        if retired { closeWorker(handle) }
        return task
    }

    // MARK: Ending

    /// The worker closed its end: expected if the pool closed the socket first,
    /// otherwise it is dying; its status arrives through the pidfd.
    func socketEnded(_ handle: WorkerHandle) {
        closeSocket(handle)
        guard handle.state == .running else { return }
        handle.state = .lost
        scheduler.retire(handle.id)
        // Normally it is already exiting; this only guarantees it does (a job
        // that closed descriptor 3 and went on running).
        _ = try? handle.pidfd.send(SIGKILL)
        workersChanged = true
    }

    /// The pidfd is readable: the worker exited. Its last results are read
    /// first, then it is reaped; a job it was still running fails with its status.
    func workerExited(_ id: WorkerID) {
        guard let handle = workers[id] else { return }
        if handle.socket >= 0 { read(from: handle, untilEnd: true) }
        closeSocket(handle)
        let status: ExitStatus
        do {
            status = try handle.pidfd.reap(blocking: true).map(ExitStatus.init(waitStatus:)) ?? .signaled(SIGKILL)
        } catch {
            status = .exited(-1)  // reaped by someone else (a stray waitpid(-1)): status unknown
        }
        epoll.remove(handle.pidfd.rawValue)
        handle.pidfd.close()
        workers[id] = nil
        workersChanged = true
        let head = scheduler.removeWorker(id)  // its other tasks go back to the queue
        if !handle.isReady && !handle.state.isEndedByPool, let initializer = core.initializer {
            // It died in the initializer: a replacement would only die the same way.
            let error = ProcessPoolError.initializerFailed(
                RemoteError(
                    typeName: initializer.typeName,
                    description: "the worker process \(handle.pid) died running the initializer: \(status)"))
            head?.waiter.fail(error)
            breakPool(with: error)
        } else if let head {
            head.waiter.fail(ProcessPoolError.workerCrashed(pid: handle.pid, status: status, job: head.job))
        }
    }

    /// Kills a worker whose running task must stop (timeout, cancel): the task
    /// fails with `error` at once, the others go back to the queue.
    func abandonWorker(_ handle: WorkerHandle, failingHeadWith error: any Error) {
        _ = try? handle.pidfd.send(SIGKILL)
        closeSocket(handle)
        handle.state = .killed
        workersChanged = true
        if let head = scheduler.removeWorker(handle.id) { head.waiter.fail(error) }
    }

    /// A worker that broke the protocol is killed; its task fails saying so.
    private func violation(by handle: WorkerHandle, _ detail: String) {
        let job = scheduler.head(of: handle.id)?.job ?? JobDescription(typeName: "none", sequenceNumber: 0)
        abandonWorker(
            handle, failingHeadWith: ProcessPoolError.workerProtocolViolation(pid: handle.pid, detail: detail, job: job)
        )
    }

    /// Ends an idle worker normally: the end of its input makes it exit.
    func closeWorker(_ handle: WorkerHandle) {
        _ = scheduler.removeWorker(handle.id)
        // shutdown(2) ends the stream for the worker even if a process the
        // program forked still holds a copy of this descriptor (close would not).
        if handle.socket >= 0 { _ = try? shutdownSocket(handle.socket, .write) }
        closeSocket(handle)
        handle.state = .closing
        workersChanged = true
    }

    func closeIdleWorkers() {
        for handle in workers.values where handle.state == .running && scheduler.inFlight(of: handle.id).isEmpty {
            closeWorker(handle)
        }
    }

    func closeSocket(_ handle: WorkerHandle) {
        guard handle.socket >= 0 else { return }
        epoll.remove(handle.socket)
        closeDescriptor(handle.socket)
        handle.socket = -1
        handle.clearOutgoing()
        handle.isWatchingWritable = false
    }
}
