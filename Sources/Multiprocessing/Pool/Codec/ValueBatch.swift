// A batch of values of one type -- a task's jobs, a result's outputs -- as it
// travels in a pool message:
//
//   form:u8 count:u32, then
//   form 0 codable   a sequence of `count` values of the Codable wire format
//   form 1 bytes     the `count` values' bytes, a stride apart
//
// The form follows from the type alone (see `ValueBatch.Form.of`): both sides
// run the same executable, and the receiver checks the form it finds against
// the type it expects, so no batch makes a type skip its `Codable` code
// unless the type allows it. Every value of a codable batch is its own unit
// of failure: one that cannot be encoded or decoded fails, and the values
// before it stand.

/// Writes and reads batches of values of one type in pool messages.
enum ValueBatch {
    /// How the values of a batch travel.
    enum Form: UInt8 {
        /// Through the values' `Codable` conformance.
        case codable = 0
        /// As the values' bytes.
        case bytes = 1

        /// How values of `T` travel: as bytes if `T` is ``BitwiseTransferable``
        /// or one of the standard library's numbers or `Bool` (see its
        /// documentation for why that gives the same result), otherwise codable.
        static func of<T>(_: T.Type) -> Form {
            guard _isPOD(T.self) else { return .codable }
            if T.self == Int.self || T.self == Double.self || T.self == Bool.self || T.self == UInt8.self
                || T.self == Int64.self || T.self == UInt64.self || T.self == Int32.self || T.self == UInt32.self
                || T.self == Float.self || T.self == UInt.self || T.self == Int16.self || T.self == UInt16.self
                || T.self == Int8.self {
                return .bytes
            }
            return T.self is any BitwiseTransferable.Type ? .bytes : .codable
        }
    }

    // MARK: Writing

    /// Appends values to a batch being written. (Not generic: a method of a
    /// generic struct would look up the struct's metadata on every call.)
    struct Writer {
        /// The codable form's values.
        fileprivate let sequence: WireSequenceWriter?
        /// The bytes form's values.
        fileprivate let values: AlignedValues?
        /// How many values were appended.
        private(set) var count = 0

        /// Appends `value`, of the batch's type. If it cannot be encoded,
        /// nothing of it is written and the error is thrown.
        @inline(__always)
        mutating func append<T: Codable>(_ value: T) throws {
            // Optional chaining, not `if let`: the forms' values are used in place, not copied.
            if sequence != nil {
                try sequence?.append(value)
            } else {
                values?.append(value)
            }
            count += 1
        }
    }

    /// Appends a batch of `T` to `out`, holding the values `body` appends to
    /// the writer it is given (values of type `T` only).
    ///
    /// - Throws: What `body` throws; `out` then holds an unfinished batch.
    static func write<T: Codable, R>(_: T.Type, to out: inout [UInt8], _ body: (inout Writer) throws -> R) rethrows -> R {
        let form = Form.of(T.self)
        out.append(form.rawValue)
        let countAt = out.count
        out.appendInteger(UInt32(0))
        let (result, count): (R, Int)
        switch form {
        case .bytes:
            let values = AlignedValues(of: T.self)
            var writer = Writer(sequence: nil, values: values)
            result = try body(&writer)
            count = writer.count
            out.append(contentsOf: values.bytes)
        case .codable:
            (result, count) = try BinaryEncoder().encodeSequence(appendingTo: &out) { sequence in
                var writer = Writer(sequence: sequence, values: nil)
                return (try body(&writer), writer.count)
            }
        }
        out.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(count).littleEndian, toByteOffset: countAt, as: UInt32.self) }
        return result
    }

    /// Appends a batch of `values` to `out`.
    ///
    /// - Throws: The first error a value's `encode(to:)` throws.
    static func append<T: Codable>(_ values: ArraySlice<T>, to out: inout [UInt8]) throws {
        guard Form.of(T.self) == .codable else {
            out.append(Form.bytes.rawValue)
            out.appendInteger(UInt32(values.count))
            values.withUnsafeBytes { out.append(contentsOf: $0) }
            return
        }
        try write(T.self, to: &out) { writer in
            // By index: a generic iterator costs hundreds of instructions a value (callgrind).
            for index in values.indices { try writer.append(values[index]) }
        }
    }

    // MARK: Reading

    /// Reads the values of a batch in order. (Not generic, as `Writer`.)
    struct Reader {
        /// The codable form's values.
        fileprivate var sequence: WireSequenceReader?
        /// The bytes form's values.
        fileprivate let values: AlignedValues?
        /// How many values the batch holds.
        let count: Int
        /// How many values were read.
        private(set) var position = 0

        /// Whether every value was read.
        var isAtEnd: Bool { position == count }

        /// Reads the next value, of the batch's type; there must be one.
        ///
        /// - Throws: What `T`'s `init(from:)` throws, or a `DecodingError`; the
        ///   reader has then moved past that value.
        @inline(__always)
        mutating func next<T: Codable>(_: T.Type) throws -> T {
            precondition(!isAtEnd, "no value left in the batch")
            position += 1
            if sequence != nil { return try sequence!.next(T.self) }
            return values!.value(at: position - 1, as: T.self)
        }
    }

    /// Reads the batch of `T` that fills `bytes` exactly, through the reader
    /// `body` is given.
    ///
    /// - Throws: `MalformedMessage` if the batch is cut short, has another
    ///   form than `T` travels in, or does not hold its count of values; what
    ///   `body` throws.
    static func read<T: Codable, R>(_: T.Type, from bytes: UnsafeRawBufferPointer, _ body: (inout Reader) throws -> R) throws -> R {
        var cursor = ByteCursor(bytes)
        let formByte = try cursor.integer(UInt8.self)
        let count = Int(try cursor.integer(UInt32.self))
        let payload = cursor.rest()
        guard let form = Form(rawValue: formByte) else {
            throw MalformedMessage(description: "unknown batch form \(formByte)")
        }
        guard form == Form.of(T.self) else {
            throw MalformedMessage(description: "a batch of \(T.self) in the \(form) form, which is not how \(T.self) travels")
        }
        switch form {
        case .bytes:
            guard _isPOD(T.self), payload.count == count * MemoryLayout<T>.stride else {
                throw MalformedMessage(description: "\(payload.count) bytes cannot hold \(count) values of \(T.self)")
            }
            var reader = Reader(sequence: nil, values: AlignedValues(of: T.self, copying: payload), count: count)
            return try body(&reader)
        case .codable:
            return try BinaryDecoder().decodeSequence(count, from: payload) { sequence in
                var reader = Reader(sequence: sequence, values: nil, count: count)
                return try body(&reader)
            }
        }
    }

    /// Reads the batch of `T` in `bytes` and appends its values to `values`;
    /// if one cannot be decoded, those before it are appended, then the error
    /// is thrown.
    ///
    /// - Throws: The errors of ``read(_:from:_:)`` and of the values' `init(from:)`.
    static func decode<T: Codable>(_: T.Type, from bytes: UnsafeRawBufferPointer, appendingTo values: inout [T]) throws {
        try read(T.self, from: bytes) { reader in
            if let bytesForm = reader.values {   // all at once
                values.append(contentsOf: bytesForm.buffer(of: T.self))
                return
            }
            values.reserveCapacity(values.count + reader.count)
            while !reader.isAtEnd { values.append(try reader.next(T.self)) }
        }
    }

    /// ``decode(_:from:appendingTo:)`` into a new array.
    static func decode<T: Codable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> [T] {
        var values: [T] = []
        try decode(type, from: bytes, appendingTo: &values)
        return values
    }
}
