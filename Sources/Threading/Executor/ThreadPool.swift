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

/// A fixed set of ``PosixThread``s running jobs and closures, Python's
/// `concurrent.futures.ThreadPoolExecutor` and `multiprocessing.pool.ThreadPool`.
///
/// ```swift
/// let pool = ThreadPool()                       // one thread per usable CPU
/// let future = pool.submit { expensiveComputation() }
/// let squares = try await pool.map((1...100).map { Square(x: $0) })
/// await pool.shutdown()                         // finishes queued work
/// ```
///
/// A `ThreadPool` is a ``JobExecutor``: code written against that protocol
/// switches to a `ProcessPool` (or to ``InlineExecutor`` for debugging) in one
/// line. Jobs never run on Swift's cooperative threads, so they may block;
/// the async calls (``run(_:)-(()->T)``, ``JobExecutor/map(_:)``, ``shutdown()``) never block a
/// cooperative thread.
///
/// ## Errors and cancellation
/// An error thrown by a job reaches whoever waits for its future. Cancelling
/// a future (or the task awaiting it) before the job starts means it never
/// runs; a running job cannot be stopped and finishes. A job that traps
/// crashes the whole process, as any code on any thread would: use a
/// `ProcessPool` to isolate crashes.
///
/// ## Shutting down
/// ``shutdown()`` stops accepting work (later submissions throw
/// ``JobError/shutDown``), finishes everything already queued, then lets the
/// threads exit. A pool released without `shutdown` does the same in the
/// background, so no thread leaks.
public final class ThreadPool: JobExecutor {
    /// The number of threads a pool gets by default: ``AvailableProcessors/count``.
    public static var defaultThreadCount: Int { AvailableProcessors.count }

    /// The number of worker threads.
    public let threadCount: Int
    @usableFromInline
    let queue: WorkQueue
    private let threads: [PosixThread]

    /// Starts a pool of `threads` worker threads (at least 1; fewer traps).
    ///
    /// Failing to create a thread (the system's thread limit) traps: a pool
    /// with fewer threads than asked for would silently change the program.
    ///
    /// - Parameters:
    ///   - threads: how many threads run jobs.
    ///   - namePrefix: the threads are named `namePrefix-1`, `namePrefix-2`…
    ///     (Python's `thread_name_prefix`), as the system shows them.
    ///   - initializer: runs once on each thread before its first job
    ///     (Python's `initializer`), to set up per-thread state such as a
    ///     ``ThreadLocal``. It cannot throw: a thread that cannot be prepared
    ///     should trap, which ends the process, as any trap does.
    public init(
        threads: Int = ThreadPool.defaultThreadCount, namePrefix: String = "ThreadPool",
        initializer: (@Sendable () -> Void)? = nil
    ) {
        precondition(threads >= 1, "a ThreadPool needs at least one thread, got \(threads)")
        let queue = WorkQueue(workers: threads)
        self.threadCount = threads
        self.queue = queue
        self.threads = (1...threads).map { index in
            PosixThread(name: "\(namePrefix)-\(index)") {
                initializer?()
                queue.runWorker()
            }
        }
        for thread in self.threads {
            do {
                try thread.start()
            } catch {
                preconditionFailure("ThreadPool could not start its threads: \(error)")
            }
        }
    }

    deinit {
        queue.beginShutdown()
    }

    /// The number of worker threads: ``threadCount``.
    public var workerCount: Int { threadCount }

    // MARK: Submitting

    /// Queues `job` and returns its future at once. The job runs on a pool
    /// thread as it is, without being encoded.
    ///
    /// - Throws: ``JobError/shutDown`` after ``shutdown()``.
    @inlinable
    public func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        guard let future = enqueue({ try job.run() }) else { throw JobError.shutDown }
        return future
    }

    /// Queues a closure and returns its future at once. Unlike a ``Job`` the
    /// closure and its result need not be `Codable`: a closure can never go
    /// to a `ProcessPool`.
    ///
    /// After ``shutdown()`` the future is already failed with ``JobError/shutDown``.
    @inlinable
    public func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> JobFuture<T> {
        enqueue(body) ?? Self.shutDownFuture()
    }

    /// Queues `body`; `nil` once the pool is shut down.
    @inlinable
    func enqueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> JobFuture<T>? {
        let future = JobFuture<T>(work: body)
        let item = WorkItem(run: { future.runWork() }, cancel: { future.cancel() })
        return queue.enqueue(item) ? future : nil
    }

    /// A future already failed with ``JobError/shutDown``.
    @usableFromInline
    static func shutDownFuture<T: Sendable>() -> JobFuture<T> {
        JobFuture(finished: .failure(JobError.shutDown))
    }

    /// Runs a closure on a pool thread and returns its result, suspending
    /// (not blocking) the calling task. Cancelling the task before the closure
    /// starts means it never runs.
    ///
    /// - Throws: what `body` throws, ``JobError/cancelled``, ``JobError/shutDown``.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await submit(body).value
    }

    // MARK: Shutting down

    /// Stops accepting work, finishes every queued job, and returns once every
    /// thread has exited. Suspends without blocking a cooperative thread.
    /// Calling it again is not an error.
    ///
    /// A program that returns from `main` without it does not wait: the
    /// process ends, and with it the pool's threads and whatever they had
    /// queued (Python's executors finish their work at exit). Await
    /// `shutdown()` before returning when the work must be done.
    public func shutdown() async {
        await shutdown(cancelQueued: false)
    }

    /// Stops accepting work and returns once every thread has exited.
    ///
    /// - Parameter cancelQueued: cancel every job still queued (each fails
    ///   with ``JobError/cancelled`` and never runs) and only let running
    ///   jobs finish, Python's `shutdown(cancel_futures=True)`; `false`
    ///   finishes them all, as ``shutdown()``.
    public func shutdown(cancelQueued: Bool) async {
        queue.beginShutdown(cancelQueued: cancelQueued)
        await queue.workersFinished()
    }

    /// Stops accepting work and lets queued jobs finish (or cancels them, with
    /// `cancelQueued`); with `wait`, blocks until they have and every thread
    /// is joined. Calling it from a job on this pool with `wait: true` would
    /// deadlock and is a programmer error.
    @available(*, noasync, message: "use 'await shutdown()' from async code")
    public func shutdown(wait: Bool, cancelQueued: Bool = false) {
        queue.beginShutdown(cancelQueued: cancelQueued)
        guard wait else { return }
        queue.waitForWorkers()
        for thread in threads { thread.join() }
    }
}
