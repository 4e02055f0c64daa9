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

/// How many jobs the default ``JobExecutor/map(_:)``
/// and ``JobExecutor/mapUnordered(_:)`` keep submitted ahead of the results
/// consumed, so a huge (or endless) input sequence is read lazily.
let mapWindow = 1024

extension JobExecutor {
    /// Runs every job and returns their outputs in input order, once all are done.
    ///
    /// The input is read lazily: at most a window of jobs (1024) is submitted
    /// ahead of the output awaited. The first failure, in input order, is
    /// thrown and every job not yet started is cancelled; so is everything
    /// when the calling task is cancelled.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        var window = OrderedWindow(executor: self, jobs: jobs, size: mapWindow)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try await window.drain { outputs.append($0) }
        return outputs
    }

    /// Runs every job and returns their outputs in input order, blocking the
    /// calling thread until all are done; the jobs run on the executor.
    ///
    /// The input is read lazily (a window of 1024 jobs). The first failure,
    /// in input order, is thrown and every job not yet started is cancelled.
    @available(*, noasync, message: "use 'try await map(_:)' from async code")
    public func mapBlocking<J: Job>(_ jobs: some Sequence<J>) throws -> [J.Output] {
        var window = OrderedWindow(executor: self, jobs: jobs, size: mapWindow)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try window.drainBlocking { outputs.append($0) }
        return outputs
    }

    /// Runs every job and yields each output, with its position in the input,
    /// as soon as it is ready: completion order.
    ///
    /// Submission is driven by the consumer: at most a window of jobs (1024)
    /// is in flight beyond what was consumed, so a huge input is read lazily.
    /// The stream throws the first failure to complete and cancels the jobs
    /// not yet started; cancelling the consuming task, or dropping the
    /// stream, cancels them too.
    public func mapUnordered<J: Job>(_ jobs: some Sequence<J>)
        -> AsyncThrowingStream<(index: Int, output: J.Output), any Error>
    {
        let driver = UnorderedMap(executor: self, iterator: AnyIterator(jobs.makeIterator()))
        return AsyncThrowingStream(unfolding: { try await driver.next() })
    }

    /// Runs the jobs and yields their outputs in input order, each as soon as
    /// it and every output before it are ready, with at most `buffer` jobs
    /// submitted and not yet yielded: Python 3.14's `Executor.map(buffersize=)`
    /// and `Pool.imap`.
    ///
    /// Unlike ``map(_:)``, which
    /// returns once every job is done, the first output arrives as soon as the
    /// first job finishes, and an endless input works: jobs are submitted as
    /// outputs are consumed, so a consumer that stops after N outputs leaves
    /// at most `buffer` jobs submitted beyond them, and those not yet started
    /// are cancelled when the stream is dropped.
    ///
    /// The stream throws the first failure in input order, and the jobs after
    /// it are cancelled; cancelling the consuming task cancels them too.
    ///
    /// The input is read, one job at a time as the consumer asks, on the
    /// actor of the code that called `mapStream` (the main actor in a
    /// `main.swift`), so a lazy sequence whose closure belongs to that actor
    /// is safe to pass.
    ///
    /// - Parameters:
    ///   - buffer: how many jobs may be in flight ahead of the consumer (at
    ///     least 1); `nil` means twice ``workerCount``, enough to keep every
    ///     worker busy.
    ///   - isolation: where the input is read; leave the default.
    public func mapStream<J: Job>(
        _ jobs: some Sequence<J>, buffer: Int? = nil,
        isolation: isolated (any Actor)? = #isolation
    )
        -> AsyncThrowingStream<J.Output, any Error>
    {
        let size = buffer ?? 2 * Swift.max(workerCount, 1)
        precondition(size >= 1, "mapStream needs a buffer of at least 1, got \(size)")
        let driver = OrderedStream(window: OrderedWindow(executor: self, jobs: jobs, size: size))
        return AsyncThrowingStream(unfolding: { try await driver.next(on: isolation) })
    }
}

/// The consumer-driven engine of ``JobExecutor/mapStream(_:buffer:isolation:)``.
///
/// The window is only touched by `next()`, which the stream calls from its
/// single consumer one call at a time: that is why this class can be
/// `@unchecked Sendable`.
private final class OrderedStream<Executor: JobExecutor, J: Job>: @unchecked Sendable {
    private var window: OrderedWindow<Executor, J>

    init(window: OrderedWindow<Executor, J>) {
        self.window = window
    }

    deinit {
        window.cancelAll()  // the stream was dropped: nobody wants the rest
    }

    /// Runs on `actor`, where the input may be read.
    func next(on actor: isolated (any Actor)?) async throws -> J.Output? {
        do {
            guard let future = try window.nextFuture() else { return nil }
            if Task.isCancelled {
                future.cancel()
                throw JobError.cancelled
            }
            return try await future.value
        } catch {
            window.cancelAll()
            throw error
        }
    }
}
