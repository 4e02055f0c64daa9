internal import MultiprocessingPlatform

// The manager's wire protocol: one request frame (``ManagerRequest``), one
// reply frame (``ManagerReply``), on an authenticated ``Connection``. Keys,
// values and elements travel as the byte runs of their encoding
// (``MessageCoding``): the server stores and compares bytes and never
// decodes a user's type, so a peer can make it run nothing but this
// protocol. Fields are written with the `append` helpers of ByteFields.swift
// (integers big-endian, strings and byte runs as a u32 count then the bytes).

/// The kind of a named object on the server.
enum ManagedObjectKind: UInt8, Sendable {
    case dictionary = 1, list, queue

    var name: String {
        switch self {
        case .dictionary: "dictionary"
        case .list: "list"
        case .queue: "queue"
        }
    }
}

/// A time-out on the wire: nanoseconds, -1 for none.
enum WireTimeout {
    static func encode(_ timeout: Duration?) -> Int64 {
        guard let timeout else { return -1 }
        return Int64(clamping: timeout.clampedNanoseconds)
    }

    static func decode(_ nanoseconds: Int64) -> Deadline {
        nanoseconds < 0 ? .distantFuture : .after(.nanoseconds(nanoseconds))
    }
}

extension Array where Element == UInt8 {
    /// Appends `value`'s encoding as a byte run (a u32 count, then the bytes),
    /// encoded in place.
    mutating func appendEncoded<T: Encodable>(_ value: T) throws(ManagerError) {
        let start = count
        appendInteger(UInt32(0))
        do {
            try MessageCoding.encode(value, appendingTo: &self)
        } catch {
            removeSubrange(start...)
            throw .encodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
        let length = count - start - 4
        guard length <= Int(UInt32.max) else {
            removeSubrange(start...)
            throw .encodingFailed(type: String(reflecting: T.self), description: "\(length) bytes: a manager's values are limited to 4 GiB")
        }
        withUnsafeMutableBytes { $0.baseAddress!.storeBigEndian(UInt32(length), toByteOffset: start) }
    }
}

extension ByteCursor {
    /// Decodes the next byte run as a `T`.
    mutating func decoded<T: Decodable>(_: T.Type = T.self) throws(ManagerError) -> T {
        let bytes: UnsafeRawBufferPointer
        do {
            bytes = try byteRun()
        } catch {
            throw .malformedReply(error.description)
        }
        do {
            return try MessageCoding.decode(T.self, from: bytes)
        } catch {
            throw .decodingFailed(type: String(reflecting: T.self), description: String(describing: error))
        }
    }

    /// Reads a field of the reply; a reply too short is malformed.
    mutating func field<T>(_ read: (inout ByteCursor) throws(MalformedMessage) -> T) throws(ManagerError) -> T {
        do {
            return try read(&self)
        } catch {
            throw .malformedReply(error.description)
        }
    }
}
