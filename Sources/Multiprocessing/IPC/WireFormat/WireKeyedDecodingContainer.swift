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

// The keyed container of `BinaryDecoder`.
//
// Entries are not indexed up front (that would allocate per container). A lookup
// scans the entries, skipping each value in constant time, and starts where the
// previous lookup in the same container ended: decoding keys in the order they
// were written (what synthesized code does) costs one step per key.

import Glibc

/// What a keyed container reads: shared by every copy of the container's box,
/// and pointed at other entries when a kept container is handed out again
/// (see WireContainerReuse.swift).
///
/// No access to its properties spans a call into other code, so their dynamic
/// exclusivity checks (about 75 instructions each, callgrind) are turned off.
final class WireKeyedDecodingCell {
    /// The decoding read from; `nil` when the container belongs to no decoding.
    @exclusivity(unchecked) var state: WireDecoderState?
    /// The range of the entries.
    @exclusivity(unchecked) var start = 0
    @exclusivity(unchecked) var end = 0
    /// Keys between the decoder's coding path and this container (nested containers).
    @exclusivity(unchecked) var suffix: [any CodingKey] = []
    /// Where the previous key lookup ended: the next lookup starts there.
    @exclusivity(unchecked) var next = 0
    /// The keys containers of this key type read (see WireLearnedKey.swift).
    @exclusivity(unchecked) var keys = WireLearnedKeys()
    /// `state.bytes` while attached, empty when not: what the fast paths read,
    /// without retaining the state.
    @exclusivity(unchecked) private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Detaches the cell from its decoding, which is over.
    func detach() {
        state = nil
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    /// Points the cell at the entries `start..<end` of `state`.
    @inline(__always)
    func bind(to state: WireDecoderState, entries: Range<Int>, suffix: [any CodingKey]) {
        if self.state !== state { self.state = state }
        bytes = state.bytes
        (start, end, next) = (entries.lowerBound, entries.upperBound, entries.lowerBound)
        if !suffix.isEmpty || !self.suffix.isEmpty { self.suffix = suffix }
        keys.rewind()
    }
}

struct WireKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let cell: WireKeyedDecodingCell

    /// The decoding; for a container of a finished decoding, an empty one,
    /// from which every read throws.
    private var state: WireDecoderState { cell.state ?? WireDecoderState() }
    private var start: Int { cell.start }
    private var end: Int { cell.end }
    private var suffix: [any CodingKey] { cell.suffix }

