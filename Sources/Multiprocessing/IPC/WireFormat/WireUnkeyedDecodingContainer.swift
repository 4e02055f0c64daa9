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

// The unkeyed container of `BinaryDecoder`.
//
// Besides an `unkeyed` value it reads a `bytes` value (a `[UInt8]`) as a sequence
// of `UInt8` elements and a `scalars` value (`[Int]`, `[Double]`...) as a sequence
// of numbers, and inside an unkeyed container a `byteRun` counts as that many
// `UInt8` elements. So `Data`, `[UInt8]` and `ContiguousArray<UInt8>` read each
// other's encoding, and an `init(from:)` that reads an array element by element
// works whatever fast path wrote it.

struct WireUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: WireDecoderState
    /// The end of the elements.
    let end: Int
    /// Keys between the decoder's coding path and this container (nested containers).
    let suffix: [any CodingKey]
    /// The next element, or the next byte of the current byte run.
    var cursor: Int
    /// The elements left in the current run (a byte run, or a `bytes` or `scalars` value).
    var runRemaining = 0
    /// The kind of the current run: 0 for bytes, else the `scalars` element kind.
    var runKind: UInt8 = 0
    var currentIndex = 0

    init(state: WireDecoderState, offset: Int, end: Int, suffix: [any CodingKey]) throws {
        let tag = try state.tag(at: offset, end: end)
        var cursor = offset + 1
        let elements: Range<Int>
        switch tag {
        case .unkeyed:
            elements = try state.readU32PrefixedRange(at: &cursor, end: end)
        case .bytes:
            elements = try state.readVarintPrefixedRange(at: &cursor, end: end)
            runRemaining = elements.count
        case .scalars:
            let (kind, start, count) = try state.scalarsHeader(at: offset, end: end)
            elements = start..<(start + count * WireDecoderState.scalarWidth(kind))
            (runRemaining, runKind) = (count, kind)
        default:
            throw state.mismatch([Any].self, found: tag, suffix, WireNoKey())
        }
        self.state = state
        self.cursor = elements.lowerBound
        self.end = elements.upperBound
        self.suffix = suffix
    }

    var codingPath: [any CodingKey] { state.codingPath + suffix }

    var isAtEnd: Bool { runRemaining == 0 && cursor >= end }

    var count: Int? {
        var count = currentIndex + runRemaining
        var cursor = cursor + runRemaining * runWidth
        while cursor < end {
            guard let tag = try? state.tag(at: cursor, end: end),
                let next = try? state.skipValue(at: cursor, end: end)
            else { return nil }
            count += tag == .byteRun ? next - cursor - 5 : 1
            cursor = next
        }
        return count
    }

    var indexKey: WireIndexKey { WireIndexKey(intValue: currentIndex) }

    private var runWidth: Int { runKind == 0 ? 1 : WireDecoderState.scalarWidth(runKind) }

    /// The byte range of the next element, which must not be part of a byte run.
    private func next<T>(_ type: T.Type) throws -> Range<Int> {
        guard end <= state.bytes.count else {
            throw state.corrupt("A decoding container was used after decoding finished.", suffix, indexKey)
        }
        guard runRemaining == 0 else {
            throw state.mismatch(type, found: runKind == 0 ? .byteRun : .scalars, suffix, indexKey)
        }
        guard cursor < end else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: state.path(suffix, indexKey), debugDescription: "Unkeyed container is at end."))
        }
        return cursor..<(try state.skipValue(at: cursor, end: end))
    }

    /// Moves past the element that ended at `elementEnd`.
    @inline(__always)
    mutating func advance(to elementEnd: Int) {
        cursor = elementEnd
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        if runRemaining > 0 || atByteRun { return false }  // a number is never nil
        let range = try next(Never.self)
        guard state.isNil(at: range.lowerBound, end: range.upperBound) else { return false }
        advance(to: range.upperBound)
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let range = try next(type)
        let value = try state.decodeBool(at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let range = try next(type)
        let value = try state.decodeString(at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        if let value = try runFloat(Double.self) { return value }
        let range = try next(type)
        let value = try state.decodeDouble(at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        if let value = try runFloat(Float.self) { return value }
        let range = try next(type)
        let value = try state.decodeFloat(at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }

    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: Int128.Type) throws -> Int128 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try integer(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if runRemaining > 0 || atByteRun { return try runElement(type) }
        let range = try next(type)
        let value = try state.decodeValue(type, at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let range = try next(KeyedDecodingContainer<NestedKey>.self)
        let container = try state.keyedContainer(
            NestedKey.self, at: range.lowerBound, end: range.upperBound, suffix: suffix + [indexKey])
        advance(to: range.upperBound)
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let range = try next((any UnkeyedDecodingContainer).self)
        let container = try WireUnkeyedDecodingContainer(
            state: state, offset: range.lowerBound, end: range.upperBound, suffix: suffix + [indexKey])
        advance(to: range.upperBound)
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let range = try next((any Decoder).self)
        advance(to: range.upperBound)
        return WireDecoder(state: state, offset: range.lowerBound, end: range.upperBound)
    }

    @inline(__always)
    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        if let value = try runInteger(type) { return value }
        let range = try next(type)
        let value = try state.decodeInteger(type, at: range.lowerBound, end: range.upperBound, suffix, indexKey)
        advance(to: range.upperBound)
        return value
    }
}
