/// The one seam between connections and the Codable wire format: the
/// package's compact binary coder (see ``BinaryEncoder`` for the format and
/// `swift run -c release codec-benchmark` for its measured lead over JSON).
///
/// `userInfo` reaches the values' `encode(to:)` and `init(from:)`: the
/// transports put the descriptor collectors of DescriptorAttachments.swift
/// there, so that shared objects travel with their descriptors.
enum MessageCoding {
    /// Appends the encoding of `value` to `buffer`.
    static func encode<T: Encodable>(
        _ value: T, appendingTo buffer: inout [UInt8], userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws {
        var encoder = BinaryEncoder()
        encoder.userInfo = userInfo
        try encoder.encode(value, appendingTo: &buffer)
    }

    /// Decodes a `T` from exactly `bytes`.
    static func decode<T: Decodable>(
        _ type: T.Type, from bytes: UnsafeRawBufferPointer, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws -> T {
        var decoder = BinaryDecoder()
        decoder.userInfo = userInfo
        return try decoder.decode(type, from: bytes)
    }
}
