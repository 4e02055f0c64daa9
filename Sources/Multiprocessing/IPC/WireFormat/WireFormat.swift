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

// The layout of the binary wire format, shared by `BinaryEncoder` and `BinaryDecoder`.
//
// # Binary wire format, version 1
//
// A message is one header byte followed by exactly one value; nothing may follow it.
// A sequence (a process pool's batch of jobs or outputs, WireSequence.swift) is
// the header byte followed by any number of values.
//
//     message  = 0xB1 value              ; 0xB1: magic and format version 1 in one byte
//     sequence = 0xB1 value*
//     value    = tag payload
//
// | tag  | name     | payload                                                         |
// |------|----------|-----------------------------------------------------------------|
// | 0x00 | nil      | none                                                            |
// | 0x01 | false    | none                                                            |
// | 0x02 | true     | none                                                            |
// | 0x03 | int      | zigzag LEB128 varint (every signed type up to 64 bits)          |
// | 0x04 | uint     | LEB128 varint (every unsigned type up to 64 bits)               |
// | 0x05 | float32  | 4 bytes, IEEE 754 bit pattern, little-endian                    |
// | 0x06 | float64  | 8 bytes, IEEE 754 bit pattern, little-endian                    |
// | 0x07 | string   | varint byte count, UTF-8 bytes (validated when decoded)         |
// | 0x08 | bytes    | varint byte count, the bytes (a `[UInt8]` value as one blob)    |
// | 0x09 | keyed    | u32 LE byte count of the entries, then entries `key value`      |
// | 0x0A | unkeyed  | u32 LE byte count of the elements, then elements `value`        |
// | 0x0B | int128   | 16 bytes, two's complement, little-endian                       |
// | 0x0C | uint128  | 16 bytes, little-endian                                         |
// | 0x0D | scalars  | element kind byte, varint element count, the elements packed    |
// |      |          | little-endian (`[Int]`, `[Double]`, `[Float]`, `[Int32]`...)    |
// | 0x0E | byte run | u32 LE count, the bytes: that many `UInt8` elements of an       |
// |      |          | unkeyed container (what `encode(contentsOf:)` of bytes writes)  |
// | 0x0F | some     | the value that follows is wrapped in one more `Optional` level  |
// |      |          | (only written when an `Optional` holds an `Optional`, so that   |
// |      |          | `Int??.some(nil)` survives the round trip)                      |
//
// A key of a keyed container is a varint `h`: an even `h` is a string key of `h / 2`
// UTF-8 bytes which follow; `h == 1` is an integer key, and a zigzag varint follows.
// A key whose `stringValue` is the canonical decimal spelling of an `Int` ("42",
// "-7", but not "042") is written as an integer key, whatever its `intValue` says;
// all other keys are written by their `stringValue`. Dictionaries with `Int` keys
// thus cost one byte per key, and every `String` round trips unchanged.
//
// Containers carry their byte count, so a decoder skips a value it does not need
// in constant time and finds a key by a scan over the entries that starts after the
// previously found entry: in-order access (what synthesized code does) costs one
// step per key. Every length is checked against the bytes that remain before
// anything is allocated, and nesting is capped at `WireFormat.maximumDepth`.

/// Constants and tags of the binary wire format (see the comment at the top of this file).
enum WireFormat {
    /// The first byte of every message: magic and format version 1.
    static let header: UInt8 = 0xB1

    /// How deeply values may nest, in both the encoder and the decoder.
    static let maximumDepth = 512

    /// The largest container or byte run a `u32` length prefix can describe.
    static let maximumContainerBytes = Int(UInt32.max)
}

/// The first byte of every encoded value.
enum WireTag: UInt8 {
    case null = 0x00
    case `false` = 0x01
    case `true` = 0x02
    case int = 0x03
    case uint = 0x04
    case float32 = 0x05
    case float64 = 0x06
    case string = 0x07
    case bytes = 0x08
    case keyed = 0x09
    case unkeyed = 0x0A
    case int128 = 0x0B
    case uint128 = 0x0C
    case scalars = 0x0D
    case byteRun = 0x0E
    case some = 0x0F

    /// What the tag holds, for error messages ("found a string instead").
    var noun: String {
        switch self {
        case .null: "nil"
        case .false, .true: "a Bool"
        case .int, .uint, .int128, .uint128: "an integer"
        case .float32, .float64: "a floating-point number"
        case .string: "a string"
        case .bytes: "a byte array"
        case .keyed: "a keyed container"
        case .unkeyed: "an unkeyed container"
        case .scalars: "a packed array of numbers"
        case .byteRun: "a run of bytes"
        case .some: "a wrapped optional"
        }
    }
}

/// The coding key of an element of an unkeyed container, or the `super` key.
///
/// One word, and its `stringValue` is only built when asked for, so pushing it on
/// a coding path costs nothing.
struct WireIndexKey: CodingKey, Sendable {
    /// The element index, or -1 for `super`.
    private let index: Int

    init(intValue: Int) {
        self.index = intValue
    }

    init?(stringValue: String) {
        guard stringValue == "super" else { return nil }
        self.index = -1
    }

    var stringValue: String { index >= 0 ? "Index \(index)" : "super" }
    var intValue: Int? { index >= 0 ? index : nil }

    /// The key `superEncoder()` and `superDecoder()` use, as Foundation's coders do.
    static let `super` = WireIndexKey(stringValue: "super")!
}

/// The key of a value that has none (a top-level value, a single-value
/// container's): a generic stand-in for `nil` that spares the decoder boxing
/// every key into an optional existential (callgrind: ~150 instructions a
/// field). It never appears in a coding path.
struct WireNoKey: CodingKey {
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
    var stringValue: String { "" }
    var intValue: Int? { nil }
}

/// Lets the coders see, through a generic parameter, that a type is an `Optional`.
protocol WireOptional {}
extension Optional: WireOptional {}

/// Whether `T` is an `Optional` of something.
@inline(__always)
func isOptionalType<T>(_: T.Type) -> Bool {
    T.self is any WireOptional.Type
}

/// The canonical integer a key's `stringValue` spells, if it spells one.
///
/// "0", "42" and "-7" do; "042", "+1", "-0", "" and "a" do not. The check rejects
/// ordinary names at the first byte, so synthesized keys pay almost nothing.
@inline(__always)
func canonicalIntegerKey(_ string: String) -> Int? {
    guard let first = string.utf8.first, first == UInt8(ascii: "-") || (first &- 0x30) < 10 else {
        return nil
    }
    guard let value = Int(string), String(value) == string else { return nil }
    return value
}
