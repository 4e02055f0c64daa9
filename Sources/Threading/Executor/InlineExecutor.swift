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

import Synchronization

/// An executor that runs every job on the calling thread, at once and in
/// order, for debugging: what Python's `dummy_threading` module did for
/// `threading` (Python's `multiprocessing.dummy` is different: it runs a
/// pool of real threads, like ``ThreadPool``).
///
/// It has the same API as ``ThreadPool`` and a `ProcessPool`, so swapping it
/// in takes one line, and then breakpoints, stack traces and print output
/// all happen in the caller, deterministically:
///
/// ```swift
/// let pool: any JobExecutor = debugging ? InlineExecutor() : ThreadPool()
/// ```
///
/// `submit` returns an already finished future. The async calls run jobs on
/// the calling task's thread, which blocks it while a job runs: that is the
/// point of this executor, and why it is for debugging only.
public final class InlineExecutor: JobExecutor {
    private let isShutDown = Atomic<Bool>(false)

    /// Creates an executor; it holds no threads.
    public init() {}

    /// Runs `job` now and returns its finished future.
    ///
    /// - Throws: ``JobError/shutDown`` after ``shutdown()``. The job's own
    ///   error is not thrown here but delivered through the future.
    public func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        guard !isShutDown.load(ordering: .acquiring) else { throw JobError.shutDown }
        return JobFuture(finished: Result(catching: job.run))
    }

    /// Runs `job` now and returns its output or throws its error.
    func run<J: Job>(now job: J) throws -> J.Output {
        guard !isShutDown.load(ordering: .acquiring) else { throw JobError.shutDown }
        return try job.run()
    }

    /// Runs `body` now and returns its finished future; after ``shutdown()``
    /// the future is already failed with ``JobError/shutDown`` and `body` never runs.
    public func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> JobFuture<T> {
        guard !isShutDown.load(ordering: .acquiring) else { return JobFuture(finished: .failure(JobError.shutDown)) }
        return JobFuture(finished: Result(catching: body))
    }

    /// Runs every job in input order on the caller, stopping at the first failure.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        var outputs: [J.Output] = []
        for job in jobs {
            if Task.isCancelled { throw JobError.cancelled }
            outputs.append(try run(now: job))
        }
        return outputs
    }

    /// Runs one job per element the consumer asks for, in input order (which
    /// is also completion order here), stopping at the first failure.
    public func mapUnordered<J: Job>(_ jobs: some Sequence<J>)
        -> AsyncThrowingStream<(index: Int, output: J.Output), any Error>
    {
        let source = InlineSource(executor: self, iterator: AnyIterator(jobs.makeIterator()))
        return AsyncThrowingStream(unfolding: { try source.next() })
    }

    /// One: jobs run one at a time, on the caller.
    public var workerCount: Int { 1 }

    /// Refuses later jobs. Nothing is ever queued, so nothing is left to finish.
    public func shutdown() async {
        isShutDown.store(true, ordering: .releasing)
    }
}

/// Feeds ``InlineExecutor/mapUnordered(_:)``; the iterator is only touched by
/// the stream's single consumer, one call at a time.
private final class InlineSource<J: Job>: @unchecked Sendable {
    private let executor: InlineExecutor
    private var iterator: AnyIterator<J>?
    private var index = 0

    init(executor: InlineExecutor, iterator: AnyIterator<J>) {
        self.executor = executor
        self.iterator = iterator
    }

    func next() throws -> (index: Int, output: J.Output)? {
        guard let job = iterator?.next() else { return nil }
        defer { index += 1 }
        do {
            return (index, try executor.run(now: job))
        } catch {
            iterator = nil
            throw error
        }
    }
}