    /// The range of the entries of the keyed container value at `offset..<end`.
    @inline(__always)
    static func entries(
        at offset: Int, end: Int, in state: WireDecoderState, suffix: [any CodingKey]
    ) throws -> Range<Int> {
        if offset < end, end <= state.bytes.count, end - offset >= 5, state.bytes[offset] == WireTag.keyed.rawValue {
            let length = Int(
                UInt32(littleEndian: state.bytes.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
            if length <= end - offset - 5 { return (offset + 5)..<(offset + 5 + length) }
        }
        return try entriesInGeneral(at: offset, end: end, in: state, suffix: suffix)
    }

    private static func entriesInGeneral(
        at offset: Int, end: Int, in state: WireDecoderState, suffix: [any CodingKey]
    ) throws -> Range<Int> {
        let tag = try state.tag(at: offset, end: end)
        guard tag == .keyed else { throw state.mismatch([String: Any].self, found: tag, suffix, WireNoKey()) }
        var cursor = offset + 1
        return try state.readU32PrefixedRange(at: &cursor, end: end)
    }

    var codingPath: [any CodingKey] { state.codingPath + suffix }

    var allKeys: [Key] {
        var keys: [Key] = []
        var cursor = start
        while cursor < end {
            guard let entryKey = try? state.readKey(at: &cursor, end: end),
                let next = try? state.skipValue(at: cursor, end: end)
            else { break }
            cursor = next
            switch entryKey {
            case .int(let value):
                if let key = Key(stringValue: String(value)) ?? Int(exactly: value).flatMap(Key.init(intValue:)) {
                    keys.append(key)
                }
            case .string(let range):
                if let name = state.validUTF8String(range), let key = Key(stringValue: name) {
                    keys.append(key)
                }
            }
        }
        return keys
    }

    func contains(_ key: Key) -> Bool {
        (try? find(key)) != nil
    }

    // MARK: Lookup

    /// The value under `key`, or `nil` if there is none.
    func find(_ key: some CodingKey) throws -> WireEntryValue? {
        let state = state
        guard end <= state.bytes.count else {
            throw state.corrupt("A decoding container was used after decoding finished.", suffix, key)
        }
        var name = key.stringValue
        let from = cell.next
        // The learned key of the next entry: compare bytes, no key to read.
        if let keyCount = cell.keys.matchNext(named: name, at: state.bytes.baseAddress! + from, available: end - from) {
            let valueStart = from + keyCount
            let valueEnd = try state.skipValue(at: valueStart, end: end)
            cell.next = valueEnd
            cell.keys.advance()
            return WireEntryValue(state: state, range: valueStart..<valueEnd)
        }
        let integer = canonicalIntegerKey(name).map(Int64.init)
        let found = try name.withUTF8 { name -> (entry: Int, value: Range<Int>)? in
            if let found = try scan(state, from: from, to: end, name, integer) { return found }
            return from > start ? try scan(state, from: start, to: from, name, integer) : nil
        }
        guard let found else { return nil }
        // In order (the entry the previous lookup ended at): learn its key.
        if found.entry == from { cell.keys.learn(key.stringValue) } else { cell.keys.lose() }
        return WireEntryValue(state: state, range: found.value)
    }

    /// The first entry in `from..<limit` with the key `name` (or `integer`):
    /// where the entry starts, and its value's range.
    private func scan(
        _ state: WireDecoderState, from: Int, to limit: Int, _ name: UnsafeBufferPointer<UInt8>, _ integer: Int64?
    ) throws -> (entry: Int, value: Range<Int>)? {
        var cursor = from
        while cursor < limit {
            let entry = cursor
            let entryKey = try state.readKey(at: &cursor, end: end)
            let valueStart = cursor
            cursor = try state.skipValue(at: valueStart, end: end)
            let matches =
                switch entryKey {
                case .int(let value): integer == value
                case .string(let range):
                    integer == nil && range.count == name.count
                        && (name.isEmpty
                            || memcmp(state.bytes.baseAddress! + range.lowerBound, name.baseAddress!, name.count) == 0)
                }
            if matches {
                cell.next = cursor
                return (entry, valueStart..<cursor)
            }
        }
        return nil
    }

    /// The value under `key`, or `keyNotFound`.
    @inline(__always)
    private func require(_ key: Key) throws -> WireEntryValue {
        guard let value = try find(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    /// The non-nil value under `key`, or `nil`.
    @inline(__always)
    private func present(_ key: Key) throws -> WireEntryValue? {
        guard let value = try find(key), !value.isNil else { return nil }
        return value
    }

    // MARK: Decoding

    func decodeNil(forKey key: Key) throws -> Bool {
        try require(key).isNil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(require(key), key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try learned(key) { bytes, start, end in bytes.wirePlainString(at: start, end: end) }
            ?? string(require(key), key)
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try double(require(key), key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try float(require(key), key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }
    func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try integer(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try require(key)
        return try value.state.decodeValue(type, at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try bool($0, key) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try string($0, key) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try double($0, key) }
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try present(key).map { try float($0, key) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try present(key).map { try integer(type, $0, key) }
    }
    func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? {
        try present(key).map { try integer(type, $0, key) }
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = try present(key) else { return nil }
        let (state, range) = (value.state, value.range)
        // An `Optional<Optional<X>>` value keeps its outer level through a `some` tag.
        if isOptionalType(T.self), state.bytes[range.lowerBound] == WireTag.some.rawValue {
            return try state.decodeValue(type, at: range.lowerBound + 1, end: range.upperBound, suffix, key)
        }
        return try state.decodeValue(type, at: range.lowerBound, end: range.upperBound, suffix, key)
    }

    // MARK: Nested containers

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try require(key)
        return try value.state.keyedContainer(
            NestedKey.self, at: value.range.lowerBound, end: value.range.upperBound, suffix: suffix + [key])
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let value = try require(key)
        return try WireUnkeyedDecodingContainer(
            state: value.state, offset: value.range.lowerBound, end: value.range.upperBound, suffix: suffix + [key])
    }

    func superDecoder() throws -> any Decoder {
        guard let value = try find(WireIndexKey.super) else {
            throw DecodingError.keyNotFound(
                WireIndexKey.super,
                .init(
                    codingPath: codingPath, debugDescription: "No value associated with key \"super\"."))
        }
        return value.decoder
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try require(key).decoder
    }

    // MARK: Primitives

    @inline(__always)
    private func bool(_ value: WireEntryValue, _ key: Key) throws -> Bool {
        try value.state.decodeBool(at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }

    @inline(__always)
    private func string(_ value: WireEntryValue, _ key: Key) throws -> String {
        try value.state.decodeString(at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }

    @inline(__always)
    private func double(_ value: WireEntryValue, _ key: Key) throws -> Double {
        try value.state.decodeDouble(at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }

    @inline(__always)
    private func float(_ value: WireEntryValue, _ key: Key) throws -> Float {
        try value.state.decodeFloat(at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }

    @inline(__always)
    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try learned(key) { bytes, start, end in bytes.wirePlainInteger(T.self, at: start, end: end) }
            ?? integer(type, require(key), key)
    }

    /// The value of the learned next entry (see WireLearnedKey.swift), if
    /// `key` is its key and `read`, given where the value starts and where the
    /// entries end, finds a well-formed value there, and where it ends.
    /// Otherwise `nil`: the general path finds the value, or says what is wrong.
    @inline(__always)
    private func learned<T>(_ key: Key, _ read: (UnsafeRawBufferPointer, Int, Int) -> (T, end: Int)?) -> T? {
        let name = key.stringValue
        let bytes = cell.bytes  // empty once the decoding is over
        guard end <= bytes.count else { return nil }
        let from = cell.next
        guard let keyCount = cell.keys.matchNext(named: name, at: bytes.baseAddress! + from, available: end - from),
            let (value, valueEnd) = read(bytes, from + keyCount, end)
        else { return nil }
        cell.next = valueEnd
        cell.keys.advance()
        return value
    }

    @inline(__always)
    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: WireEntryValue, _ key: Key) throws -> T {
        try value.state.decodeInteger(type, at: value.range.lowerBound, end: value.range.upperBound, suffix, key)
    }
}

/// A value found under a key: the decoding it belongs to, and its bytes there.
struct WireEntryValue {
    let state: WireDecoderState
    let range: Range<Int>

    /// Whether the value is `nil`.
    var isNil: Bool { state.isNil(at: range.lowerBound, end: range.upperBound) }

    /// A decoder for the value.
    var decoder: WireDecoder { WireDecoder(state: state, offset: range.lowerBound, end: range.upperBound) }
}
