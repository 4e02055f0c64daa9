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

/// A worker process's identity in its pool (never reused within a pool).
struct WorkerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    var rawValue: UInt32
    static func < (lhs: WorkerID, rhs: WorkerID) -> Bool { lhs.rawValue < rhs.rawValue }
    var description: String { "worker \(rawValue)" }
}

/// Which tasks wait, which worker holds which, and what is late: the pool's
/// bookkeeping as a pure value, with no processes or I/O, so every rule is
/// unit-tested on its own. The I/O thread owns it.
///
/// Rules:
/// - Each worker runs its tasks strictly in the order received, so the head of
///   its in-flight FIFO is the running task, started when the previous result
///   arrived, or when sent to an idle worker, or when a new worker said it was
///   ready (started, its initializer done): a job's time limit runs from then.
/// - A worker holds up to ``inFlightLimit`` tasks: many when tasks are short
///   (the next one is already there when the previous ends, hiding the round
///   trip), one when they are long (a queued task is not stuck behind a long
///   one while another worker idles). Tasks go to the least loaded worker.
/// - When a worker is lost, its head fails and the others go back to the
///   front of the queue in order: they never started.
/// - A worker that has been given `maxJobsPerWorker` jobs is retiring: it gets
///   nothing more and is closed when its last task ends.
struct Scheduler<Task> {
    enum Phase: Equatable {
        case accepting
        case retiring
    }

    struct Slot {
        var inFlight = Deque<Task>()
        /// Whether the worker runs jobs yet (it said so once started and initialized).
        var isReady = false
        /// When the head task started (meaningful while `inFlight` is not empty and the worker is ready).
        var headStarted = Deadline(nanoseconds: 0)
        var jobsAssigned = 0
        var phase = Phase.accepting

        /// Whether the head task is running (so its time counts).
        var isRunning: Bool { isReady && !inFlight.isEmpty }
    }

    let jobTimeout: Duration?
    let maxJobsPerWorker: Int?
    private(set) var queue = Deque<Task>()
    private(set) var slots: [WorkerID: Slot] = [:]
    /// Exponentially weighted mean of task durations, in nanoseconds.
    private(set) var averageTaskNanoseconds: Double?

    init(jobTimeout: Duration? = nil, maxJobsPerWorker: Int? = nil) {
        self.jobTimeout = jobTimeout
        self.maxJobsPerWorker = maxJobsPerWorker
    }

    // MARK: Workers

    mutating func addWorker(_ id: WorkerID) {
        slots[id] = Slot()
    }

    /// The worker said it runs jobs: a task it holds starts now.
    mutating func markReady(_ id: WorkerID, now: Deadline) {
        _ = modify(id) { slot in
            slot.isReady = true
            slot.headStarted = now
        }
    }

    /// Forgets a lost worker: returns its running task (the head), and puts the
    /// others back at the front of the queue.
    mutating func removeWorker(_ id: WorkerID) -> Task? {
        guard var slot = slots.removeValue(forKey: id) else { return nil }
        let head = slot.inFlight.popFirst()
        queue.insert(contentsOf: slot.inFlight, at: 0)
        return head
    }

    /// Workers that take new tasks (not retiring).
    var acceptingCount: Int { slots.values.count { $0.phase == .accepting } }

    func head(of id: WorkerID) -> Task? { slots[id]?.inFlight.first }

    func inFlight(of id: WorkerID) -> Deque<Task> { slots[id]?.inFlight ?? [] }

    /// Whether no task is queued or running.
    var isIdle: Bool { queue.isEmpty && slots.values.allSatisfy { $0.inFlight.isEmpty } }

    /// Stops giving `id` tasks (for instance the pool is closing it).
    mutating func retire(_ id: WorkerID) {
        _ = modify(id) { $0.phase = .retiring }
    }

    // MARK: Tasks

    mutating func enqueue(_ task: Task) {
        queue.append(task)
    }

    mutating func popQueued() -> Task? { queue.popFirst() }

    /// Removes every queued task, for a pool that stops.
    mutating func drainQueue() -> Deque<Task> {
        defer { queue.removeAll() }
        return queue
    }

