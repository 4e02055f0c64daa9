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
import Synchronization

/// What a ``ThreadPool``'s queue holds: work for a pool thread to run, and
/// how to cancel it instead when a shutdown cancels what is queued.
///
/// Two closures, each capturing only the future (or chunk) it drives, need
/// no allocation of their own; made where the pool is called, they are
/// specialized for the job's output type. (A bare closure stored in a
/// generic container would be reabstracted through a thunk, which costs an
/// allocation per job: hence the struct.)
@usableFromInline
struct WorkItem: Sendable {
    @usableFromInline let run: @Sendable () -> Void
    @usableFromInline let cancel: @Sendable () -> Void

    @inlinable
    init(run: @escaping @Sendable () -> Void, cancel: @escaping @Sendable () -> Void) {
        self.run = run
        self.cancel = cancel
    }
}

/// The queue and worker loop behind ``ThreadPool``: one mutex, one condition
/// that idle workers wait on, and a `Deque` of queued futures.
///
/// Kept apart from `ThreadPool` so the workers never keep the pool object
/// alive: a pool dropped without `shutdown` still finishes its queued work,
/// and its threads then exit.
@usableFromInline
final class WorkQueue: @unchecked Sendable {
    @usableFromInline
    typealias Item = WorkItem

    private enum State {
        case accepting
        /// No new work; workers drain the queue, then exit.
        case draining
    }

    private let mutex = PThreadMutex(.adaptive)
    /// Signalled when work arrives for an idle worker, broadcast on shutdown.
    private let workAvailable = PThreadCondition()
    /// Broadcast when the last worker exits.
    private let workersExited = PThreadCondition()
    // Guarded by `mutex`:
    private var items = Deque<Item>()
    /// `items.count`, also readable without the mutex, for idle workers that
    /// look for work a little while before going to sleep.
    private let queuedCount = Atomic<Int>(0)
    /// How an idle worker looks for work before it sleeps (submitters are
    /// threads of this process).
    private let idleSpin = SpinPolicy(peers: .inThisProcess, yields: 50, longestSpin: .microseconds(20))
    private var state = State.accepting
    private var idleWorkers = 0
    /// Signals sent to idle workers that have not woken yet, so that a burst
    /// of submissions does not signal the same sleeping worker many times.
    private var pendingWakeups = 0
    private var liveWorkers: Int
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    init(workers: Int) {
        liveWorkers = workers
    }

    /// Items queued and not yet taken by a worker: a snapshot (for tests).
    var queuedItemCount: Int { queuedCount.load(ordering: .relaxed) }

    /// Queues `item`; `false` if the queue no longer accepts work.
    @usableFromInline
    func enqueue(_ item: Item) -> Bool {
        mutex.lock()
        guard case .accepting = state else {
            mutex.unlock()
            return false
        }
        items.append(item)
        queuedCount.store(items.count, ordering: .relaxed)
        let wake = idleWorkers > pendingWakeups
        if wake { pendingWakeups += 1 }
        mutex.unlock()
        if wake { workAvailable.signal() }
        return true
    }

    /// Runs on each worker thread until the queue is drained after shutdown.
    func runWorker() {
        while let item = nextItem() {
            item.run()
        }
        workerExited()
    }

    private func nextItem() -> Item? {
        mutex.lock()
        if let item = popLocked() {
            mutex.unlock()
            return item
        }
        if case .accepting = state {
            mutex.unlock()
            if let item = lookForWorkBeforeSleeping() { return item }
            mutex.lock()
        }
        defer { mutex.unlock() }
        while true {
            if let item = popLocked() { return item }
            guard case .accepting = state else { return nil }
            idleWorkers += 1
            workAvailable.wait(on: mutex)
            idleWorkers -= 1
            if pendingWakeups > 0 { pendingWakeups -= 1 }
        }
    }

    /// Submitters often add the next job within microseconds: look for it a
    /// few times before sleeping, which would cost this thread a futex wait
    /// and the submitter a futex wake. Only `tryLock` here, so idle workers
    /// racing for one new job never put each other to sleep on the mutex.
    private func lookForWorkBeforeSleeping() -> Item? {
        var spin = SpinWait(idleSpin)
        defer { spin.finish() }
        repeat {
            if queuedCount.load(ordering: .relaxed) > 0, mutex.tryLock() {
                let item = popLocked()
                mutex.unlock()
                if let item { return item }
            }
        } while spin.pause()
        return nil
    }

    /// Called holding the mutex.
    private func popLocked() -> Item? {
        guard let item = items.popFirst() else { return nil }
        queuedCount.store(items.count, ordering: .relaxed)
        return item
    }

    private func workerExited() {
        let waiters: [CheckedContinuation<Void, Never>] = mutex.withLock {
            liveWorkers -= 1
            guard liveWorkers == 0 else { return [] }
            workersExited.broadcast()
            defer { exitWaiters = [] }
            return exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops accepting work and lets workers exit once the queue is empty.
    ///
    /// - Parameter cancelQueued: also take every queued item out and cancel
    ///   it, so only running jobs finish (Python's `cancel_futures=True`).
    func beginShutdown(cancelQueued: Bool = false) {
        let dropped: Deque<Item> = mutex.withLock {
            state = .draining
            workAvailable.broadcast()
            guard cancelQueued else { return [] }
            defer {
                items.removeAll()
                queuedCount.store(0, ordering: .relaxed)
            }
            return items
        }
        // Outside the lock: cancelling runs the futures' callbacks.
        for item in dropped { item.cancel() }
    }

    /// Blocks until every worker has exited.
    func waitForWorkers() {
        mutex.withLock {
            while liveWorkers > 0 { workersExited.wait(on: mutex) }
        }
    }

    /// Suspends, without blocking a thread, until every worker has exited.
    func workersFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = mutex.withLock {
                if liveWorkers == 0 { return true }
                exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
