internal import MultiprocessingPlatform

/// The one incremental frame decoder: feed it bytes as they arrive, in pieces
/// of any size, and it hands back complete frames. It does no I/O, so the
/// blocking ``Connection`` and a non-blocking event loop share it.
///
/// Limits are checked from the header alone, before anything is allocated: a
/// header that announces more than ``maximumMessageSize`` or than the machine's
/// physical memory fails at once with ``FrameError/tooLarge(size:limit:)``.
/// Under the limit, a large payload's storage starts at
/// ``initialPayloadCapacity``, so a corrupt header that claims gigabytes with
/// a few bytes behind it costs nothing before the end of the stream turns it
/// into ``FrameError/truncated(expected:received:)``. Once that much has
/// actually arrived, the storage grows to the announced size in one step:
/// growing by doubling would copy the payload received so far again and
/// again, and fault in fresh memory for every copy, which made messages past
/// 2 GiB several times slower per byte than smaller ones.
///
/// After a ``FrameError/tooLarge(size:limit:)`` or ``FrameError/malformed(_:)``
/// the position in the stream is lost: the decoder stays failed and throws
/// that error again on every call.
struct FrameDecoder: Sendable {
    /// A complete frame: either a range of the bytes just fed (valid only as
    /// long as those bytes are), or a payload assembled across several feeds.
    enum Frame: Sendable {
        case borrowed(Range<Int>)
        case assembled([UInt8])
    }

    private enum State: Sendable {
        /// Between frames, or inside a header split across feeds (`pending` holds its first bytes).
        case header(pending: [UInt8])
        /// Inside a payload: `storage` holds `received` valid bytes.
        case payload(storage: [UInt8], received: Int, expected: Int)
        /// The stream position is lost.
        case failed(FrameError)
    }

    /// The first allocation for a payload that did not arrive whole; it
    /// doubles from there as bytes arrive.
    static let initialPayloadCapacity = 64 << 20

    /// Frames announcing more bytes than this are refused.
    var maximumMessageSize: Int
    private var state: State = .header(pending: [])

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Whether the decoder is between two frames (so an end of stream now is a clean one).
    var isAtFrameBoundary: Bool {
        if case let .header(pending) = state { return pending.isEmpty }
        return false
    }

    /// Payload bytes still missing when the decoder is inside a payload, else `nil`.
    var missingPayloadCount: Int? {
        if case let .payload(_, received, expected) = state { return expected - received }
        return nil
    }

    /// What an end of stream means now: `nil` between frames (a clean end),
    /// else ``FrameError/truncated(expected:received:)`` (or the error the
    /// decoder failed with).
    var endOfStreamError: FrameError? {
        switch state {
        case let .header(pending):
            pending.isEmpty ? nil : .truncated(expected: nil, received: pending.count)
        case let .payload(_, received, expected):
            .truncated(expected: expected, received: received)
        case let .failed(error):
            error
        }
    }

    /// Consumes bytes from the start of `input` until one frame is complete or
    /// `input` is used up, and returns how many bytes it consumed and the frame
    /// if one completed. Call it again with the rest of `input` for further frames.
    ///
    /// A frame wholly inside `input` that starts between frames is returned as
    /// ``Frame/borrowed(_:)`` without a copy.
    mutating func decode(
        _ input: UnsafeRawBufferPointer
    ) throws(FrameError) -> (consumed: Int, frame: Frame?) {
        switch state {
        case let .failed(error):
            throw error
        case let .header(pending) where pending.isEmpty:
            return try decodeFromBoundary(input)
        case var .header(pending):
            return try continueHeader(&pending, input)
        case .payload(var storage, let received, let expected):
            state = .header(pending: []) // avoid a copy-on-write of `storage`
            let count = min(input.count, expected - received)
            Self.ensureCapacity(&storage, received: received, adding: count, expected: expected)
            storage.withUnsafeMutableBytes { target in
                (target.baseAddress! + received).copyMemory(from: input.baseAddress!, byteCount: count)
            }
            return (count, finishOrStore(storage, received: received + count, expected: expected))
        }
    }

