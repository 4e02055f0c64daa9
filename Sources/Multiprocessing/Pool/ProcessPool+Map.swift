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
        var iterator = jobs.makeIterator()
        var window = Deque<ChunkTask>()
        var outputs: [J.Output] = []
        outputs.reserveCapacity(jobs.underestimatedCount)
        var exhausted = false
        do {
            while true {
                while !exhausted && window.count < planner.window {
                    let chunk = planner.nextChunk(from: &iterator)
                    exhausted = chunk.count < planner.lastSize
                    if chunk.isEmpty { break }
                    let task = try Self.makeChunk(chunk, mangledTypeName: mangled)
                    try core.submit(task)
                    window.append(task)
                }
                guard let head = window.first else { break }
                let result = try await head.future.value
                window.removeFirst()
                try Self.decode(result, as: J.Output.self, appendingTo: &outputs)
            }
        } catch {
            for task in window { task.future.cancel() }
            throw error
        }
        return outputs
    }

    static func makeChunk<J: Job>(_ jobs: [J], mangledTypeName: String) throws -> ChunkTask {
        do {
            return try ChunkTask(encoding: jobs, mangledTypeName: mangledTypeName)
        } catch {
            throw ProcessPoolError.jobEncodingFailed(typeName: String(reflecting: J.self), description: String(describing: error))
        }
    }

    /// Appends the outputs of a chunk, then throws the error that stopped it, if any.
    static func decode<Output: Codable>(_ result: ChunkResult, as _: Output.Type, appendingTo outputs: inout [Output]) throws {
        if result.completed > 0 {
            do {
                let decoded = try result.outputs.withUnsafeBytes { try MessageCoding.decode([Output].self, from: $0) }
                outputs.append(contentsOf: decoded)
            } catch {
                throw ProcessPoolError.outputDecodingFailed(typeName: String(reflecting: Output.self),
                                                            description: String(describing: error))
            }
        }
        if let failure = result.failure { throw failure }
    }
}

/// How many jobs go into each chunk of a `map`, and how many chunks may be in flight.
struct ChunkPlanner {
    static let largestKnownChunk = 4096
    static let largestGrowingChunk = 256

    let window: Int
    private let fixedSize: Int?
    private(set) var lastSize = 0
    private var growingSize = 1

    init(workers: Int, knownCount: Int, singleJobs: Bool) {
        window = workers * 4
        if singleJobs {
            fixedSize = 1
        } else if knownCount > 0 {
            let perChunk = (knownCount + window - 1) / window
            fixedSize = min(max(perChunk, 1), Self.largestKnownChunk)
        } else {
            fixedSize = nil
        }
    }

    /// The next chunk read from `iterator`: full unless the input ends.
    mutating func nextChunk<I: IteratorProtocol>(from iterator: inout I) -> [I.Element] {
        let size: Int
        if let fixedSize {
            size = fixedSize
        } else {
            size = growingSize
            growingSize = min(growingSize * 2, Self.largestGrowingChunk)
        }
        lastSize = size
        var chunk: [I.Element] = []
        chunk.reserveCapacity(size)
        while chunk.count < size, let element = iterator.next() { chunk.append(element) }
        return chunk
    }
}
