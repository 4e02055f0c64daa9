/// The frame header: how the IPC layer delimits messages in a byte stream,
/// byte for byte Python's `multiprocessing.connection` framing, so that a
/// ``Connection`` and a Python `Connection` exchange `send_bytes` /
/// `recv_bytes` messages.
///
/// A frame is a header followed by the payload:
///
/// - payloads of at most `Int32.max` bytes (2 GiB − 1): the length as a
///   4-byte big-endian signed integer;
/// - longer ones: the marker `-1` as a 4-byte big-endian signed integer,
///   then the length as an 8-byte big-endian unsigned integer.
///
/// There is no kind byte, because a receiver always knows what it expects
/// (bytes or a given `Decodable` type), and the payload format is the
/// business of the layer above. Python's writer uses the long form only for
/// lengths the short form cannot express, and so do we; a reader refuses a
/// long form for a short length and any other negative length as malformed,
/// so each length has exactly one encoding.
enum FrameHeader {
    /// The short form's value that announces the long form.
    static let longFormMarker: Int32 = -1
    /// Bytes of a short header.
    static let shortCount = 4
    /// Bytes of a long header (marker + 8-byte length).
    static let longCount = 12
    /// The most bytes a header can take.
    static let maximumCount = longCount
    /// The longest payload the short form announces.
    static let shortFormLimit = Int(Int32.max)

    /// The size of the header announcing `payloadCount` bytes.
    @inline(__always)
    static func count(forPayloadCount payloadCount: Int) -> Int {
        payloadCount <= shortFormLimit ? shortCount : longCount
    }

    /// Writes the header announcing `payloadCount` bytes at the start of
    /// `destination` (which must hold ``count(forPayloadCount:)`` bytes) and
    /// returns its size.
    @inline(__always)
    @discardableResult
    static func encode(payloadCount: Int, into destination: UnsafeMutableRawPointer) -> Int {
        precondition(payloadCount >= 0, "negative payload count")
        if payloadCount <= shortFormLimit {
            destination.storeBigEndian(Int32(payloadCount))
            return shortCount
        }
        destination.storeBigEndian(longFormMarker)
        destination.storeBigEndian(UInt64(payloadCount), toByteOffset: shortCount)
        return longCount
    }

    /// What ``decode(_:)`` found at the start of a buffer.
    enum Decoded: Equatable, Sendable {
        /// The buffer does not hold a whole header yet.
        case incomplete
        /// A header of `headerCount` bytes announcing `payloadCount` bytes.
        case complete(payloadCount: UInt64, headerCount: Int)
    }

    /// Reads the header at the start of `bytes`, which may hold more (the
    /// payload, further frames) or less (a header split across reads).
    ///
    /// - Throws: ``FrameError/malformed(_:)`` for a negative length other
    ///   than the marker, and for a long form whose length fits the short form.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> Decoded {
        guard bytes.count >= shortCount else { return .incomplete }
        let short: Int32 = bytes.loadBigEndian()
        if short >= 0 {
            return .complete(payloadCount: UInt64(short), headerCount: shortCount)
        }
        guard short == longFormMarker else {
            throw .malformed("a frame header announces \(short) bytes")
        }
        guard bytes.count >= longCount else { return .incomplete }
        let long: UInt64 = bytes.loadBigEndian(fromByteOffset: shortCount)
        guard long > UInt64(shortFormLimit) else {
            throw .malformed("a long frame header announces \(long) bytes, which needs the short form")
        }
        return .complete(payloadCount: long, headerCount: longCount)
    }
}
