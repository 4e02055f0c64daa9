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

/// The side of a ``JobFuture`` that completes it: what an executor of your
/// own needs to conform to ``JobExecutor``.
///
/// ```swift
/// struct OneThreadPerJob: JobExecutor {
///     func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
///         let promise = JobPromise<J.Output>()
///         try PosixThread {
///             guard promise.markRunning() else { return }  // cancelled while queued
///             promise.complete(with: Result { try job.run() })
///         }.start()
///         return promise.future
///     }
///     func shutdown() async {}
/// }
/// ```
///
/// A future completes once: ``succeed(_:)``, ``fail(_:)`` and
/// ``complete(with:)`` return `false`, changing nothing, when it has already
/// finished, which is not an error (the future may have been cancelled
/// meanwhile). Python's `Future.set_result`, `set_exception` and
/// `set_running_or_notify_cancel`.
public struct JobPromise<Value: Sendable>: Sendable {
    /// The future this promise completes; hand it to whoever waits.
    public let future: JobFuture<Value>

    /// Creates a promise and its pending future.
    public init() {
        future = JobFuture()
    }

    /// Marks the job as started (``JobFuture/isRunning``) before running it.
    ///
    /// - Parameter stop: how to stop the job once it runs, if your executor
    ///   can; ``JobFuture/cancel()`` on the running job then calls it and
    ///   finishes the future as cancelled. Without it, a running job cannot be
    ///   cancelled.
    /// - Returns: `false` if the future was cancelled (or completed) before:
    ///   then do not run the job.
    @discardableResult
    public func markRunning(stop: (@Sendable () -> Void)? = nil) -> Bool {
        future.markRunning(stop: stop)
    }

    /// Completes the future with `value`. Returns `false` if it had already finished.
    @discardableResult
    public func succeed(_ value: Value) -> Bool {
        future.complete(with: .success(value))
    }

    /// Completes the future with `error`. Returns `false` if it had already finished.
    @discardableResult
    public func fail(_ error: any Error) -> Bool {
        future.complete(with: .failure(error))
    }

    /// Completes the future with `result`. Returns `false` if it had already finished.
    @discardableResult
    public func complete(with result: Result<Value, any Error>) -> Bool {
        future.complete(with: result)
    }
}