    /// How many tasks a worker may hold, from how long tasks have been taking:
    /// enough queued behind the running one to cover the round trip from a
    /// result to the next task (about 150 µs here, waking two processes), and
    /// no more, so that a task rarely waits behind a slow one while another
    /// worker idles. Tasks of 10 ms or more go one at a time.
    var inFlightLimit: Int {
        guard let average = averageTaskNanoseconds else { return 2 }
        if average >= 10_000_000 { return 1 }
        let cover = (Self.roundTripNanoseconds / max(average, 1)).rounded(.up)
        return Int(min(1 + cover, Double(Self.largestInFlightLimit)))
    }

    static var roundTripNanoseconds: Double { 150_000 }
    static var largestInFlightLimit: Int { 32 }

    /// Workers ready for more tasks: accepting, and down to half their limit
    /// (so that a worker gets tasks in batches, one write for several).
    func workersWantingTasks() -> [WorkerID] {
        let limit = inFlightLimit
        let threshold = limit <= 4 ? limit : limit / 2
        return slots.compactMap { id, slot in
            slot.phase == .accepting && slot.inFlight.count < threshold ? id : nil
        }.sorted()
    }

    /// The least loaded of `candidates` that takes one more task, if any.
    func workerWithCapacity(among candidates: [WorkerID]) -> WorkerID? {
        let limit = inFlightLimit
        var best: (id: WorkerID, load: Int)?
        for id in candidates {
            guard let slot = slots[id], slot.phase == .accepting, slot.inFlight.count < limit else { continue }
            if best == nil || slot.inFlight.count < best!.load { best = (id, slot.inFlight.count) }
        }
        return best?.id
    }

    /// The least loaded worker that takes one more task, if any.
    func workerWithCapacity() -> WorkerID? {
        workerWithCapacity(among: slots.keys.sorted())
    }

    /// Records that `task`, holding `jobCount` jobs, was sent to `id` at `now`.
    mutating func assign(_ task: Task, jobCount: Int, to id: WorkerID, now: Deadline) {
        let maxJobs = maxJobsPerWorker
        let found: Void? = modify(id) { slot in
            if slot.inFlight.isEmpty { slot.headStarted = now }
            slot.inFlight.append(task)
            slot.jobsAssigned += jobCount
            if let maxJobs, slot.jobsAssigned >= maxJobs { slot.phase = .retiring }
        }
        precondition(found != nil, "assigning to unknown \(id)")
    }

    /// Takes a task assigned to `id` that never reached it (its frame could
    /// not be sent) out of its in-flight tasks; if it was the head, the next
    /// one starts at `now`.
    mutating func withdraw(from id: WorkerID, now: Deadline, where isTask: (Task) -> Bool) {
        _ = modify(id) { slot in
            guard let index = slot.inFlight.firstIndex(where: isTask) else { return }
            slot.inFlight.remove(at: index)
            if index == 0 { slot.headStarted = now }
        }
    }

    /// The head of `id` finished at `now`: returns it, and whether the worker
    /// is now done for good (retiring with nothing left).
    mutating func completeHead(of id: WorkerID, now: Deadline) -> (task: Task, retired: Bool)? {
        let outcome: (Task, Double, Bool)?? = modify(id) { slot in
            guard let task = slot.inFlight.popFirst() else { return nil }
            let elapsed = Double(now.nanoseconds &- slot.headStarted.nanoseconds)
            slot.headStarted = now
            return (task, elapsed, slot.phase == .retiring && slot.inFlight.isEmpty)
        }
        guard let (task, elapsed, retired) = outcome ?? nil else { return nil }
        averageTaskNanoseconds = averageTaskNanoseconds.map { $0 * 0.8 + elapsed * 0.2 } ?? elapsed
        return (task, retired)
    }

    /// Mutates the slot of `id` in place (a copy would copy its deque).
    private mutating func modify<R>(_ id: WorkerID, _ body: (inout Slot) -> R) -> R? {
        guard slots[id] != nil else { return nil }
        return body(&slots[id]!)
    }

    // MARK: Time limits

    /// Workers whose running task has exceeded the job timeout at `now`.
    func overdueWorkers(at now: Deadline) -> [WorkerID] {
        guard let timeout = jobTimeout else { return [] }
        return slots.compactMap { id, slot in
            slot.isRunning && slot.headStarted.advanced(by: timeout) <= now ? id : nil
        }.sorted()
    }

    /// When the next running task will exceed the job timeout, if any runs.
    var nextDeadline: Deadline? {
        guard let timeout = jobTimeout else { return nil }
        return slots.values.filter(\.isRunning).map { $0.headStarted.advanced(by: timeout) }.min()
    }
}
