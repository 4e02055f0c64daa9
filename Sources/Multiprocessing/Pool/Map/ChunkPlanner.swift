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
