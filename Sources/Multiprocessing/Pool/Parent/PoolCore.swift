internal import MultiprocessingPlatform
internal import Threading
import DequeModule
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What a pool is doing, as callers see it.
enum PoolLifecycle: Equatable {
    /// Accepts jobs.
    case running
    /// `shutdown()` (or the pool's release): finishes queued work, then stops.
    case draining
    /// `terminate()`: kills workers, fails pending jobs.
    case terminating
    /// A worker's initializer failed: no worker can run jobs.
    case broken(ProcessPoolError)
    /// The I/O thread has exited; everything is released.
    case finished
}

/// Requests from callers' threads to the I/O thread, collected under a lock
/// and handed over in one swap per wake-up.
struct Inbox {
    var lifecycle = PoolLifecycle.running
    var submissions: [TaskRecord] = []
    var stops: [TaskRecord] = []
    /// Questions about the loop's state, answered on the I/O thread (tests, diagnostics).
    var inspections: [@Sendable (PoolIOLoop) -> Void] = []
    var shutdownRequested = false
    var terminateRequested = false
    var shutdownWaiters: [@Sendable () -> Void] = []
    var terminateWaiters: [ThreadParker] = []
    /// Whether the eventfd was written and the I/O thread has not drained yet.
    var wakePending = false
    /// Whether the I/O thread has exited and closed the eventfd.
    var isEventFDClosed = false
    /// The pids of the workers that currently run (for tests and demos).
    var workerPIDs: [pid_t] = []
}

/// The state a `ProcessPool` shares between its callers and its I/O thread.
///
/// Callers touch only ``inbox`` (under its lock) and the eventfd; everything
/// else belongs to the I/O thread (see `PoolIOLoop`).
final class PoolCore: @unchecked Sendable {
    struct Initializer {
        var mangledTypeName: String
        /// The type's name as Swift writes it, for errors.
        var typeName: String
        var payload: [UInt8]
    }

    let workerCount: Int
    let startMethod: ProcessPool.StartMethod
    let jobTimeout: Duration?
    let initializer: Initializer?
    let inbox = LockedState(Inbox())
    /// The I/O thread's `pthread_self()`, once it runs.
    let loopThread = Atomic<UInt>(0)
    /// Signalled to wake the I/O thread; closed (under the inbox lock) when it exits.
    let wakeup: WakeupDescriptor

    init(workerCount: Int, startMethod: ProcessPool.StartMethod, jobTimeout: Duration?,
         initializer: Initializer?) throws(Errno) {
        self.workerCount = workerCount
        self.startMethod = startMethod
        self.jobTimeout = jobTimeout
        self.initializer = initializer
        self.wakeup = try WakeupDescriptor()
    }

    // MARK: From callers

    /// Hands a task to the I/O thread.
    func submit(_ task: TaskRecord) throws {
        try inbox.withLock { inbox in
            switch inbox.lifecycle {
            case .running:
                inbox.submissions.append(task)
                wake(&inbox)
            case .broken(let error):
                throw error
            case .draining, .terminating, .finished:
                throw JobError.shutDown
            }
        }
    }

    /// Asks the I/O thread to stop a task that was sent to a worker (a cancel).
    func requestStop(_ task: TaskRecord) {
        inbox.withLock { inbox in
            guard !inbox.isEventFDClosed else { return }
            inbox.stops.append(task)
            wake(&inbox)
        }
    }

    /// Stops accepting jobs; the I/O thread finishes the queued ones and exits.
    func requestShutdown(waiter: (@Sendable () -> Void)?) {
        let finished = inbox.withLock { inbox in
            if inbox.isEventFDClosed { return true }
            if inbox.lifecycle == .running { inbox.lifecycle = .draining }
            inbox.shutdownRequested = true
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
            if inbox.isEventFDClosed { return false }
            switch inbox.lifecycle {
            case .finished, .broken:
                return false // a broken pool has already killed its workers and failed every job
            case .running, .draining, .terminating:
                inbox.lifecycle = .terminating
                inbox.terminateRequested = true
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
                guard !inbox.isEventFDClosed else { return false }
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

    /// Writes the eventfd unless a wake-up is already pending. Called under the
    /// inbox lock, so the descriptor cannot be closed meanwhile.
    private func wake(_ inbox: inout Inbox) {
        guard !inbox.wakePending, !inbox.isEventFDClosed else { return }
        inbox.wakePending = true
        wakeup.signal()
    }
}

extension PoolCore {
    /// The I/O thread never ran its loop: release the eventfd and mark the pool finished.
    func abandon() {
        inbox.withLock { inbox in
            inbox.lifecycle = .finished
            if !inbox.isEventFDClosed {
                wakeup.close()
                inbox.isEventFDClosed = true
            }
        }
    }
}
