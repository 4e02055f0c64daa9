/// Encodes `Encodable` values in the package's compact binary wire format.
///
/// This is the format ``Connection/send(_:)`` and ``ProcessPool`` use to ship
/// values between processes. A value is written as tagged primitives
/// (varint integers, little-endian floats, length-prefixed UTF-8 strings) and
/// length-prefixed containers; `[UInt8]` and arrays of fixed-width numbers are
/// written as one blob each. A message starts with one header byte that names the
/// format version, so a reader of another version fails cleanly. The layout is
/// documented at the top of `WireFormat.swift`.
///
/// Compared with `JSONEncoder`, the output is smaller and encoding plus decoding is
/// several times faster (see `swift run -c release codec-benchmark`); the price is
/// that the bytes are not human-readable and that only ``BinaryDecoder`` reads them.
///
/// ```swift
/// let bytes = try BinaryEncoder().encode(message)
/// let copy = try BinaryDecoder().decode(Message.self, from: bytes)
/// ```
///
/// Every `Codable` feature works: keyed, unkeyed and single-value containers,
/// nested containers, `superEncoder()`, optionals (also `Int??.some(nil)`, which
/// JSON cannot keep), enums with associated values and dictionaries of any key type.
/// One restriction: a nested container must be filled before its parent container
/// is written to again (what every synthesized and nearly every hand-written
/// `encode(to:)` does); a write to a container its parent has moved past throws
/// `EncodingError.invalidValue` rather than writing wrong bytes.
///
/// An encoder has no mutable state; one instance may be used from many threads.
public struct BinaryEncoder: Sendable {
    /// Values handed to `encode(to:)` implementations as `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder.
    public init() {}

    /// Returns the encoding of `value`.
    ///
    /// - Throws: `EncodingError.invalidValue` when values nest more than 512 levels
    ///   deep, a container exceeds 4 GiB or an `encode(to:)` misuses its containers;
    ///   any error the value's own `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the encoding of `value` to `buffer` (lets a caller reserve a frame header first).
    ///
    /// On error `buffer` is left as it was.
    ///
    /// - Throws: The errors of ``encode(_:)``.
    public func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        let originalCount = buffer.count
        let state = WireEncoderState(buffer: [], userInfo: userInfo.isEmpty ? [:] : userInfo.mapValues { $0 })
        swap(&buffer, &state.buffer)
        defer { swap(&buffer, &state.buffer) }
        do {
            state.buffer.append(WireFormat.header)
            try state.encodeValue(value, key: nil)
            try state.closeFrames(above: -1)
            if let failure = state.deferredFailure { throw failure }
        } catch {
            state.buffer.removeLast(state.buffer.count - originalCount)
            throw error
        }
    }
}
