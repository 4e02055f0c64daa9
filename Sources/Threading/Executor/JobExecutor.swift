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

/// What ``ThreadPool``, `ProcessPool` and ``InlineExecutor`` have in common,
/// so that switching between them is a one-line change.
///
/// ```swift
/// let pool: any JobExecutor = try ProcessPool()   // or ThreadPool()
/// let outputs = try await pool.map(jobs)
/// await pool.shutdown()
/// ```
///
/// ## Lazy input and actors
/// ``ThreadPool``'s and ``InlineExecutor``'s `map` and every
/// ``mapStream(_:buffer:isolation:)`` read their input on the caller's actor,
/// so a lazy sequence made on the main actor (any closure in a `main.swift`)
/// is safe to pass. ``mapUnordered(_:)``, and `map` called through an
/// `any JobExecutor`, read it on another thread: in a function the compiler
/// refuses such a sequence, but in top-level code it compiles and then traps
/// in Swift's isolation check. There, make the closure `@Sendable`:
/// `(1...n).lazy.map { @Sendable in Square(x: $0) }`.
public protocol JobExecutor: Sendable {
    /// Queues `job` and returns a future for its output at once.
    ///
    /// - Throws: ``JobError/shutDown`` if the executor no longer accepts work.
    func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output>

    /// Runs `job` and returns its output. Cancelling the calling task cancels the job.
    func run<J: Job>(_ job: J) async throws -> J.Output

    /// Runs every job and returns their outputs in input order, once all are
    /// done (Python's `Pool.map`; ``mapStream(_:buffer:isolation:)`` yields each output
    /// as soon as it and those before it are ready; ``mapBlocking(_:)`` is
    /// for synchronous code).
    ///
    /// The first failure (in input order) is thrown; jobs not yet started are
    /// then cancelled.
    func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output]

    /// The blocking twin of ``map(_:)``, for synchronous programs, as
    /// Python's `pool.map` is: same order, same errors, same cancelling of the
    /// rest after a failure; the calling thread waits.
    ///
    /// It has a name of its own rather than overloading `map` on `async`:
    /// Swift's top-level code (`main.swift`) would pick the blocking overload
    /// even where it says `try await pool.map(...)`.
    @available(*, noasync, message: "use 'try await map(_:)' from async code")
    func mapBlocking<J: Job>(_ jobs: some Sequence<J>) throws -> [J.Output]

    /// Runs every job and yields each output as soon as it is ready, with the
    /// job's position in the input, in completion order.
    ///
    /// The stream finishes with the first failure; terminating the stream
    /// cancels the jobs not yet finished.
    func mapUnordered<J: Job>(_ jobs: some Sequence<J>)
        -> AsyncThrowingStream<(index: Int, output: J.Output), any Error>

    /// Stops accepting new jobs, finishes every job already queued, then
    /// releases the executor's threads or processes. Calling it again is not an error.
    func shutdown() async

    /// How many jobs the executor runs at once: its threads or worker
    /// processes. It sizes the default ``mapStream(_:buffer:isolation:)`` window.
    var workerCount: Int { get }
}

extension JobExecutor {
    /// Submits `job` and awaits its output; cancelling the calling task cancels the job.
    public func run<J: Job>(_ job: J) async throws -> J.Output {
        try await submit(job).value
    }

    /// By default, the CPUs this process may use: ``AvailableProcessors/count``.
    public var workerCount: Int { AvailableProcessors.count }
}
