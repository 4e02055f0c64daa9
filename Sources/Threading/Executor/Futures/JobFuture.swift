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

/// The eventual output of a job submitted to a ``JobExecutor``.
///
/// A future is created by `submit` and completed exactly once by the executor:
/// with the job's output, with the error the job threw, or with a ``JobError``
/// when the job was cancelled, timed out or never ran. Read the outcome with
/// ``value`` from async code, or with ``wait()`` / ``wait(timeout:)`` from a
/// plain thread. Any number of callers may wait; all see the same outcome.
///
/// ## Cancellation
/// ``cancel()`` on a queued job guarantees it never runs. What it does to a
/// running job depends on the executor: a `ProcessPool` kills the worker
/// running it (and starts a replacement), a ``ThreadPool`` cannot stop a
/// thread, so the job finishes and `cancel()` returns `false`. Cancelling a
/// task that awaits ``value`` cancels the job the same way.
public final class JobFuture<Value: Sendable>: @unchecked Sendable {
    /// Tasks wait through checked continuations: besides catching misuse,
    /// their `resume` runs inside the concurrency library, which keeps
    /// ThreadSanitizer from reporting the runtime's continuation hand-off as
    /// a race (swiftlang/swift#57803) when a pool thread resumes a task.
    @usableFromInline
    enum Waiter: Sendable {
        case task(CheckedContinuation<Value, any Error>)
        case thread(ThreadParker)
        case callback(@Sendable (Result<Value, any Error>) -> Void)
        /// A watcher of many futures (``JobFutures``), told this future's index.
        case observer(any JobFutureObserver, index: Int)
    }

    @usableFromInline
    enum State: Sendable {
        /// Submitted, not started: cancelling it means it never runs.
        case queued([Waiter])
        /// Started; `stop`, when the executor can stop a running job, does so.
        case running([Waiter], stop: (@Sendable () -> Void)?)
        case finished(Result<Value, any Error>)
    }

    // The hot paths are `@inlinable` so that executors outside this module
    // (and benchmarks) get code specialized for their `Value` instead of
    // generic code that looks up type metadata on every call. The lock is an
    // entry of a shared table of pthread mutexes: no allocation per future,
    // and unlike `Synchronization.Mutex` visible to ThreadSanitizer. No code
    // holds it while taking another lock or calling out.
    @usableFromInline
    var state: State  // guarded by `PThreadMutexTable.shared.lock(for: self)`

    /// What an executor runs for this future, kept here so that the
    /// executor's queue entry can be a closure capturing only the future,
    /// which needs no allocation of its own. Set before the future is queued;
    /// read and cleared only by the thread that runs ``runWork()``.
    @usableFromInline
    var work: (@Sendable () throws -> Value)?

    @inlinable
    func withState<R>(_ body: (inout State) -> R) -> R {
        let table = PThreadMutexTable.shared
        table.lock(for: self)
        defer { table.unlock(for: self) }
        return body(&state)
    }

    /// Creates a pending future; executors complete it with ``complete(with:)``.
    @inlinable
    package init() {
        state = .queued([])
        work = nil
    }

    /// Creates a pending future for `work`, which ``runWork()`` runs.
    @inlinable
    package init(work: @escaping @Sendable () throws -> Value) {
        state = .queued([])
        self.work = work
    }

    /// Creates a future that is already finished with `result`.
    @inlinable
    package init(finished result: Result<Value, any Error>) {
        state = .finished(result)
        work = nil
    }

    // MARK: Reading the outcome

