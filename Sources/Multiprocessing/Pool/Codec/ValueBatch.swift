internal import MultiprocessingPlatform

// A batch of values of one type -- a task's jobs `[J]`, a result's outputs
// `[J.Output]` -- as it travels in a pool message: a form byte, then
//
//   0 codable   the batch encoded as `[T]` by the Codable wire format
//   1 bytes     count:u32, then `count` values as their bytes, a stride apart
//
// The sender picks `bytes` for plain values (see PlainValues.swift).

/// Writes and reads batches of values of one type in pool messages.
enum ValueBatch {
    private enum Form: UInt8 {
        case codable = 0, bytes = 1
    }

    /// Appends `values`, as their bytes if `asBytes` (only for a type that
    /// ``PlainValues/qualify(_:)`` accepted), otherwise through `Codable`
    /// (their shared objects attach their descriptors to `descriptors`).
    ///
    /// - Throws: what the values' `encode(to:)` throws.
    static func append<T: Codable>(_ values: some Collection<T>, asBytes: Bool, to out: inout [UInt8],
                                   descriptors: OutgoingDescriptors? = nil) throws {
        guard asBytes else {
            out.append(Form.codable.rawValue)
            try MessageCoding.encode(Array(values), appendingTo: &out, descriptors: descriptors)
            return
        }
        out.append(Form.bytes.rawValue)
        out.appendInteger(UInt32(values.count))
        let copied: Void? = values.withContiguousStorageIfAvailable { out.append(contentsOf: UnsafeRawBufferPointer($0)) }
        if copied == nil {
            let padding = MemoryLayout<T>.stride - MemoryLayout<T>.size
            for value in values {
                withUnsafeBytes(of: value) { out.append(contentsOf: $0) }
                out.append(contentsOf: repeatElement(0, count: padding))
            }
        }
    }

    /// Reads a batch of `T` written by ``append(_:asBytes:to:descriptors:)``
    /// from exactly `bytes` and appends its values to `values` (their shared
    /// objects take their descriptors from `descriptors`).
    ///
    /// - Throws: `MalformedMessage` if the batch is cut short or claims bytes
    ///   for a type that cannot travel as bytes; what `T`'s `init(from:)` throws.
    static func decode<T: Codable>(_: T.Type, from bytes: UnsafeRawBufferPointer, appendingTo values: inout [T],
                                   descriptors: IncomingDescriptors? = nil) throws {
        var cursor = ByteCursor(bytes)
        switch Form(rawValue: try cursor.integer(UInt8.self)) {
        case .codable?:
            values.append(contentsOf: try MessageCoding.decode([T].self, from: cursor.rest(), descriptors: descriptors))
        case .bytes?:
            let count = Int(try cursor.integer(UInt32.self))
            let run = cursor.rest()
            guard _isPOD(T.self), run.count == count * MemoryLayout<T>.stride else {
                throw MalformedMessage(description: "\(run.count) bytes cannot hold \(count) values of \(T.self)")
            }
            values.append(contentsOf: [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: run)
                initialized = count
            })
        case nil:
            throw MalformedMessage(description: "unknown batch form")
        }
    }

    /// ``decode(_:from:appendingTo:descriptors:)`` into a new array.
    static func decode<T: Codable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer,
                                   descriptors: IncomingDescriptors? = nil) throws -> [T] {
        var values: [T] = []
        try decode(type, from: bytes, appendingTo: &values, descriptors: descriptors)
        return values
    }
}
