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

extension ProcessPool {
    /// Runs every job and returns their outputs in input order, once all are
    /// done (Python's `Pool.map`), sending the jobs to workers in chunks.
    ///
    /// Chunks are sized like Python's `Pool.map` (see ``map(_:chunkSize:)``):
    /// about four per worker for an input whose length is known
    /// (`underestimatedCount`), at most 4096 jobs each; for an input of
    /// unknown length they start at one job and double up to 256. With
    /// ``Options/jobTimeout`` or ``Options/maxJobsPerWorker`` set, every job
    /// travels alone so that both apply to single jobs.
    ///
    /// The input is read lazily, on the caller's actor: at most four chunks
    /// per worker are in flight ahead of the output awaited, so a huge or
    /// endless sequence does not fill memory. The first failure in input
    /// order is thrown, and jobs not yet finished are cancelled; so is
    /// everything when the calling task is cancelled.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        try await map(jobs, chunkSizeOrNil: nil)
    }

    /// ``map(_:)`` with chunks of `chunkSize` jobs (at least 1), Python's
    /// `chunksize`: 1 sends one job at a time, which balances jobs of very
    /// different lengths best; larger chunks cost less per job (one message
    /// each way per chunk). With ``Options/jobTimeout`` or
    /// ``Options/maxJobsPerWorker`` set, jobs still travel alone.
    nonisolated(nonsending) public func map<J: Job>(_ jobs: some Sequence<J>, chunkSize: Int) async throws -> [J.Output]
    {
        try await map(jobs, chunkSizeOrNil: chunkSize)
    }

    /// The blocking twin of ``map(_:)``, for synchronous programs, as
    /// Python's `pool.map` is: same chunks, same order, same errors, same
    /// cancelling of the rest after a failure; the calling thread waits.
    @available(*, noasync, message: "use 'try await map(_:)' from async code")
    public func mapBlocking<J: Job>(_ jobs: some Sequence<J>) throws -> [J.Output] {
        try mapBlocking(jobs, chunkSizeOrNil: nil)
    }

    /// The blocking twin of ``map(_:chunkSize:)``.
    @available(*, noasync, message: "use 'try await map(_:chunkSize:)' from async code")
    public func mapBlocking<J: Job>(_ jobs: some Sequence<J>, chunkSize: Int) throws -> [J.Output] {
        try mapBlocking(jobs, chunkSizeOrNil: chunkSize)
    }

    nonisolated(nonsending) private func map<J: Job>(_ jobs: some Sequence<J>, chunkSizeOrNil: Int?) async throws -> [J
        .Output]
    {
        var window = try ProcessChunkWindow(pool: self, jobs: jobs, chunkSize: chunkSizeOrNil)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try await window.drain { try Self.decode($0, as: J.Output.self, appendingTo: &outputs) }
        return outputs
    }

    private func mapBlocking<J: Job>(_ jobs: some Sequence<J>, chunkSizeOrNil: Int?) throws -> [J.Output] {
        var window = try ProcessChunkWindow(pool: self, jobs: jobs, chunkSize: chunkSizeOrNil)
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        try window.drainBlocking { try Self.decode($0, as: J.Output.self, appendingTo: &outputs) }
        return outputs
    }

    /// The planner of a map: jobs alone when a per-job option needs it.
    func chunkPlanner(knownCount: Int, chunkSize: Int?) -> ChunkPlanner {
        let singleJobs = options.jobTimeout != nil || options.maxJobsPerWorker != nil
        return ChunkPlanner(workers: workerCount, knownCount: knownCount, chunkSize: singleJobs ? 1 : chunkSize)
    }

    /// A chunk's task, and the future its outputs arrive in.
    static func makeChunk<J: Job>(_ jobs: ArraySlice<J>, mangledTypeName: String) throws -> (
        TaskRecord, JobFuture<ChunkResult>
    ) {
        let waiter = ChunkWaiter()
        do {
            return (try TaskRecord(encoding: jobs, mangledTypeName: mangledTypeName, waiter: waiter), waiter.future)
        } catch {
            throw ProcessPoolError.jobEncodingFailed(
                typeName: String(reflecting: J.self), description: String(describing: error))
        }
    }

    /// Appends the outputs of a chunk (their shared objects take the
    /// descriptors that came with them, and the rest are closed), then throws
    /// the error that stopped it, if any.
    static func decode<Output: Codable>(_ result: ChunkResult, as _: Output.Type, appendingTo outputs: inout [Output])
        throws
    {
        defer { result.descriptors?.closeUnclaimed() }
        if result.completed > 0 {
            do {
                try result.outputs.withUnsafeBytes {
                    try ValueBatch.decode(Output.self, from: $0, appendingTo: &outputs, descriptors: result.descriptors)
                }
            } catch {
                throw ProcessPoolError.outputDecodingFailed(
                    typeName: String(reflecting: Output.self),
                    description: String(describing: error))
            }
        }
        if let failure = result.failure { throw failure }
    }
}

extension ProcessPool {
    /// Runs every job and yields each output, with its position in the input,
    /// as soon as it is ready: completion order. Jobs travel in chunks, sized
    /// as by ``map(_:)``; the outputs of a chunk are yielded together.
    ///
    /// Submission is driven by the consumer: at most four chunks per worker
    /// are in flight beyond what was consumed, so a huge or endless input is
    /// read lazily. The stream throws the first failure to complete (after the
    /// outputs that completed before it in its chunk) and cancels the jobs not
    /// yet finished; cancelling the consuming task, or dropping the stream,
    /// cancels them too.
    public func mapUnordered<J: Job>(_ jobs: some Sequence<J>)
        -> AsyncThrowingStream<(index: Int, output: J.Output), any Error>
    {
        guard let mangled = MangledNames.of(J.self) else {
            return AsyncThrowingStream { $0.finish(throwing: Self.unnamed(J.self)) }
        }
        let planner = chunkPlanner(knownCount: jobs.underestimatedCount, chunkSize: nil)
        let driver = ChunkedUnorderedMap(
            pool: self, mangledTypeName: mangled, source: ChunkSource(jobs), planner: planner)
        return AsyncThrowingStream(unfolding: { try await driver.next() })
    }
}
