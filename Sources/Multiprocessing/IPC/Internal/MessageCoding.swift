/// The one seam between connections and the Codable wire format: the
/// package's compact binary coder (see ``BinaryEncoder`` for the format and
/// `swift run -c release codec-benchmark` for its measured lead over JSON).
enum MessageCoding {
    /// Appends the encoding of `value` to `buffer`.
    static func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        try BinaryEncoder().encode(value, appendingTo: &buffer)
    }

    /// Decodes a `T` from exactly `bytes`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try BinaryDecoder().decode(type, from: bytes)
    }
}