    /// Lets `read` write payload bytes straight into the payload's storage, so
    /// a large payload is not copied through an intermediate buffer. Valid only
    /// while ``missingPayloadCount`` is not `nil`. `read` gets at most the
    /// missing count of space and returns how many bytes it wrote; it returns 0
    /// at end of stream (the caller then reports ``endOfStreamError``).
    ///
    /// - Returns: the payload once complete.
    mutating func readPayload<E: Error>(
        _ read: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> [UInt8]? {
        guard case .payload(var storage, let received, let expected) = state else {
            preconditionFailure("readPayload(_:) called outside a payload")
        }
        state = .header(pending: []) // avoid a copy-on-write of `storage`
        Self.ensureCapacity(&storage, received: received, adding: 1, expected: expected)
        let written: Int
        do throws(E) {
            written = try storage.withMutableBytes { target throws(E) in
                let space = UnsafeMutableRawBufferPointer(rebasing: target[received...])
                return try read(space)
            }
        } catch {
            state = .payload(storage: storage, received: received, expected: expected)
            throw error
        }
        guard case let .assembled(payload)? = finishOrStore(storage, received: received + written, expected: expected) else {
            return nil
        }
        return payload
    }

    // MARK: Internals

    private mutating func decodeFromBoundary(
        _ input: UnsafeRawBufferPointer
    ) throws(FrameError) -> (consumed: Int, frame: Frame?) {
        switch try decodeHeader(input) {
        case .incomplete:
            state = .header(pending: Array(input))
            return (input.count, nil)
        case let .complete(payloadCount, headerCount):
            let available = input.count - headerCount
            if UInt64(available) >= payloadCount {
                let end = headerCount + Int(payloadCount)
                return (end, .borrowed(headerCount ..< end))
            }
            startPayload(expected: payloadCount)
            let (consumed, frame) = try decode(UnsafeRawBufferPointer(rebasing: input[headerCount...]))
            return (headerCount + consumed, frame)
        }
    }

    private mutating func continueHeader(
        _ pending: inout [UInt8], _ input: UnsafeRawBufferPointer
    ) throws(FrameError) -> (consumed: Int, frame: Frame?) {
        let before = pending.count
        let taken = min(input.count, FrameHeader.maximumCount - before)
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[..<taken]))
        let decoded = try pending.withBytes { bytes throws(FrameError) in try decodeHeader(bytes) }
        switch decoded {
        case .incomplete:
            state = .header(pending: pending)
            return (taken, nil)
        case let .complete(payloadCount, headerCount):
            let consumed = headerCount - before
            startPayload(expected: payloadCount)
            if payloadCount == 0 { return (consumed, finishOrStore([], received: 0, expected: 0)) }
            let (more, frame) = try decode(UnsafeRawBufferPointer(rebasing: input[consumed...]))
            return (consumed + more, frame)
        }
    }

    /// Decodes a header and checks it against the limits, failing the decoder on error.
    private mutating func decodeHeader(
        _ bytes: UnsafeRawBufferPointer
    ) throws(FrameError) -> (FrameHeader.Decoded) {
        do throws(FrameError) {
            let decoded = try FrameHeader.decode(bytes)
            if case let .complete(payloadCount, _) = decoded {
                let limit = min(maximumMessageSize, MemoryLimits.physicalMemory)
                if payloadCount > UInt64(max(limit, 0)) {
                    throw FrameError.tooLarge(size: Int(clamping: payloadCount), limit: limit)
                }
            }
            return decoded
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func startPayload(expected: UInt64) {
        let expected = Int(expected) // checked against the limit, so it fits
        state = .payload(storage: Self.storage(count: min(expected, Self.initialPayloadCapacity)),
                         received: 0, expected: expected)
    }

    private mutating func finishOrStore(_ storage: [UInt8], received: Int, expected: Int) -> Frame? {
        if received == expected {
            state = .header(pending: [])
            return .assembled(storage)
        }
        state = .payload(storage: storage, received: received, expected: expected)
        return nil
    }

    /// Grows `storage` to `expected` when `adding` more bytes do not fit (see the type's documentation).
    private static func ensureCapacity(_ storage: inout [UInt8], received: Int, adding: Int, expected: Int) {
        guard received + adding > storage.count else { return }
        var grown = Self.storage(count: expected)
        grown.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                target.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: received)
            }
        }
        storage = grown
    }

    /// An array of `count` bytes whose contents are not cleared: every byte is
    /// written by the stream before anyone reads it, and clearing a large
    /// payload first would cost a pass over memory on the hot path. Large
    /// arrays ask for huge pages (``adviseHugePages(_:)``).
    static func storage(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count >= Self.hugePageThreshold { adviseHugePages(UnsafeMutableRawBufferPointer(buffer)) }
            initialized = count
        }
    }

    /// Storage of at least this many bytes is backed by huge pages where the kernel can.
    static let hugePageThreshold = 8 << 20
}
