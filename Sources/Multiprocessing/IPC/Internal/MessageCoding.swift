import Foundation

/// The one seam between connections and the Codable wire format.
///
/// Until the package's binary coder lands this uses Foundation's JSON coders;
/// switching is a change of the two function bodies below.
enum MessageCoding {
    /// Appends the encoding of `value` to `buffer`.
    static func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        buffer.append(contentsOf: try JSONEncoder().encode(value))
    }

    /// Decodes a `T` from exactly `bytes`.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
