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
import Synchronization
import SystemPackage
internal import Threading

#if canImport(Glibc)
    import Glibc
#endif

/// Where a pool is in its life. The inbox holds the one copy (see ``Inbox``):
/// callers move it with `shutdown()` and `terminate()`, the I/O thread with a
/// broken initializer and its own end.
enum PoolLifecycle: Equatable {
    /// Accepts jobs.
    case running
    /// `shutdown()` (or the pool's release): finishes queued work, then stops.
    case draining
    /// `terminate()`: kills workers, fails pending jobs.
    case terminating
    /// A worker's initializer failed: no worker can run jobs.
    case broken(ProcessPoolError)
    /// The I/O thread has exited and closed the wake-up descriptor; it keeps
    /// the error of a pool that broke, for later submits.
    case finished(brokenBy: ProcessPoolError?)

    /// What a submit in this state throws, or `nil` if it is accepted.
    var submitError: (any Error)? {
        switch self {
        case .running: nil
        case .broken(let error), .finished(brokenBy: let error?): error
        case .draining, .terminating, .finished: JobError.shutDown
        }
    }

    var isFinished: Bool {
        if case .finished = self { return true }
        return false
    }
}

/// Requests from callers' threads to the I/O thread, collected under a lock
/// and handed over in one swap per wake-up.
struct Inbox {
    var lifecycle = PoolLifecycle.running
    var submissions: [TaskRecord] = []
    var stops: [TaskRecord] = []
    /// Questions about the loop's state, answered on the I/O thread (tests, diagnostics).
    var inspections: [@Sendable (PoolIOLoop) -> Void] = []
    var shutdownWaiters: [@Sendable () -> Void] = []
    var terminateWaiters: [ThreadParker] = []
    /// Whether the wake-up descriptor was signalled since the I/O thread last
    /// took the inbox (one signal is enough for any number of requests).
    var wakePending = false
    /// The pids of the workers that currently run (for tests and demos).
    var workerPIDs: [pid_t] = []
}

/// The state a `ProcessPool` shares between its callers and its I/O thread.
///
/// Callers touch only ``inbox`` (under its lock) and the wake-up descriptor;
/// everything else belongs to the I/O thread (see `PoolIOLoop`).
final class PoolCore: @unchecked Sendable {
    struct Initializer {
        var jobs: EncodedJobs
        /// The descriptors of its shared objects, sent to every new worker
        /// (kept open for the pool's life); `nil` if it holds none.
        var descriptors: OutgoingDescriptors?
        /// The type's name as Swift writes it, for errors.
        var typeName: String
    }

    let workerCount: Int
    let startMethod: ProcessPool.StartMethod
    let jobTimeout: Duration?
    let initializer: Initializer?
    /// The program's global variables that spawned workers copy in (see
    /// ``GlobalValues``): those of each job type's modules, taken on the
    /// caller's thread when the first job of a module is submitted (later
    /// changes do not travel), in that order. Forked workers have the
    /// parent's memory: none for them.
    let globals = LockedState(GlobalValues())
    /// How many values `globals` holds: read on every task the I/O thread
    /// sends, so an atomic rather than a look under the lock (as
    /// ``JobLibraryCatalog`` counts its libraries).
    let globalsCount = Atomic<Int>(0)
    private let modulesWithGlobals = LockedState(ModulesSeen())
    /// The job type whose globals were taken last: every submit of it after
    /// the first is one atomic load, not a look under a lock.
    private let lastTypeWithGlobals = Atomic<UInt>(0)
    let inbox = LockedState(Inbox())
    /// The I/O thread's `pthread_self()`, once it runs.
    let loopThread = Atomic<UInt>(0)
    /// Signalled to wake the I/O thread; closed (under the inbox lock) when it exits.
    let wakeup: WakeupDescriptor

    init(
        workerCount: Int, startMethod: ProcessPool.StartMethod, jobTimeout: Duration?,
        initializer: Initializer?
    ) throws(Errno) {
        self.workerCount = workerCount
        self.startMethod = startMethod
        self.jobTimeout = jobTimeout
        self.initializer = initializer
        self.wakeup = try WakeupDescriptor()
        if startMethod == .spawn { GlobalValues.findVariables() }
    }

    // MARK: From callers

