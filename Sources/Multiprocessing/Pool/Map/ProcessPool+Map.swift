import DequeModule

extension ProcessPool {
    /// Runs every job and returns their outputs in input order, sending the
    /// jobs to workers in chunks.
    ///
    /// Chunks are sized like Python's `Pool.map`: about four per worker for an
    /// input whose length is known (`underestimatedCount`), at most 4096 jobs
    /// each; for an input of unknown length they start at one job and double
    /// up to 256. With ``Options/jobTimeout`` or ``Options/maxJobsPerWorker``
    /// set, every job travels alone so that both apply to single jobs.
    ///
    /// The input is read lazily: at most four chunks per worker are in flight
    /// ahead of the output awaited, so a huge or endless sequence does not
    /// fill memory. The first failure in input order is thrown, and jobs not
    /// yet finished are cancelled; so is everything when the calling task is
    /// cancelled.
    public func map<J: Job>(_ jobs: some Sequence<J>) async throws -> [J.Output] {
        guard let mangled = MangledNames.of(J.self) else { throw Self.unnamed(J.self) }
        var planner = ChunkPlanner(workers: workerCount, knownCount: jobs.underestimatedCount,
                                   singleJobs: options.jobTimeout != nil || options.maxJobsPerWorker != nil)
        var source = ChunkSource(jobs)
        var window = Deque<JobFuture<ChunkResult>>()
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        var exhausted = false
        do {
            while true {
                while !exhausted && window.count < planner.window {
                    let chunk = planner.nextChunk(from: &source)
                    exhausted = chunk.count < planner.lastSize
                    if chunk.isEmpty { break }
                    let (task, future) = try Self.makeChunk(chunk, mangledTypeName: mangled)
                    try core.submit(task)
                    window.append(future)
                }
                guard let head = window.first else { break }
                let result = try await head.value
                window.removeFirst()
                try Self.decode(result, as: J.Output.self, appendingTo: &outputs)
            }
        } catch {
            for future in window { future.cancel() }
            throw error
        }
        return outputs
    }

    /// A chunk's task, and the future its outputs arrive in.
    static func makeChunk<J: Job>(_ jobs: ArraySlice<J>, mangledTypeName: String) throws -> (TaskRecord, JobFuture<ChunkResult>) {
        let waiter = ChunkWaiter()
        do {
            return (try TaskRecord(encoding: jobs, mangledTypeName: mangledTypeName, waiter: waiter), waiter.future)
        } catch {
            throw ProcessPoolError.jobEncodingFailed(typeName: String(reflecting: J.self), description: String(describing: error))
        }
    }

    /// Appends the outputs of a chunk (their shared objects take the
    /// descriptors that came with them, and the rest are closed), then throws
    /// the error that stopped it, if any.
    static func decode<Output: Codable>(_ result: ChunkResult, as _: Output.Type, appendingTo outputs: inout [Output]) throws {
        defer { result.descriptors?.closeUnclaimed() }
        if result.completed > 0 {
            do {
                try result.outputs.withUnsafeBytes {
                    try ValueBatch.decode(Output.self, from: $0, appendingTo: &outputs, descriptors: result.descriptors)
                }
            } catch {
                throw ProcessPoolError.outputDecodingFailed(typeName: String(reflecting: Output.self),
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
        let planner = ChunkPlanner(workers: workerCount, knownCount: jobs.underestimatedCount,
                                   singleJobs: options.jobTimeout != nil || options.maxJobsPerWorker != nil)
        let driver = ChunkedUnorderedMap(pool: self, mangledTypeName: mangled, source: ChunkSource(jobs), planner: planner)
        return AsyncThrowingStream(unfolding: { try await driver.next() })
    }
}
