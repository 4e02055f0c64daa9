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

/// Tools for many futures at once, Python's `concurrent.futures.as_completed`
/// and `wait`.
///
/// They take futures from any executors mixed together (a ``ThreadPool``,
/// a `ProcessPool`, your own through ``JobPromise``), and never change them:
/// a timeout ends the *waiting*, and the jobs go on. A future given twice
/// counts once. Timeouts run on the monotonic clock from the call.
///
/// ```swift
/// let futures = try urls.map { try pool.submit(Fetch(url: $0)) }
/// for try await future in JobFutures.asCompleted(futures, timeout: .seconds(30)) {
///     print(try await future.value)
/// }
/// // from a plain thread:
/// let (done, pending) = JobFutures.wait(futures, timeout: .seconds(1), until: .firstException)
/// ```
public enum JobFutures {
    /// When ``JobFutures/wait(_:timeout:until:)`` returns, Python's
    /// `FIRST_COMPLETED`, `FIRST_EXCEPTION` and `ALL_COMPLETED`.
    public enum WaitCondition: Sendable, Hashable {
        /// As soon as any future finishes (cancelled ones included).
        case firstCompleted
        /// As soon as any future fails with an error (a cancelled one does
        /// not count as failed, as in Python); otherwise once all finish.
        case firstException
        /// Once every future has finished.
        case allCompleted
    }

    // MARK: As completed

    /// The futures, each yielded once as soon as it finishes: completion order.
    ///
    /// Futures finished already come first, in input order. Cancelled
    /// futures are yielded too (their ``JobFuture/value`` throws
    /// ``JobError/cancelled``); a job's own error is not thrown by the
    /// stream but by that future's `value`.
    ///
    /// - Parameter timeout: from now; when it passes before every future has
    ///   been yielded, the stream throws ``JobError/waitTimedOut(_:)`` (the
    ///   jobs go on). `nil` waits as long as it takes.
    public static func asCompleted<Value>(_ futures: [JobFuture<Value>], timeout: Duration? = nil)
        -> AsyncThrowingStream<JobFuture<Value>, any Error>
    {
        let (stream, continuation) = AsyncThrowingStream<JobFuture<Value>, any Error>.makeStream()
        let watch = StreamingCompletionWatch(futures, continuation: continuation)
        let timer = timeout.map { timeout in
            Task {
                try await Task.sleep(until: .now + timeout, clock: .continuous)
                continuation.finish(throwing: JobError.waitTimedOut(timeout))
            }
        }
        continuation.onTermination = { _ in
            timer?.cancel()
            watch.stop()
        }
        watch.start()
        return stream
    }

    /// The futures, each as soon as it finishes, for a thread that blocks:
    /// the synchronous twin of ``asCompleted(_:timeout:)``.
    ///
    /// The sequence ends once every future has been yielded, or earlier when
    /// `timeout` passes (Python raises `TimeoutError` there): compare what
    /// you received with what you gave, or check ``JobFuture/isDone``.
    /// Iterate it once; each step blocks the calling thread.
    @available(*, noasync, message: "use 'JobFutures.asCompleted' from async code")
    public static func asCompletedSequence<Value>(_ futures: [JobFuture<Value>], timeout: Duration? = nil)
        -> some Sequence<JobFuture<Value>>
    {
        let watch = BlockingCompletions(futures, deadline: timeout.map(Deadline.after) ?? .distantFuture)
        return AnySequence { AnyIterator { watch.next() } }
    }

    // MARK: Waiting

    /// Blocks until `condition` holds for `futures`, or `timeout` passes, and
    /// returns the futures that finished and those still pending, each in
    /// input order. A timeout is not an error: `pending` is not empty then.
    ///
    /// The futures are not changed: pending jobs go on.
    @available(*, noasync, message: "use 'JobFutures.asCompleted' from async code")
    public static func wait<Value>(
        _ futures: [JobFuture<Value>], timeout: Duration? = nil, until condition: WaitCondition = .allCompleted
    ) -> (done: [JobFuture<Value>], pending: [JobFuture<Value>]) {
        let watch = BlockingCompletions(futures, deadline: timeout.map(Deadline.after) ?? .distantFuture)
        var outcome = WaitOutcome(watch.futures)
        while !outcome.satisfies(condition), let future = watch.next() {
            outcome.finished(future)
        }
        return outcome.split
    }
}

/// The futures of a wait, split into finished and pending.
private struct WaitOutcome<Value: Sendable> {
    let futures: [JobFuture<Value>]
    var finished = Set<ObjectIdentifier>()
    var sawFailure = false

    init(_ futures: [JobFuture<Value>]) {
        self.futures = futures
    }

    mutating func finished(_ future: JobFuture<Value>) {
        finished.insert(ObjectIdentifier(future))
        if case .failure? = future.result, !future.isCancelled { sawFailure = true }
    }

    func satisfies(_ condition: JobFutures.WaitCondition) -> Bool {
        switch condition {
        case .firstCompleted: !finished.isEmpty || futures.isEmpty
        case .firstException: sawFailure || finished.count == futures.count
        case .allCompleted: finished.count == futures.count
        }
    }

    var split: (done: [JobFuture<Value>], pending: [JobFuture<Value>]) {
        var done: [JobFuture<Value>] = []
        var pending: [JobFuture<Value>] = []
        for future in futures {
            if finished.contains(ObjectIdentifier(future)) { done.append(future) } else { pending.append(future) }
        }
        return (done, pending)
    }
}

/// A ``CompletionWatch`` with a deadline, yielding futures until all have
/// finished or the deadline passes; unregisters itself when dropped.
private final class BlockingCompletions<Value: Sendable>: @unchecked Sendable {
    private let watch: CompletionWatch<Value>
    private let deadline: Deadline
    private var remaining: Int  // touched only by the one iterating thread

    var futures: [JobFuture<Value>] { watch.futures }

    init(_ futures: [JobFuture<Value>], deadline: Deadline) {
        watch = CompletionWatch(futures)
        self.deadline = deadline
        remaining = watch.futures.count
    }

    deinit {
        watch.stop()
    }

    func next() -> JobFuture<Value>? {
        guard remaining > 0, let index = watch.next(until: deadline) else { return nil }
        remaining -= 1
        return watch.futures[index]
    }
}
