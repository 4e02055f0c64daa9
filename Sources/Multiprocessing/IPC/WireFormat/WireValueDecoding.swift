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

// Decoding one value from its byte range: primitives directly, everything else
// through its `init(from:)` with a `WireDecoder`.

import Glibc

extension WireDecoderState {
    /// The error for a value of the wrong type, or for `nil` where a value is needed.
    func mismatch<T>(_ type: T.Type, found tag: WireTag, _ suffix: [any CodingKey], _ key: some CodingKey)
        -> DecodingError
    {
        let path = path(suffix, key)
        if tag == .null {
            return .valueNotFound(
                type, .init(codingPath: path, debugDescription: "Expected \(type) value but found nil instead."))
        }
        return .typeMismatch(
            type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(tag.noun) instead.")
        )
    }

    /// Whether the value at `offset` is `nil`.
    @inline(__always)
    func isNil(at offset: Int, end: Int) -> Bool {
        offset < end && end <= bytes.count && bytes[offset] == WireTag.null.rawValue
    }

    func decodeBool(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey) throws -> Bool {
        let tag = try tag(at: offset, end: end)
        switch tag {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, found: tag, suffix, key)
        }
    }

    @inline(__always)  // specialized for the integer type at each call site
    func decodeInteger<T: FixedWidthInteger>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey
    ) throws -> T {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .int:
            let value = try readZigzag(at: &cursor, end: end)
            if let result = T(exactly: value) { return result }
            throw overflow(value, T.self, suffix, key)
        case .uint:
            let value = try readVarint(at: &cursor, end: end)
            if let result = T(exactly: value) { return result }
            throw overflow(value, T.self, suffix, key)
        case .int128:
            let value = try readLittleEndian(Int128.self, at: &cursor, end: end)
            if let result = T(exactly: value) { return result }
            throw overflow(value, T.self, suffix, key)
        case .uint128:
            let value = try readLittleEndian(UInt128.self, at: &cursor, end: end)
            if let result = T(exactly: value) { return result }
            throw overflow(value, T.self, suffix, key)
        default:
            throw mismatch(T.self, found: tag, suffix, key)
        }
    }

    private func overflow<V: BinaryInteger, T>(
        _ value: V, _: T.Type, _ suffix: [any CodingKey], _ key: some CodingKey
    ) -> DecodingError {
        corrupt("The number \(value) does not fit in \(T.self).", suffix, key)
    }

    func decodeDouble(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey) throws -> Double {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .float64: return Double(bitPattern: try readLittleEndian(UInt64.self, at: &cursor, end: end))
        case .float32: return Double(Float(bitPattern: try readLittleEndian(UInt32.self, at: &cursor, end: end)))
        default: throw mismatch(Double.self, found: tag, suffix, key)
        }
    }

    func decodeFloat(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey) throws -> Float {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .float32:
            return Float(bitPattern: try readLittleEndian(UInt32.self, at: &cursor, end: end))
        case .float64:
            let double = Double(bitPattern: try readLittleEndian(UInt64.self, at: &cursor, end: end))
            let float = Float(double)
            guard double.isNaN || Double(float) == double else {
                throw corrupt("The number \(double) does not fit in Float.", suffix, key)
            }
            return float
        default:
            throw mismatch(Float.self, found: tag, suffix, key)
        }
    }

    func decodeString(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey) throws -> String {
        let tag = try tag(at: offset, end: end)
        guard tag == .string else { throw mismatch(String.self, found: tag, suffix, key) }
        var cursor = offset + 1
        let range = try readVarintPrefixedRange(at: &cursor, end: end)
        guard let string = validUTF8String(range) else {
            throw corrupt("A string at byte \(offset) is not valid UTF-8.", suffix, key)
        }
        return string
    }

    /// The unkeyed value at `offset` as `[String]`, or `nil` if an element is
    /// not a valid string (the general path then says what is wrong, where).
    private func decodeStrings(at offset: Int, end: Int) throws -> [String]? {
        var cursor = offset + 1
        let elements = try readU32PrefixedRange(at: &cursor, end: end)
        var strings: [String] = []
        cursor = elements.lowerBound
        while cursor < elements.upperBound {
            guard bytes[cursor] == WireTag.string.rawValue else { return nil }
            cursor += 1
            let range = try readVarintPrefixedRange(at: &cursor, end: elements.upperBound)
            guard let string = validUTF8String(range) else { return nil }
            strings.append(string)
        }
        return strings
    }

    /// The string the bytes in `range` spell, or `nil` if they are not valid UTF-8.
    func validUTF8String(_ range: Range<Int>) -> String? {
        bytes.wireValidUTF8String(range)
    }

    /// Decodes a message's value: what `decodeValue` does, without the
    /// coding path a nested value keeps.
    @inline(__always)
    func decodeTopLevel<T: Decodable>(_ type: T.Type, at offset: Int, end: Int) throws -> T {
        try decodeTopLevel(type, at: offset, end: end) {
            try T(from: WireDecoder(state: self, offset: offset, end: end))
        }
    }

    /// Decodes a value of a sequence: what `decodeTopLevel` does, through a
    /// decoder that holds no counted reference (see WireSequenceValueDecoder.swift).
    @inline(__always)
    func decodeSequenceValue<T: Decodable>(_ type: T.Type, at offset: Int, end: Int) throws -> T {
        try decodeTopLevel(type, at: offset, end: end) {
            try T(from: WireSequenceValueDecoder(anchor: .passUnretained(anchor), generation: anchor.nextValue()))
        }
    }

    /// Decodes a value of its own through its fast path or, if it is a
    /// struct (a keyed value, which has none), through `decode`.
    @inline(__always)
    private func decodeTopLevel<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, _ decode: () throws -> T
    ) throws -> T {
        guard depth == 0, codingPath.isEmpty, try rawTag(at: offset, end: end) == WireTag.keyed.rawValue else {
            return try decodeValue(type, at: offset, end: end, [], WireNoKey())
        }
        (depth, topLevelValue) = (1, offset..<end)
        defer { (depth, topLevelValue) = (0, 0..<0) }
        return try decode()
    }

    /// Decodes a nested value of any type, one level deeper.
    @inline(__always)
    func decodeValue<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey
    ) throws -> T {
        // Only blob-like tags can take a fast path; checking the tag first keeps
        // the common path free of `Optional<T>`, whose metadata is a runtime lookup.
        let tag = try rawTag(at: offset, end: end)
        // Types whose conformance is the standard library's, read the short way
        // to the same value (see `wireEncodeFastPath`).
        if tag == WireTag.string.rawValue, T.self == String.self {
            return unsafeBitCast(try decodeString(at: offset, end: end, suffix, key), to: T.self)
        }
        if tag == WireTag.unkeyed.rawValue, T.self == [String].self,
            let strings = try decodeStrings(at: offset, end: end)
        {
            return unsafeBitCast(strings, to: T.self)
        }
        if tag == WireTag.scalars.rawValue {
            return try decodeScalarsOrValue(type, at: offset, end: end, suffix, key)
        }
        if tag == WireTag.bytes.rawValue || tag == WireTag.unkeyed.rawValue {
            return try decodeBlobOrValue(type, at: offset, end: end, suffix, key)
        }
        return try decodeNested(type, at: offset, end: end, suffix, key)
    }

    /// Decodes a value that may be a blob through its fast path, else through `init(from:)`.
    @inline(never)
    private func decodeBlobOrValue<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey
    ) throws -> T {
        if let bytes = try wireByteRun(from: self, at: offset, end: end) {
            // `[UInt8]` first, and nothing here of type `T?`, whose metadata
            // would be looked up on every call (see `wireByteRun`).
            if isByteArray(T.self) { return unsafeBitCast([UInt8](bytes), to: T.self) }
            return try byteCollection(T.self, bytes) { try decodeNested(type, at: offset, end: end, suffix, key) }
        }
        return try decodeNested(type, at: offset, end: end, suffix, key)
    }

    /// Decodes a packed array through its fast path, else through `init(from:)`.
    @inline(never)
    private func decodeScalarsOrValue<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: some CodingKey
    ) throws -> T {
        try wireDecodeScalars(T.self, from: self, at: offset, end: end) {
            try decodeNested(type, at: offset, end: end, suffix, key)
        }
    }

    /// Decodes a value through its `init(from:)`, one level deeper.
    private func decodeNested<T: Decodable, Key: CodingKey>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: Key
    ) throws -> T {
        guard depth < WireFormat.maximumDepth else {
            throw corrupt("Values nest more than \(WireFormat.maximumDepth) levels deep.", suffix, key)
        }
        let pathCount = codingPath.count
        if !suffix.isEmpty { codingPath.append(contentsOf: suffix) }
        if Key.self != WireNoKey.self { codingPath.append(key) }  // not `type(of:)`: a runtime call
        depth += 1
        defer {
            depth -= 1
            // `removeLast()` one at a time: `removeLast(_:)` costs ~170 instructions
            // even for the usual single key (callgrind).
            while codingPath.count > pathCount { codingPath.removeLast() }
        }
        return try T(from: WireDecoder(state: self, offset: offset, end: end))
    }
}

