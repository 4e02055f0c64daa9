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
import Synchronization

extension ThreadPool {
    /// Runs every job and returns their outputs in input order, once all are
    /// done, handing the jobs to the threads in chunks.
    ///
    /// Chunks are sized like Python's `Pool.map` (see
    /// ``map(_:chunkSize:)``): a pool thread then takes many tiny jobs at a
    /// time instead of one, which makes a `map` of tiny jobs several times
    /// faster than one `submit` per job. The input is read lazily.
    /// The first failure, in input order, is thrown; jobs not yet started are
    /// cancelled (a chunk already running stops before its next job); so is
    /// everything when the calling task is cancelled.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        try await map(jobs, planner: ChunkPlanner(workers: threadCount, knownCount: jobs.underestimatedCount))
    }

    /// ``map(_:)`` with chunks of `chunkSize` jobs (at least 1), Python's
    /// `chunksize`: 1 hands out one job at a time, which balances jobs of very
    /// different lengths best; larger chunks cost less per job. Without it,
    /// about four chunks per thread for an input of known length (at most
    /// 4096 jobs each), or chunks growing from 1 to 256 jobs for an input of
    /// unknown length.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>, chunkSize: Int) async throws -> [J.Output]
    {
        try await map(
            jobs,
            planner: ChunkPlanner(
                workers: threadCount, knownCount: jobs.underestimatedCount,
                chunkSize: chunkSize))
    }

    /// The blocking twin of ``map(_:)``, for synchronous code: the calling
    /// thread waits for every output.
    @available(*, noasync, message: "use 'try await map(_:)' from async code")
    public func mapBlocking<J: Job>(_ jobs: some Sequence<J>) throws -> [J.Output] {
        try mapBlocking(jobs, planner: ChunkPlanner(workers: threadCount, knownCount: jobs.underestimatedCount))
    }

    /// The blocking twin of ``map(_:chunkSize:)``.
    @available(*, noasync, message: "use 'try await map(_:chunkSize:)' from async code")
    public func mapBlocking<J: Job>(_ jobs: some Sequence<J>, chunkSize: Int) throws -> [J.Output] {
        try mapBlocking(
            jobs,
            planner: ChunkPlanner(
                workers: threadCount, knownCount: jobs.underestimatedCount,
                chunkSize: chunkSize))
    }

    nonisolated(nonsending) private func map<J: Job>(_ jobs: some Sequence<J>, planner: ChunkPlanner) async throws -> [J
        .Output]
    {
        var window = ChunkWindow(pool: self, jobs: jobs, planner: planner)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try await window.drain { try $0.append(to: &outputs) }
        return outputs
    }

    private func mapBlocking<J: Job>(_ jobs: some Sequence<J>, planner: ChunkPlanner) throws -> [J.Output] {
        var window = ChunkWindow(pool: self, jobs: jobs, planner: planner)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try window.drainBlocking { try $0.append(to: &outputs) }
        return outputs
    }
}

/// What a chunk of jobs produced: the outputs of the jobs that ran, and the
/// error that stopped it, if one did.
struct ChunkOutcome<Output: Sendable>: Sendable {
    var outputs: [Output] = []
    var failure: (any Error)?

    /// Appends the outputs, then throws the failure.
    func append(to all: inout [Output]) throws {
        all.append(contentsOf: outputs)
        if let failure { throw failure }
    }
}

/// Chunks of a ``ThreadPool`` map submitted ahead of the output awaited, in
/// input order; the chunked counterpart of ``OrderedWindow``.
private struct ChunkWindow<J: Job>: MapWindow {
    private let pool: ThreadPool
    private var iterator: AnyIterator<J>?
    private var planner: ChunkPlanner
    private var window = Deque<JobFuture<ChunkOutcome<J.Output>>>()

    init(pool: ThreadPool, jobs: some Sequence<J>, planner: ChunkPlanner) {
        self.pool = pool
        self.iterator = AnyIterator(jobs.makeIterator())
        self.planner = planner
    }

    /// The next chunk in input order, or `nil` after the last.
    mutating func nextFuture() throws -> JobFuture<ChunkOutcome<J.Output>>? {
        while window.count < planner.window, iterator != nil {
            let jobs = planner.nextChunk(from: &iterator!)
            if jobs.count < planner.lastSize { iterator = nil }
            if jobs.isEmpty { break }
            let chunk = ChunkTask(jobs)
            guard pool.queue.enqueue(WorkItem(run: { chunk.run() }, cancel: { chunk.future.cancel() })) else {
                throw JobError.shutDown
            }
            window.append(chunk.future)
        }
        return window.popFirst()
    }

    /// Cancels every chunk not yet handed out (those running stop before
    /// their next job), and reads no more input.
    mutating func cancelAll() {
        iterator = nil
        for future in window { future.cancel() }
        window.removeAll()
    }
}

/// A chunk of jobs queued on a ``ThreadPool`` as one item. Unlike a single
/// job, a running chunk can be cancelled: it stops before its next job, and
/// its future finishes as cancelled at once.
private final class ChunkTask<J: Job>: Sendable {
    let future = JobFuture<ChunkOutcome<J.Output>>()
    private let jobs: [J]
    private let stopped = StopFlag()

    init(_ jobs: [J]) {
        self.jobs = jobs
    }

    func run() {
        let stopped = stopped
        guard future.markRunning(stop: { stopped.raise() }) else { return }  // cancelled while queued
        var outcome = ChunkOutcome<J.Output>()
        outcome.outputs.reserveCapacity(jobs.count)
        for job in jobs {
            if stopped.isRaised { return }  // the future is already finished as cancelled
            do {
                outcome.outputs.append(try job.run())
            } catch {
                outcome.failure = error
                break
            }
        }
        future.complete(with: .success(outcome))
    }
}

/// A flag raised once, read by a pool thread.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isRaised: Bool { flag.load(ordering: .relaxed) }
    func raise() { flag.store(true, ordering: .relaxed) }
}
