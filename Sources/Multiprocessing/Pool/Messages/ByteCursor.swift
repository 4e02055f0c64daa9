// The envelope's little binary layout, written and read in place. The job,
// output and error payloads inside an envelope are encoded by the package's
// Codable wire format; the envelope itself is a handful of fixed fields that
// the hot path writes straight into the outgoing buffer (no intermediate
// value, no second copy of the payload), which is why it is hand-laid.

extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// A string as a 32-bit byte count and its UTF-8 bytes.
    mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendInteger(UInt32(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// A byte run as a 32-bit count and the bytes.
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        appendInteger(UInt32(bytes.count))
        append(contentsOf: bytes)
    }
}

/// Why an envelope could not be read.
struct MalformedMessage: Error, CustomStringConvertible {
    var description: String
}

/// Reads envelope fields from a buffer, checking every length against what remains.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(MalformedMessage) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw MalformedMessage(description: "message ends inside a field") }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func byteRun() throws(MalformedMessage) -> UnsafeRawBufferPointer {
        let count = Int(try integer(UInt32.self))
        guard remaining >= count else { throw MalformedMessage(description: "a field claims \(count) bytes, \(remaining) remain") }
        let run = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
        offset += count
        return run
    }

    mutating func string() throws(MalformedMessage) -> String {
        String(decoding: try byteRun(), as: UTF8.self)
    }

    /// Everything not read yet.
    mutating func rest() -> UnsafeRawBufferPointer {
        let run = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        offset = bytes.count
        return run
    }
}
