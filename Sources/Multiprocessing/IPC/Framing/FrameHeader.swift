/// The frame header: how the IPC layer delimits messages in a byte stream.
///
/// A frame is a header followed by the payload:
///
/// - payloads shorter than 4 GiB − 1 bytes: the length as a 4-byte
///   little-endian unsigned integer;
/// - longer ones: the escape value `0xFFFF_FFFF`, then the length as an 8-byte
///   little-endian unsigned integer.
///
/// Little-endian because both ends run on the same machine and it is the native
/// order on every Linux target Swift supports; there is no kind byte, because a
/// receiver always knows what it expects (bytes or a given `Decodable` type),
/// and the payload format is the business of the layer above.
/// The long form is only valid for lengths the short form cannot express, so
/// each length has exactly one encoding.
package enum FrameHeader {
    /// The short form's value that announces the long form.
    package static let escape: UInt32 = 0xFFFF_FFFF
    /// Bytes of a short header.
    package static let shortCount = 4
    /// Bytes of a long header (escape + 8-byte length).
    package static let longCount = 12
    /// The most bytes a header can take.
    package static let maximumCount = longCount

    /// The size of the header announcing `payloadCount` bytes.
    @inline(__always)
    package static func count(forPayloadCount payloadCount: Int) -> Int {
        UInt64(payloadCount) < UInt64(escape) ? shortCount : longCount
    }

    /// Writes the header announcing `payloadCount` bytes at the start of
    /// `destination` (which must hold ``maximumCount`` bytes) and returns its size.
    @inline(__always)
    package static func encode(payloadCount: Int, into destination: UnsafeMutableRawPointer) -> Int {
        precondition(payloadCount >= 0, "negative payload count")
        if UInt64(payloadCount) < UInt64(escape) {
            destination.storeBytes(of: UInt32(payloadCount).littleEndian, as: UInt32.self)
            return shortCount
        }
        destination.storeBytes(of: escape.littleEndian, as: UInt32.self)
        (destination + shortCount).storeBytes(of: UInt64(payloadCount).littleEndian, as: UInt64.self)
        return longCount
    }

    /// The header announcing `payloadCount` bytes, as an array.
    package static func encode(payloadCount: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maximumCount) { buffer, count in
            count = encode(payloadCount: payloadCount, into: buffer.baseAddress!)
        }
    }

    /// What ``decode(_:)`` found at the start of a buffer.
    package enum Decoded: Equatable, Sendable {
        /// The buffer does not hold a whole header yet.
        case incomplete
        /// A header of `headerCount` bytes announcing `payloadCount` bytes.
        case complete(payloadCount: UInt64, headerCount: Int)
    }

    /// Reads the header at the start of `bytes`, which may hold more (the
    /// payload, further frames) or less (a header split across reads).
    ///
    /// - Throws: ``ConnectionError/malformedFrame(_:)`` for a long form whose
    ///   length fits the short form.
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(ConnectionError) -> Decoded {
        guard bytes.count >= shortCount else { return .incomplete }
        let short = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
        if short != escape {
            return .complete(payloadCount: UInt64(short), headerCount: shortCount)
        }
        guard bytes.count >= longCount else { return .incomplete }
        let long = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: shortCount, as: UInt64.self))
        guard long >= UInt64(escape) else {
            throw .malformedFrame("a long frame header announces \(long) bytes, which needs the short form")
        }
        return .complete(payloadCount: long, headerCount: longCount)
    }
}