    /// Hands a task to the I/O thread.
    func submit(_ task: TaskRecord) throws {
        captureGlobals(of: task.jobType)
        try inbox.withLock { inbox in
            if let error = inbox.lifecycle.submitError { throw error }
            inbox.submissions.append(task)
            wake(&inbox)
        }
    }

    /// Takes the values of the global variables of `type`'s modules, the
    /// first time a job of that type comes (spawned workers only), ahead of
    /// the job: workers receive them before any job of those modules.
    func captureGlobals(of type: any Any.Type) {
        let typeBits = UInt(bitPattern: ObjectIdentifier(type))
        guard startMethod == .spawn, lastTypeWithGlobals.load(ordering: .relaxed) != typeBits else { return }
        // Under one lock from the look to the append: a concurrent first
        // submit of the same module waits here, so that no job of a module
        // reaches the I/O thread before its globals do.
        modulesWithGlobals.withLock { seen in
            let modules = seen.newModules(of: type)
            guard !modules.isEmpty else { return }
            let captured = GlobalValues.capture(modules: modules)
            guard !captured.values.isEmpty else { return }
            globals.withLock { globals in
                globals.values += captured.values
                globalsCount.store(globals.values.count, ordering: .releasing)
            }
        }
        lastTypeWithGlobals.store(typeBits, ordering: .relaxed)
    }

    /// Asks the I/O thread to stop a task that was sent to a worker (a cancel).
    func requestStop(_ task: TaskRecord) {
        inbox.withLock { inbox in
            guard !inbox.lifecycle.isFinished else { return }
            inbox.stops.append(task)
            wake(&inbox)
        }
    }

    /// Stops accepting jobs; the I/O thread finishes the queued ones and exits.
    /// `waiter` runs once it has (at once if it already has).
    func requestShutdown(waiter: (@Sendable () -> Void)?) {
        let finished = inbox.withLock { inbox in
            if inbox.lifecycle.isFinished { return true }
            if inbox.lifecycle == .running { inbox.lifecycle = .draining }
            if let waiter { inbox.shutdownWaiters.append(waiter) }
            wake(&inbox)
            return false
        }
        if finished { waiter?() }
    }

    /// Kills every worker and fails every pending job; returns once that is done
    /// (reaping goes on in the background).
    func terminate() {
        let parker = ThreadParker()
        let mustWait = inbox.withLock { inbox in
            switch inbox.lifecycle {
            case .finished, .broken:
                return false  // a broken pool has already killed its workers and failed every job
            case .running, .draining, .terminating:
                inbox.lifecycle = .terminating
                inbox.terminateWaiters.append(parker)
                wake(&inbox)
                return true
            }
        }
        if mustWait && !PoolIOLoop.isCurrentThread(of: self) {
            _ = parker.park()
        }
    }

    var workerPIDs: [pid_t] { inbox.withLock { $0.workerPIDs } }

    /// Runs `body` on the I/O thread with the loop's state; `nil` if the loop has ended.
    func inspect<T: Sendable>(_ body: @escaping @Sendable (PoolIOLoop) -> T) async -> T? {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<T?, Never>) in
            let accepted = inbox.withLock { inbox in
                guard !inbox.lifecycle.isFinished else { return false }
                inbox.inspections.append { loop in continuation.resume(returning: body(loop)) }
                wake(&inbox)
                return true
            }
            if !accepted { continuation.resume(returning: nil) }
        }
    }

    /// The pid of the worker running the job of `future` now, if one is.
    func pidRunning<T>(_ future: JobFuture<T>) async -> pid_t? {
        let target = ObjectIdentifier(future)
        return await inspect { loop in loop.pidRunning(futureID: target) } ?? nil
    }

    /// Signals the wake-up descriptor unless a wake-up is already pending.
    /// Called under the inbox lock, so the descriptor cannot be closed meanwhile.
    private func wake(_ inbox: inout Inbox) {
        guard !inbox.wakePending, !inbox.lifecycle.isFinished else { return }
        inbox.wakePending = true
        wakeup.signal()
    }

    /// Marks the pool finished and closes the wake-up descriptor, once: when
    /// the I/O thread ends, or when it never started.
    func finish(_ inbox: inout Inbox) {
        guard !inbox.lifecycle.isFinished else { return }
        if case .broken(let error) = inbox.lifecycle {
            inbox.lifecycle = .finished(brokenBy: error)
        } else {
            inbox.lifecycle = .finished(brokenBy: nil)
        }
        wakeup.close()
    }
}
