/// How many jobs go into each chunk of a `map`, and how many chunks may be in flight.
///
/// - An input of known length (`underestimatedCount`) is cut into about four
///   chunks per worker, of at most ``largestKnownChunk`` jobs.
/// - An input of unknown length starts with chunks of one job and doubles
///   them up to ``largestGrowingChunk``.
/// - A chunk size given by the caller is used as it is.
struct ChunkPlanner {
    static let largestKnownChunk = 4096
    static let largestGrowingChunk = 256

    let window: Int
    private let fixedSize: Int?
    private(set) var lastSize = 0
    private var growingSize = 1

    /// - Parameters:
    ///   - workers: the pool's worker processes.
    ///   - knownCount: the input's `underestimatedCount` (0: unknown).
    ///   - chunkSize: a size chosen by the caller (at least 1), or `nil`.
    init(workers: Int, knownCount: Int, chunkSize: Int?) {
        precondition(chunkSize.map { $0 >= 1 } ?? true, "a chunk holds at least one job, got \(chunkSize ?? 0)")
        window = workers * 4
        if let chunkSize {
            fixedSize = chunkSize
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
