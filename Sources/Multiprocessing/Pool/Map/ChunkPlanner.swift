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
        Self.read(nextSize(), from: &iterator)
    }

    /// The next chunk read from `source`: full unless the input ends.
    mutating func nextChunk<Element>(from source: inout ChunkSource<Element>) -> ArraySlice<Element> {
        source.next(nextSize())
    }

    /// The size of the next chunk.
    private mutating func nextSize() -> Int {
        let size: Int
        if let fixedSize {
            size = fixedSize
        } else {
            size = growingSize
            growingSize = min(growingSize * 2, Self.largestGrowingChunk)
        }
        lastSize = size
        return size
    }

    /// Up to `count` elements read from `iterator`: fewer only at its end.
    static func read<I: IteratorProtocol>(_ count: Int, from iterator: inout I) -> [I.Element] {
        var chunk: [I.Element] = []
        chunk.reserveCapacity(count)
        while chunk.count < count, let element = iterator.next() { chunk.append(element) }
        return chunk
    }
}

/// Where the jobs of a map come from: an array, a slice at a time (no copy);
/// or any other sequence, read lazily, one element at a time.
///
/// Arrays, what `map` is given almost always, skip the element-by-element
/// iteration: a generic iterator costs about as much per job as encoding a
/// small job (perf, the parent of `pool-benchmark`).
struct ChunkSource<Element> {
    private var array: [Element] = []
    private var offset = 0
    /// The iterator of a sequence that is not an array.
    private var iterator: AnyIterator<Element>?

    init(_ elements: some Sequence<Element>) {
        if let array = elements as? [Element] {
            self.array = array
        } else {
            iterator = AnyIterator(elements.makeIterator())
        }
    }

    /// Up to `count` next elements: fewer only at the end of the input.
    mutating func next(_ count: Int) -> ArraySlice<Element> {
        guard iterator != nil else {
            let end = offset + min(count, array.count - offset)
            defer { offset = end }
            return array[offset ..< end]
        }
        return ChunkPlanner.read(count, from: &iterator!)[...]
    }
}
