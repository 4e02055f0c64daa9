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
import DequeModule
internal import MultiprocessingPlatform
import SystemPackage
internal import Threading

#if canImport(Glibc)
    import Glibc
#endif

/// The pool's single I/O thread: one `epoll` set over the wake-up descriptor
/// and every worker's non-blocking socket and pidfd; its time-out is the
/// nearest job deadline. It owns the scheduler and the workers, so nothing
/// here locks except the hand-over of commands (see `PoolCore`).
///
/// Each turn: read what woke it (results, deaths, commands), act on deadlines,
/// keep the worker count up, hand queued tasks to workers, then send every
/// worker's pending frames with one `send` each.
final class PoolIOLoop {
    let core: PoolCore
    let epoll: Epoll
    var scheduler: Scheduler<TaskRecord>
    var workers: [WorkerID: WorkerHandle] = [:]
    /// The inbox's lifecycle as of this turn: the inbox owns it, and the loop
    /// changes it only through the inbox (``breakPool(with:)``).
    private(set) var lifecycle = PoolLifecycle.running
    /// Whether the loop has acted on `terminate()` (killed and failed everything).
    private var hasTerminated = false
    var nextWorkerID: UInt32 = 1
    var nextSequence: UInt64 = 0
    var workersChanged = false

    init(core: PoolCore, maxJobsPerWorker: Int?) throws(Errno) {
        self.core = core
        self.scheduler = Scheduler(jobTimeout: core.jobTimeout, maxJobsPerWorker: maxJobsPerWorker)
        self.epoll = try Epoll()
        do throws(Errno) {
            try register(core.wakeup.rawValue, events: UInt32(EPOLLIN.rawValue), as: .commands)
        } catch {
            epoll.close()
            throw error
        }
    }

