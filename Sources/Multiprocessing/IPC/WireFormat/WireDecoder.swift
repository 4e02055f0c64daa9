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

// The `Decoder` handed to `init(from:)`, and its single-value container.

/// A decoder for the value at `offset..<end` of a `BinaryDecoder` run.
struct WireDecoder: Decoder {
    let state: WireDecoderState
    let offset: Int
    let end: Int

    var codingPath: [any CodingKey] { state.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try state.keyedContainer(Key.self, at: offset, end: end, suffix: [])
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try WireUnkeyedDecodingContainer(state: state, offset: offset, end: end, suffix: [])
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        WireSingleValueDecodingContainer(state: state, offset: offset, end: end)
    }
}

/// Reads the one value of a slot.
struct WireSingleValueDecodingContainer: WireSingleValueIntegerDecoding {
    let state: WireDecoderState
    let offset: Int
    let end: Int

    var codingPath: [any CodingKey] { state.codingPath }

    func decodeNil() -> Bool { state.isNil(at: offset, end: end) }
    func decode(_ type: Bool.Type) throws -> Bool { try state.decodeBool(at: offset, end: end, [], WireNoKey()) }
    func decode(_ type: String.Type) throws -> String { try state.decodeString(at: offset, end: end, [], WireNoKey()) }
    func decode(_ type: Double.Type) throws -> Double { try state.decodeDouble(at: offset, end: end, [], WireNoKey()) }
    func decode(_ type: Float.Type) throws -> Float { try state.decodeFloat(at: offset, end: end, [], WireNoKey()) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // `Optional.init(from:)` lands here for its wrapped value: unwrap one `some` level.
        if isOptionalType(T.self), try state.rawTag(at: offset, end: end) == WireTag.some.rawValue {
            return try state.decodeValue(T.self, at: offset + 1, end: end, [], WireNoKey())
        }
        return try state.decodeValue(T.self, at: offset, end: end, [], WireNoKey())
    }

    @inline(__always)
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try state.decodeInteger(type, at: offset, end: end, [], WireNoKey())
    }
}

/// The twelve integer requirements of `SingleValueDecodingContainer`, met by
/// one generic read: shared by both single-value containers of the decoder.
protocol WireSingleValueIntegerDecoding: SingleValueDecodingContainer {
    /// Decodes the value as a `T`, or throws if it is not an integer that fits.
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T
}

extension WireSingleValueIntegerDecoding {
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: Int128.Type) throws -> Int128 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode(_ type: UInt128.Type) throws -> UInt128 { try integer(type) }
}
