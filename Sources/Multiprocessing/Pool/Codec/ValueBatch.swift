//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

internal import MultiprocessingPlatform
import Synchronization

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
                || T.self == Int8.self
            {
                return .bytes
            }
            // The conformance check is a runtime lookup (about 200 instructions):
            // the answer for the last type asked about is kept, as its metadata
            // address with the low bit set for "bytes".
            let type = UInt(bitPattern: ObjectIdentifier(T.self))
            let last = lastAnswer.load(ordering: .relaxed)
            if last & ~1 == type { return last & 1 == 1 ? .bytes : .codable }
            let form: Form = T.self is any BitwiseTransferable.Type ? .bytes : .codable
            lastAnswer.store(type | (form == .bytes ? 1 : 0), ordering: .relaxed)
            return form
        }

        /// See `of(_:)`: metadata is aligned, so the low bit is free.
        private static let lastAnswer = Atomic<UInt>(0)
    }

    // MARK: Writing

    /// Appends a batch's header, its form and count; returns where the count is.
    @discardableResult
    private static func appendHeader(_ form: Form, count: Int, to out: inout [UInt8]) -> Int {
        out.append(form.rawValue)
        let countAt = out.count
        out.appendInteger(UInt32(count))
        return countAt
    }

    /// Appends values to a batch being written. (Not generic: a method of a
    /// generic struct would look up the struct's metadata on every call.)
    struct Writer {
        /// The codable form's values.
        fileprivate let sequence: WireSequenceWriter?
        /// The bytes form's values: room for `capacity` of them, aligned.
        fileprivate let values: UnsafeMutableRawPointer?
        fileprivate let capacity: Int
        /// How many values were appended.
        private(set) var count = 0

        /// Whether the batch's values travel as their bytes (see `appendBytes`).
        var holdsBytes: Bool { sequence == nil }

        /// Appends `value`, of the batch's type. If it cannot be encoded,
        /// nothing of it is written and the error is thrown.
        @inline(__always)
        mutating func append<T: Codable>(_ value: T) throws {
            // Optional chaining, not `if let`: the writer is used in place, not copied.
            if sequence != nil {
                try sequence?.append(value)
                count += 1
            } else {
                appendBytes(value)
            }
        }

        /// Appends `value`, of the batch's type, to a batch that `holdsBytes`.
        /// (Generic code that calls this, not `append`, where it can, does not
        /// look up the type's `Codable` conformance: two runtime calls a value,
        /// callgrind.)
        @inline(__always)
        mutating func appendBytes<T>(_ value: T) {
            precondition(sequence == nil && count < capacity, "not a batch of bytes with room for a value")
            (values! + count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1).initialize(to: value)
            count += 1
        }
    }

    /// Appends a batch of at most `maximumCount` values of `T` to `out`, holding
    /// the values `body` appends to the writer it is given (their shared
    /// objects attach their descriptors to `descriptors`).
    ///
    /// - Throws: What `body` throws; `out` then holds an unfinished batch.
    static func write<T: Codable, R>(
        _: T.Type, maximumCount: Int, to out: inout [UInt8], descriptors: OutgoingDescriptors? = nil,
        _ body: (inout Writer) throws -> R
    ) rethrows -> R {
        let form = Form.of(T.self)
        let countAt = appendHeader(form, count: 0, to: &out)
        let result: R
        let count: Int
        switch form {
        case .bytes:
            let byteCount = maximumCount * MemoryLayout<T>.stride
            let values = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: MemoryLayout<T>.alignment)
            defer { values.deallocate() }
            values.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)  // padding travels as zeros
            var writer = Writer(sequence: nil, values: values, capacity: maximumCount)
            result = try body(&writer)
            count = writer.count
            out.append(contentsOf: UnsafeRawBufferPointer(start: values, count: count * MemoryLayout<T>.stride))
        case .codable:
            var written = 0
            result = try BinaryEncoder(collectingInto: descriptors).encodeSequence(appendingTo: &out) { sequence in
                var writer = Writer(sequence: sequence, values: nil, capacity: maximumCount)
                defer { written = writer.count }
                return try body(&writer)
            }
            count = written
        }
        out.withUnsafeMutableBytes { $0.baseAddress!.storeBigEndian(UInt32(count), toByteOffset: countAt) }
        return result
    }

    /// Appends a batch of `values` to `out` (their shared objects attach
    /// their descriptors to `descriptors`).
    ///
    /// - Throws: The first error a value's `encode(to:)` throws.
    static func append<T: Codable>(
        _ values: ArraySlice<T>, to out: inout [UInt8],
        descriptors: OutgoingDescriptors? = nil
    ) throws {
        let form = Form.of(T.self)
        appendHeader(form, count: values.count, to: &out)
        guard form == .codable else {
            values.withUnsafeBytes { out.append(contentsOf: $0) }
            return
        }
        // Straight to the sequence, not through a `Writer` (about 40 instructions
        // a value, callgrind): all the values are written, or the first error is
        // thrown. By index, as a generic iterator costs hundreds of instructions a value.
        try BinaryEncoder(collectingInto: descriptors).encodeSequence(appendingTo: &out) { sequence in
            try values.withUnsafeBufferPointer { values in
                for index in values.indices { try sequence.append(values[index]) }
            }
        }
    }

    /// Appends a batch of the one value `value` to `out` (a single job's task).
    ///
    /// - Throws: What the value's `encode(to:)` throws.
    static func append<T: Codable>(only value: T, to out: inout [UInt8], descriptors: OutgoingDescriptors? = nil) throws
    {
        try write(T.self, maximumCount: 1, to: &out, descriptors: descriptors) { writer in try writer.append(value) }
    }

    // MARK: Reading

    /// Reads the values of a batch in order. (Not generic, as `Writer`.)
    struct Reader {
        /// The codable form's values.
        fileprivate var sequence: WireSequenceReader?
        /// The bytes form's values, aligned.
        fileprivate let values: UnsafeRawPointer?
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
            return (values! + (position - 1) * MemoryLayout<T>.stride).assumingMemoryBound(to: T.self).pointee
        }
    }

    /// Reads the batch of `T` that fills `bytes` exactly, through the reader
    /// `body` is given (the values' shared objects take their descriptors
    /// from `descriptors`).
    ///
    /// - Throws: `MalformedMessage` if the batch is cut short, has another
    ///   form than `T` travels in, or does not hold its count of values; what
    ///   `body` throws.
    static func read<T: Codable, R>(
        _: T.Type, from bytes: UnsafeRawBufferPointer, descriptors: IncomingDescriptors? = nil,
        _ body: (inout Reader) throws -> R
    ) throws -> R {
        var cursor = ByteCursor(bytes)
        let formByte = try cursor.integer(UInt8.self)
        let count = Int(try cursor.integer(UInt32.self))
        let payload = cursor.rest()
        guard let form = Form(rawValue: formByte) else {
            throw MalformedMessage(description: "unknown batch form \(formByte)")
        }
        guard form == Form.of(T.self) else {
            throw MalformedMessage(
                description: "a batch of \(T.self) in the \(form) form, which is not how \(T.self) travels")
        }
        switch form {
        case .bytes:
            guard _isPOD(T.self), payload.count == count * MemoryLayout<T>.stride else {
                throw MalformedMessage(description: "\(payload.count) bytes cannot hold \(count) values of \(T.self)")
            }
            // A frame's bytes carry no alignment: the values are copied out first.
            let values = UnsafeMutableRawPointer.allocate(
                byteCount: payload.count, alignment: MemoryLayout<T>.alignment)
            defer { values.deallocate() }
            if let source = payload.baseAddress { values.copyMemory(from: source, byteCount: payload.count) }
            var reader = Reader(sequence: nil, values: values, count: count)
            return try body(&reader)
        case .codable:
            return try BinaryDecoder(takingFrom: descriptors).decodeSequence(count, from: payload) { sequence in
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
    static func decode<T: Codable>(
        _: T.Type, from bytes: UnsafeRawBufferPointer, appendingTo values: inout [T],
        descriptors: IncomingDescriptors? = nil
    ) throws {
        try read(T.self, from: bytes, descriptors: descriptors) { reader in
            if let bytesForm = reader.values {  // all at once
                values.append(
                    contentsOf: UnsafeBufferPointer(
                        start: bytesForm.assumingMemoryBound(to: T.self), count: reader.count))
                return
            }
            values.reserveCapacity(values.count + reader.count)
            while !reader.isAtEnd { values.append(try reader.next(T.self)) }
        }
    }

    /// Reads the batch of exactly one `T` in `bytes` (a single job's output).
    ///
    /// - Throws: `MalformedMessage` if the batch holds another count of values;
    ///   the errors of ``read(_:from:_:)`` and of the value's `init(from:)`.
    static func decode<T: Codable>(
        only _: T.Type, from bytes: UnsafeRawBufferPointer,
        descriptors: IncomingDescriptors? = nil
    ) throws -> T {
        try read(T.self, from: bytes, descriptors: descriptors) { reader in
            guard reader.count == 1 else {
                throw MalformedMessage(description: "expected one value, got \(reader.count)")
            }
            return try reader.next(T.self)
        }
    }

    /// ``decode(_:from:appendingTo:descriptors:)`` into a new array.
    static func decode<T: Codable>(
        _ type: T.Type, from bytes: UnsafeRawBufferPointer,
        descriptors: IncomingDescriptors? = nil
    ) throws -> [T] {
        var values: [T] = []
        try decode(type, from: bytes, appendingTo: &values, descriptors: descriptors)
        return values
    }
}