extension UnsafeRawBufferPointer {
    // Reading values straight from a message's bytes, for the fast paths that
    // hold no decoder state.

    /// The integer at `offset` as a `T` and where it ends, if it is a short
    /// well-formed one that fits; else `nil` (the general path reads it, or
    /// says what is wrong).
    @inline(__always)
    func wirePlainInteger<T: FixedWidthInteger>(_: T.Type, at offset: Int, end: Int) -> (T, end: Int)? {
        guard offset < end, end <= count else { return nil }
        let tag = self[offset]
        guard tag == WireTag.int.rawValue || tag == WireTag.uint.rawValue,
            let (raw, valueEnd) = wirePlainVarint(at: offset + 1, end: end)
        else { return nil }
        let value =
            tag == WireTag.uint.rawValue
            ? T(exactly: raw)
            : T(exactly: Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
        return value.map { ($0, valueEnd) }
    }

    /// The string at `offset` and where it ends, if it is a well-formed one;
    /// else `nil` (the general path reads it, or says what is wrong).
    @inline(__always)
    func wirePlainString(at offset: Int, end: Int) -> (String, end: Int)? {
        guard offset < end, end <= count, self[offset] == WireTag.string.rawValue,
            let (length, start) = wirePlainVarint(at: offset + 1, end: end), length <= UInt64(end - start),
            let string = wireValidUTF8String(start..<(start + Int(length)))
        else { return nil }
        return (string, start + Int(length))
    }

    /// The varint at `offset` and where it ends, if it has at most 9 bytes
    /// (so cannot overflow) and ends before `end`; else `nil`.
    @inline(__always)
    func wirePlainVarint(at offset: Int, end: Int) -> (UInt64, end: Int)? {
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        var cursor = offset
        while cursor < end, shift < 63 {
            let byte = self[cursor]
            cursor += 1
            raw |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return (raw, cursor) }
            shift += 7
        }
        return nil
    }

    /// The string the bytes in `range` spell, or `nil` if they are not valid UTF-8.
    ///
    /// `String(validating:as:)` looks up generic metadata on every call; decoding
    /// with repair and checking that nothing was repaired is several times cheaper
    /// and exactly as strict (a repaired string never equals its input bytes).
    func wireValidUTF8String(_ range: Range<Int>) -> String? {
        let utf8 = UnsafeRawBufferPointer(rebasing: self[range]).assumingMemoryBound(to: UInt8.self)
        var string = String(decoding: utf8, as: UTF8.self)
        let unchanged = string.withUTF8 { decoded in
            decoded.count == utf8.count
                && (utf8.isEmpty || memcmp(decoded.baseAddress!, utf8.baseAddress!, utf8.count) == 0)
        }
        return unchanged ? string : nil
    }
}