    static func isCurrentThread(of core: PoolCore) -> Bool {
        core.loopThread.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Starts the first workers; on failure everything started is released.
    func startWorkers() throws(Errno) {
        core.loopThread.store(UInt(pthread_self()), ordering: .releasing)
        do throws(Errno) {
            for _ in 0..<core.workerCount { try spawnWorker() }
            publishWorkers()
        } catch {
            for handle in workers.values {
                handle.pidfd.killAndReap()
                closeSocket(handle)
                handle.pidfd.close()
            }
            workers.removeAll()
            finish()
            throw error
        }
    }

    // MARK: The loop

    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            var deadline = scheduler.nextDeadline ?? .distantFuture
            if lifecycle != .running {
                deadline = min(deadline, .after(.milliseconds(100)))  // while stopping, look again now and then
            }
            let count: Int
            do {
                count = try epoll.wait(into: &events, until: deadline)
            } catch {
                preconditionFailure("epoll_wait failed: \(error)")
            }
            var commandsArrived = false
            for event in events[..<count] {
                switch EventSource(rawValue: event.data.u64) {
                case .commands?: commandsArrived = true
                case .socket(let id)?: socketEvent(id, events: event.events)
                case .pidfd(let id)?: workerExited(id)
                case nil: preconditionFailure("unknown epoll event source")
                }
            }
            if commandsArrived { takeCommands() }
            let now = Deadline.now
            stopOverdueJobs(now)
            maintainWorkerCount()
            dispatch(now)
            // After dispatch, which drops cancelled tasks: nothing else may wake the loop.
            if lifecycle == .draining && scheduler.isIdle { closeIdleWorkers() }
            flushAll()
            if workersChanged { publishWorkers() }
            if lifecycle != .running && workers.isEmpty && scheduler.isIdle { break }
        }
        finish()
    }

    /// Releases the loop's descriptors and wakes whoever waits for the end.
    private func finish() {
        epoll.close()
        let (shutdownWaiters, terminateWaiters, inspections) = core.inbox.withLock { inbox in
            core.finish(&inbox)
            inbox.workerPIDs = []
            defer {
                inbox.shutdownWaiters = []
                inbox.terminateWaiters = []
                inbox.inspections = []
            }
            return (inbox.shutdownWaiters, inbox.terminateWaiters, inbox.inspections)
        }
        for inspection in inspections { inspection(self) }
        shutdownWaiters.forEach { $0() }
        terminateWaiters.forEach { $0.unpark() }
    }

    // MARK: Commands

    private func takeCommands() {
        core.wakeup.drain()
        let (submissions, stops, inspections, terminateWaiters, lifecycle) = core.inbox.withLock { inbox in
            inbox.wakePending = false
            defer {
                inbox.submissions = []
                inbox.stops = []
                inbox.inspections = []
                inbox.terminateWaiters = []
            }
            return (inbox.submissions, inbox.stops, inbox.inspections, inbox.terminateWaiters, inbox.lifecycle)
        }
        self.lifecycle = lifecycle
        for inspection in inspections { inspection(self) }
        for task in submissions {
            if lifecycle == .running || lifecycle == .draining {
                scheduler.enqueue(task)
            } else {
                task.waiter.fail(lifecycle.submitError ?? JobError.shutDown)
            }
        }
        for task in stops { stop(task) }
        if lifecycle == .terminating && !hasTerminated {
            hasTerminated = true
            failEverything(with: JobError.shutDown)
        }
        terminateWaiters.forEach { $0.unpark() }
    }

    /// No worker can run jobs: every pending job fails with `error`, and so does every later submit.
    func breakPool(with error: ProcessPoolError) {
        lifecycle = .broken(error)
        core.inbox.withLock { $0.lifecycle = .broken(error) }
        failEverything(with: error)
    }

    func pidRunning(futureID: ObjectIdentifier) -> pid_t? {
        for handle in workers.values where handle.state == .running {
            if let head = scheduler.head(of: handle.id), head.waiter.futureID == futureID { return handle.pid }
        }
        return nil
    }

    /// A cancelled task that was sent: a running one is stopped by killing its
    /// worker; one still waiting in the worker is skipped by it.
    private func stop(_ task: TaskRecord) {
        guard let id = task.worker, let handle = workers[id], handle.state == .running else { return }
        if scheduler.head(of: id) === task {
            abandonWorker(handle, failingHeadWith: JobError.cancelled)
        } else if scheduler.inFlight(of: id).contains(where: { $0 === task }) {
            append(.cancel(sequence: task.sequence), carrying: nil, for: task, to: handle)
        }
    }

    /// Kills every worker and fails every task (terminate, broken pool).
    func failEverything(with error: any Error) {
        for handle in workers.values where handle.state == .running || handle.state == .closing {
            _ = try? handle.pidfd.send(SIGKILL)
            closeSocket(handle)
            handle.state = .killed
            if let head = scheduler.removeWorker(handle.id) { head.waiter.fail(error) }
        }
        for task in scheduler.drainQueue() { task.waiter.fail(error) }
        workersChanged = true
    }

    // MARK: Deadlines

    private func stopOverdueJobs(_ now: Deadline) {
        guard let timeout = core.jobTimeout else { return }
        for id in scheduler.overdueWorkers(at: now) {
            guard let handle = workers[id] else { continue }
            abandonWorker(handle, failingHeadWith: JobError.timedOut(timeout))
        }
    }

    // MARK: Dispatch

    /// Hands queued tasks to workers with room, appending their frames.
    private func dispatch(_ now: Deadline) {
        guard !scheduler.queue.isEmpty else { return }
        let candidates = scheduler.workersWantingTasks()
        while !scheduler.queue.isEmpty, let id = scheduler.workerWithCapacity(among: candidates) {
            guard let task = scheduler.popQueued() else { break }
            if task.hasBegun {
                if task.waiter.isAbandoned { continue }  // cancelled after a requeue
            } else {
                let core = self.core
                guard task.waiter.begin(stop: { core.requestStop(task) }) else { continue }
                task.hasBegun = true
            }
            if task.sequence == 0 {
                nextSequence += 1
                task.sequence = nextSequence
            }
            task.worker = id
            scheduler.assign(task, jobCount: task.jobCount, to: id, now: now)
            guard let handle = workers[id] else { preconditionFailure("\(id) has no handle") }
            sendWhatIsNew(to: handle)
            append(.task(sequence: task.sequence, jobs: task.jobs), carrying: task.descriptors, for: task, to: handle)
        }
    }

    /// Appends `message` to what `handle` is sent, with `descriptors` (those
    /// of the shared objects in `task`'s jobs, or in the initializer when
    /// `task` is `nil`) attached to its first bytes.
    func append(
        _ message: ParentMessage, carrying descriptors: OutgoingDescriptors?, for task: TaskRecord?,
        to handle: WorkerHandle
    ) {
        let start = handle.outgoing.count
        let list = descriptors?.descriptors ?? []
        do {
            handle.attachments += try message.write(to: &handle.outgoing, carrying: list)
        } catch {
            return failUnsent(task, on: handle, error)
        }
        guard let descriptors, !list.isEmpty else { return }
        handle.descriptorFrames.append(
            DescriptorFrame(range: start..<handle.outgoing.count, descriptors: descriptors, task: task))
    }

    private func flushAll() {
        for handle in workers.values where handle.hasUnsentBytes {
            flush(handle)
        }
    }

    /// Sends what the socket accepts, each frame's descriptors with its first
    /// bytes; watches for writability if it is full.
    func flush(_ handle: WorkerHandle) {
        guard handle.socket >= 0 else { return }
        while handle.hasUnsentBytes {
            let socket = handle.socket
            let offset = handle.sentCount
            let carriesDescriptors = handle.attachments.first?.offset == offset
            do {
                handle.sentCount += try handle.outgoing.withBytes { bytes throws(Errno) in
                    try SocketIO.sendSome(
                        socket, bytes, from: offset, attachments: &handle.attachments, nonBlocking: true)
                }
                handle.releaseSentDescriptors()
            } catch .wouldBlock {
                watchWritable(handle, true)
                return
            } catch  where carriesDescriptors && error != .brokenPipe && error != .connectionReset {
                // The kernel refused the descriptors (ETOOMANYREFS, ENOMEM): nothing was sent.
                guard withdrawFrame(at: offset, of: handle, error) else { return }
            } catch {
                // The worker is gone (EPIPE, ECONNRESET): its end of stream or pidfd says how.
                handle.clearOutgoing()
                return
            }
        }
        handle.clearOutgoing(keepingCapacity: handle.outgoing.capacity <= 1 << 20)
        if handle.isWatchingWritable { watchWritable(handle, false) }
    }

    /// Takes out a frame at `offset` whose descriptors could not be sent and
    /// fails its task; returns whether the worker can go on. A frame of more
    /// than 253 descriptors refused after its first bytes went cannot be
    /// taken back: the worker is then treated as lost.
    private func withdrawFrame(at offset: Int, of handle: WorkerHandle, _ error: Errno) -> Bool {
        guard let frame = handle.descriptorFrames.first(where: { $0.range.contains(offset) }) else {
            preconditionFailure("descriptors at \(offset) without their frame")
        }
        let whole = frame.range.lowerBound == offset
        if whole { handle.removeUnsentFrame(frame.range) }
        failUnsent(frame.task, on: handle, error)
        if !whole { socketEnded(handle) }
        return whole
    }

    /// A task (or, for `nil`, the start message with the initializer) whose
    /// frame could not be sent with its descriptors: it fails and leaves the
    /// worker's tasks; without the initializer's objects no worker can start,
    /// so the pool breaks.
    private func failUnsent(_ task: TaskRecord?, on handle: WorkerHandle, _ error: Errno) {
        let reason = ProcessPool.descriptorsUnsent(error, to: "a worker")
        guard let task else {
            let typeName = core.initializer?.typeName ?? "initializer"
            return breakPool(with: .initializerFailed(RemoteError(typeName: typeName, description: reason)))
        }
        scheduler.withdraw(from: handle.id, now: .now) { $0 === task }
        task.worker = nil
        task.waiter.fail(ProcessPoolError.jobEncodingFailed(typeName: task.typeName, description: reason))
    }

    private func watchWritable(_ handle: WorkerHandle, _ watch: Bool) {
        guard handle.isWatchingWritable != watch, handle.socket >= 0 else { return }
        handle.isWatchingWritable = watch
        let events = UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue) | (watch ? UInt32(EPOLLOUT.rawValue) : 0)
        do {
            try epoll.modify(handle.socket, events: events, tag: EventSource.socket(handle.id).rawValue)
        } catch {
            preconditionFailure("epoll_ctl(MOD) failed: \(error)")
        }
    }

    func register(_ fd: Int32, events: UInt32, as source: EventSource) throws(Errno) {
        try epoll.add(fd, events: events, tag: source.rawValue)
    }

    func publishWorkers() {
        workersChanged = false
        let pids = workers.values.filter { $0.state == .running }.map(\.pid).sorted()
        core.inbox.withLock { $0.workerPIDs = pids }
    }
}