    /// The job's output, awaiting it without blocking a thread.
    ///
    /// - Throws: the error the job threw, or a ``JobError``. Cancelling the
    ///   awaiting task cancels the job (see ``cancel()``).
    @inlinable
    public var value: Value {
        get async throws {
            if let result = result { return try result.get() }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    add(.task(continuation))
                }
            } onCancel: {
                cancel()
            }
        }
    }

    /// Blocks the calling thread until the job has finished and returns its output.
    ///
    /// From async code prefer ``value``: blocking one of Swift's cooperative
    /// threads stalls other tasks.
    ///
    /// - Throws: the error the job threw, or a ``JobError``.
    @available(*, noasync, message: "use 'try await future.value' from async code")
    @inlinable
    public func wait() throws -> Value {
        if let result { return try result.get() }
        return try blockingWait(timeout: nil)
    }

    /// Blocks the calling thread until the job has finished or `timeout` has passed.
    ///
    /// A timeout is not a failure of the job, which keeps running; it throws
    /// ``JobError/waitTimedOut(_:)`` and the future can be waited on again.
    ///
    /// - Throws: ``JobError/waitTimedOut(_:)``, the error the job threw, or another ``JobError``.
    @available(*, noasync, message: "use 'try await future.value' from async code")
    @inlinable
    public func wait(timeout: Duration) throws -> Value {
        try blockingWait(timeout: timeout)
    }

    /// Whether the job has finished, successfully or not (cancelled included).
    @inlinable
    public var isDone: Bool { result != nil }

    /// Whether the job is running now: started, and not finished. Python's `running()`.
    ///
    /// A job an executor has taken but not yet started (or that runs at once,
    /// on an ``InlineExecutor``) is never seen running.
    @inlinable
    public var isRunning: Bool {
        withState { state in
            if case .running = state { return true }
            return false
        }
    }

    /// Whether the future finished with ``JobError/cancelled``.
    @inlinable
    public var isCancelled: Bool {
        if case .failure(JobError.cancelled)? = result { return true }
        return false
    }

    /// The outcome, or `nil` while the job is queued or running.
    @inlinable
    public var result: Result<Value, any Error>? {
        withState { state in
            if case .finished(let result) = state { return result }
            return nil
        }
    }

    /// Calls `body` with the outcome once the future finishes, Python's
    /// `add_done_callback`: at once, on the calling thread, if it has already
    /// finished; otherwise on the thread that finishes it (a pool thread, or
    /// the thread that cancels it).
    ///
    /// Every callback runs exactly once, in the order they were added, also
    /// when the job fails or is cancelled. Keep `body` short and
    /// non-blocking: it runs in the way of the thread that finishes the job
    /// (a `ProcessPool`'s I/O thread, for one). Hand longer work to an
    /// executor.
    @inlinable
    public func onComplete(_ body: @escaping @Sendable (Result<Value, any Error>) -> Void) {
        add(.callback(body))
    }

    // MARK: Cancelling

    /// Cancels the job: a queued job never runs; a running one is stopped if
    /// its executor can stop it. Waiters then see ``JobError/cancelled``.
    ///
    /// Cancelling a finished job, or a running job that cannot be stopped,
    /// is not an error: it changes nothing and returns `false`. Cancelling a
    /// cancelled future changes nothing either and returns `true`, as
    /// Python's `Future.cancel()` does.
    ///
    /// - Returns: `true` if the future is now finished as cancelled.
    @discardableResult
    @inlinable
    public func cancel() -> Bool {
        let outcome: (waiters: [Waiter], stop: (@Sendable () -> Void)?)? = withState { state in
            switch state {
            case .queued(let waiters):
                state = .finished(.failure(JobError.cancelled))
                return (waiters, nil)
            case .running(let waiters, let stop?):
                state = .finished(.failure(JobError.cancelled))
                return (waiters, stop)
            case .finished(.failure(JobError.cancelled)):
                return ([], nil)  // already cancelled: still true, as Python's `cancel()`
            case .running(_, stop: nil), .finished:
                return nil
            }
        }
        guard let outcome else { return false }
        outcome.stop?()
        Self.resume(outcome.waiters, with: .failure(JobError.cancelled))
        return true
    }

    // MARK: For executors

    /// Moves a queued job to running. Returns `false` if it was cancelled (or
    /// otherwise finished) meanwhile: the executor must then not run it.
    ///
    /// - Parameter stop: how to stop the job once running, if the executor can.
    @inlinable
    package func markRunning(stop: (@Sendable () -> Void)? = nil) -> Bool {
        withState { state in
            guard case .queued(let waiters) = state else { return false }
            state = .running(waiters, stop: stop)
            return true
        }
    }

    /// Runs the work given to ``init(work:)`` and completes the future with
    /// its outcome, unless the future was cancelled first. Call it once, from
    /// the executor's thread.
    @inlinable
    package func runWork() {
        guard let body = work else { preconditionFailure("JobFuture.runWork() without work, or twice") }
        work = nil
        guard markRunning() else { return }  // cancelled while queued
        complete(with: Result(catching: body))
    }

    /// Finishes the future and wakes every waiter. Returns `false`, changing
    /// nothing, if it had already finished (for instance it was cancelled).
    @discardableResult
    @inlinable
    package func complete(with result: Result<Value, any Error>) -> Bool {
        let waiters: [Waiter]? = withState { state in
            switch state {
            case .queued(let waiters), .running(let waiters, _):
                state = .finished(result)
                return waiters
            case .finished:
                return nil
            }
        }
        guard let waiters else { return false }
        Self.resume(waiters, with: result)
        return true
    }

    /// Calls `body` once the future finishes, at once if it has already.
    /// `body` runs on the thread that completes the future: keep it short.
    @inlinable
    package func whenComplete(_ body: @escaping @Sendable (Result<Value, any Error>) -> Void) {
        add(.callback(body))
    }

    /// Tells `observer` the future's `index` once it finishes, at once if it
    /// has already, unless ``stopObserving(_:)`` comes first.
    package func observe(_ observer: any JobFutureObserver, index: Int) {
        add(.observer(observer, index: index))
    }

    /// Forgets `observer`, so that a watch given up on (a wait that timed
    /// out) leaves nothing behind in a future that is still pending.
    package func stopObserving(_ observer: any JobFutureObserver) {
        removeWaiters { waiter in
            if case .observer(let other, _) = waiter { return other === observer }
            return false
        }
    }

    // MARK: Internals

    @inlinable
    func add(_ waiter: Waiter) {
        let finished: Result<Value, any Error>? = withState { state in
            switch state {
            case .queued(var waiters):
                waiters.append(waiter)
                state = .queued(waiters)
                return nil
            case .running(var waiters, let stop):
                waiters.append(waiter)
                state = .running(waiters, stop: stop)
                return nil
            case .finished(let result):
                return result
            }
        }
        if let finished { Self.resume([waiter], with: finished) }
    }

    @usableFromInline
    func remove(_ parker: ThreadParker) {
        removeWaiters { waiter in
            if case .thread(let other) = waiter { return other === parker }
            return false
        }
    }

    /// How many waiters, callbacks and observers the future holds (for tests).
    var waiterCount: Int {
        withState { state in
            switch state {
            case .queued(let waiters), .running(let waiters, _): waiters.count
            case .finished: 0
            }
        }
    }

    private func removeWaiters(where matches: (Waiter) -> Bool) {
        withState { state in
            switch state {
            case .queued(let waiters): state = .queued(waiters.filter { !matches($0) })
            case .running(let waiters, let stop): state = .running(waiters.filter { !matches($0) }, stop: stop)
            case .finished: break
            }
        }
    }

    /// The slow path of ``wait()`` and ``wait(timeout:)``: kept out of line.
    @usableFromInline
    func blockingWait(timeout: Duration?) throws -> Value {
        try blockingWait(until: timeout.map(Deadline.after) ?? .distantFuture, timeout: timeout)
    }

    private func blockingWait(until deadline: Deadline, timeout: Duration?) throws -> Value {
        // A short job often finishes within microseconds: look again for a
        // moment before paying for a sleep and a wake-up.
        var spin = SpinWait(futureWaitSpin)
        defer { spin.finish() }
        repeat {
            if let result { return try result.get() }
        } while spin.pause() && !deadline.hasPassed
        if let result { return try result.get() }
        let parker = ThreadParker()
        add(.thread(parker))
        if !parker.park(until: deadline) {
            remove(parker)
            if let result { return try result.get() }
            throw JobError.waitTimedOut(timeout ?? .zero)
        }
        guard let result else { preconditionFailure("a JobFuture woke its waiter before finishing") }
        return try result.get()
    }

    @inlinable
    static func resume(_ waiters: [Waiter], with result: Result<Value, any Error>) {
        for waiter in waiters {
            switch waiter {
            case .task(let continuation): continuation.resume(with: result)
            case .thread(let parker): parker.unpark()
            case .callback(let body): body(result)
            case .observer(let observer, let index): observer.futureFinished(index)
            }
        }
    }
}

/// Something told when futures it watches finish: the watches behind
/// ``JobFutures``. `futureFinished` runs on the thread that finishes the
/// future: keep it short, and never take a future's lock inside it.
@usableFromInline
package protocol JobFutureObserver: AnyObject, Sendable {
    func futureFinished(_ index: Int)
}

/// How a ``JobFuture`` waiter looks again for the result before it parks
/// (a short job on an idle worker takes microseconds): shared by every
/// future of the process, whose jobs run on its own threads.
private let futureWaitSpin = SpinPolicy(peers: .inThisProcess, yields: 8, longestSpin: .microseconds(20))
