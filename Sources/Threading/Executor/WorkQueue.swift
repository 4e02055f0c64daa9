import DequeModule

/// The queue and worker loop behind ``ThreadPool``: one mutex, one condition
/// that idle workers wait on, and a `Deque` of type-erased work items.
///
/// Kept apart from `ThreadPool` so the workers never keep the pool object
/// alive: a pool dropped without `shutdown` still finishes its queued work,
/// and its threads then exit.
final class WorkQueue: @unchecked Sendable {
    typealias Item = @Sendable () -> Void

    private enum State {
        case accepting
        /// No new work; workers drain the queue, then exit.
        case draining
    }

    private let mutex = PThreadMutex()
    /// Signalled when work arrives for an idle worker, broadcast on shutdown.
    private let workAvailable = PThreadCondition()
    /// Broadcast when the last worker exits.
    private let workersExited = PThreadCondition()
    // Guarded by `mutex`:
    private var items = Deque<Item>()
    private var state = State.accepting
    private var idleWorkers = 0
    /// Signals sent to idle workers that have not woken yet, so that a burst
    /// of submissions does not signal the same sleeping worker many times.
    private var pendingWakeups = 0
    private var liveWorkers: Int
    private var exitWaiters: [UnsafeContinuation<Void, Never>] = []

    init(workers: Int) {
        liveWorkers = workers
    }

    /// Queues `item`; `false` if the queue no longer accepts work.
    func enqueue(_ item: @escaping Item) -> Bool {
        mutex.lock()
        guard case .accepting = state else {
            mutex.unlock()
            return false
        }
        items.append(item)
        let wake = idleWorkers > pendingWakeups
        if wake { pendingWakeups += 1 }
        mutex.unlock()
        if wake { workAvailable.signal() }
        return true
    }

    /// Runs on each worker thread until the queue is drained after shutdown.
    func runWorker() {
        while let item = nextItem() {
            item()
        }
        workerExited()
    }

    private func nextItem() -> Item? {
        mutex.lock()
        defer { mutex.unlock() }
        while items.isEmpty {
            guard case .accepting = state else { return nil }
            idleWorkers += 1
            workAvailable.wait(on: mutex)
            idleWorkers -= 1
            if pendingWakeups > 0 { pendingWakeups -= 1 }
        }
        return items.removeFirst()
    }

    private func workerExited() {
        let waiters: [UnsafeContinuation<Void, Never>] = mutex.withLock {
            liveWorkers -= 1
            guard liveWorkers == 0 else { return [] }
            workersExited.broadcast()
            defer { exitWaiters = [] }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops accepting work and lets workers exit once the queue is empty.
    func beginShutdown() {
        mutex.withLock {
            state = .draining
            workAvailable.broadcast()
        }
    }

    /// Blocks until every worker has exited.
    func waitForWorkers() {
        mutex.withLock {
            while liveWorkers > 0 { workersExited.wait(on: mutex) }
        }
    }

    /// Suspends, without blocking a thread, until every worker has exited.
    func workersFinished() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let done: Bool = mutex.withLock {
                if liveWorkers == 0 { return true }
                exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
