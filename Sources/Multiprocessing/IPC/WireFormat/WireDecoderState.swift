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

// The state one `BinaryDecoder.decode` call shares by reference across all its
// decoders and containers, and the bounds-checked reads every decoding goes through.
//
// A value is named by its byte range `offset..<end`, found by `skipValue` before
// it is decoded. Every read checks its range against `end` (and `end` against the
// input), so corrupt input throws `DecodingError.dataCorrupted` and never reads out
// of bounds; every length is checked against the bytes that remain before anything
// is allocated.

final class WireDecoderState {
    // No access to these properties spans a call into user code or another
    // access, so their dynamic exclusivity checks (a measurable share of decoding
    // time, as in `WireEncoderState`) are turned off.

    /// The input; emptied when the top-level decode returns, so a decoder a type
    /// kept past its `init(from:)` reads nothing instead of freed memory.
    @exclusivity(unchecked) var bytes: UnsafeRawBufferPointer
    /// The keys of the values being decoded, outermost first.
    @exclusivity(unchecked) var codingPath: [any CodingKey] = []
    /// How many values are being decoded, one inside the other.
    @exclusivity(unchecked) var depth = 0
    var userInfo: [CodingUserInfoKey: Any] = [:]
    /// Keyed containers made by this state, for reuse (see WireContainerReuse.swift).
    @exclusivity(unchecked) private var keyedContainers = WireContainerCache<WireKeyedDecodingCell>()

    /// The range of the top-level value being read (what the decoder of a
    /// sequence's values reads); empty when none is.
    @exclusivity(unchecked) var topLevelValue = 0..<0
    /// Where the decoders of a sequence's values find this state (see WireSequenceValueDecoder.swift).
    let anchor = WireSequenceAnchor.take()

    /// A state with no input; `BinaryDecoder` gets one from `WireStateCache`.
    init() {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        anchor.state = .passUnretained(self)
    }

    deinit {
        anchor.giveBack()
    }

    /// A state reading `bytes`.
    convenience init(bytes: UnsafeRawBufferPointer, userInfo: [CodingUserInfoKey: Any]) {
        self.init()
        self.bytes = bytes
        self.userInfo = userInfo
    }

    /// Readies the state of a call that succeeded for another call: both stacks
    /// are empty again after a successful call, and a failed one is never reused.
    func reset() {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        if !codingPath.isEmpty { codingPath.removeAll() }  // never after a successful call; defensive
        depth = 0
        if !userInfo.isEmpty { userInfo = [:] }
    }

    /// Ends a decoding: detaches the kept containers, so that one a type kept
    /// throws when used, and so that they do not keep this state alive.
    func detachContainers() {
        keyedContainers.forEachCell { $0.detach() }
    }

    // MARK: Containers

    /// A keyed container reading the keyed value at `offset..<end`: a kept one if one is free.
    @inline(__always)
    func keyedContainer<Key: CodingKey>(
        _: Key.Type, at offset: Int, end: Int, suffix: [any CodingKey]
    ) throws -> KeyedDecodingContainer<Key> {
        let entries = try WireKeyedDecodingContainer<Key>.entries(at: offset, end: end, in: self, suffix: suffix)
        guard let index = keyedContainers.unshared(for: ObjectIdentifier(Key.self)) else {
            return makeKeyedContainer(Key.self, entries: entries, suffix: suffix)
        }
        keyedContainers.withCell(at: index) { $0.bind(to: self, entries: entries, suffix: suffix) }
        return keyedContainers.container(at: index, as: KeyedDecodingContainer<Key>.self)
    }

    /// A new keyed container, kept for reuse if there is room. Out of line: only
    /// here is the container's type metadata needed (see `WireContainerSlot`).
    @inline(never)
    private func makeKeyedContainer<Key: CodingKey>(
        _: Key.Type, entries: Range<Int>, suffix: [any CodingKey]
    ) -> KeyedDecodingContainer<Key> {
        let cell = WireKeyedDecodingCell()
        cell.bind(to: self, entries: entries, suffix: suffix)
        let container = KeyedDecodingContainer(WireKeyedDecodingContainer<Key>(cell: cell))
        keyedContainers.keep(container, cell: cell, for: ObjectIdentifier(Key.self))
        return container
    }

    // MARK: Errors

    func corrupt(_ message: String, _ suffix: [any CodingKey] = [], _ key: some CodingKey = WireNoKey())
        -> DecodingError
    {
        DecodingError.dataCorrupted(.init(codingPath: path(suffix, key), debugDescription: message))
    }

    /// The coding path of the value under `key` in a container `suffix` below the current value.
    func path<Key: CodingKey>(_ suffix: [any CodingKey], _ key: Key) -> [any CodingKey] {
        var path = codingPath + suffix
        if Key.self != WireNoKey.self { path.append(key) }
        return path
    }

    // MARK: Reading

    /// The tag byte at `offset`, not yet validated.
    @inline(__always)
    func rawTag(at offset: Int, end: Int) throws -> UInt8 {
        guard offset < end, end <= bytes.count else { throw corrupt("Unexpected end of data at byte \(offset).") }
        return bytes[offset]
    }

    /// The tag at `offset`.
    @inline(__always)
    func tag(at offset: Int, end: Int) throws -> WireTag {
        let raw = try rawTag(at: offset, end: end)
        guard let tag = WireTag(rawValue: raw) else {
            throw corrupt("Unknown tag 0x\(String(raw, radix: 16)) at byte \(offset).")
        }
        return tag
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes.
    @inline(__always)
    func readVarint(at cursor: inout Int, end: Int) throws -> UInt64 {
        guard end <= bytes.count else { throw corrupt("Unexpected end of data at byte \(cursor).") }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while cursor < end {
            let byte = bytes[cursor]
            cursor += 1
            if shift == 63, byte > 1 { throw corrupt("A varint overflows 64 bits at byte \(cursor - 1).") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw corrupt("Unexpected end of data inside a varint at byte \(cursor).")
    }

    /// Reads a zigzag varint.
    @inline(__always)
    func readZigzag(at cursor: inout Int, end: Int) throws -> Int64 {
        let raw = try readVarint(at: &cursor, end: end)
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads `T` as little-endian fixed-width bytes.
    @inline(__always)
    func readLittleEndian<T: FixedWidthInteger>(_: T.Type, at cursor: inout Int, end: Int) throws -> T {
        let size = MemoryLayout<T>.size
        guard end <= bytes.count, end - cursor >= size else {
            throw corrupt("Unexpected end of data: \(size) bytes needed at byte \(cursor).")
        }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: T.self))
        cursor += size
        return value
    }

    /// Reads a varint byte count and returns the range of that many bytes after it.
    @inline(__always)
    func readVarintPrefixedRange(at cursor: inout Int, end: Int) throws -> Range<Int> {
        let length = try readVarint(at: &cursor, end: end)
        return try claim(length, at: &cursor, end: end)
    }

    /// Reads a `u32` byte count and returns the range of that many bytes after it.
    @inline(__always)
    func readU32PrefixedRange(at cursor: inout Int, end: Int) throws -> Range<Int> {
        let length = try readLittleEndian(UInt32.self, at: &cursor, end: end)
        return try claim(UInt64(length), at: &cursor, end: end)
    }

    /// Checks `length` bytes remain at `cursor`, and moves past them.
    @inline(__always)
    private func claim(_ length: UInt64, at cursor: inout Int, end: Int) throws -> Range<Int> {
        guard length <= UInt64(end - cursor) else {
            throw corrupt("A length of \(length) bytes at byte \(cursor) exceeds the \(end - cursor) bytes left.")
        }
        let range = cursor..<(cursor + Int(length))
        cursor = range.upperBound
        return range
    }

    /// Reads the header of a `scalars` value: its kind, where its elements start, their count.
    func scalarsHeader(at offset: Int, end: Int) throws -> (kind: UInt8, start: Int, count: Int) {
        var cursor = offset + 1
        guard cursor < end, end <= bytes.count else { throw corrupt("Unexpected end of data at byte \(cursor).") }
        let kind = bytes[cursor]
        cursor += 1
        let width: UInt64 =
            switch kind {
            case 1: 1
            case 2, 5: 2
            case 3, 6, 8: 4
            case 4, 7, 9: 8
            default: throw corrupt("Unknown element kind \(kind) of a packed array at byte \(offset + 1).")
            }
        let count = try readVarint(at: &cursor, end: end)
        guard count <= UInt64(end - cursor) / width else {
            throw corrupt(
                "A packed array of \(count) elements at byte \(offset) exceeds the \(end - cursor) bytes left.")
        }
        return (kind, cursor, Int(count))
    }

    /// Returns where the value at `offset` ends, checking only its framing.
    func skipValue(at offset: Int, end: Int) throws -> Int {
        // What batches and structs are made of, inline; the rest, and every
        // error, through `skipOtherValue`.
        guard offset < end, end <= bytes.count else { return try skipOtherValue(at: offset, end: end) }
        switch bytes[offset] {
        case WireTag.keyed.rawValue, WireTag.unkeyed.rawValue:
            guard end - offset >= 5 else { break }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
            if length <= end - offset - 5 { return offset + 5 + length }
        case WireTag.int.rawValue, WireTag.uint.rawValue:
            // A varint of at most 9 bytes (a 10th may overflow: checked by the general path).
            var cursor = offset + 1
            while cursor < end, cursor - offset <= 9 {
                if bytes[cursor] < 0x80 { return cursor + 1 }
                cursor += 1
            }
        case WireTag.string.rawValue, WireTag.bytes.rawValue:
            if offset + 1 < end, bytes[offset + 1] < 0x80, Int(bytes[offset + 1]) <= end - offset - 2 {
                return offset + 2 + Int(bytes[offset + 1])
            }
        case WireTag.null.rawValue, WireTag.false.rawValue, WireTag.true.rawValue:
            return offset + 1
        default:
            break
        }
        return try skipOtherValue(at: offset, end: end)
    }

    /// `skipValue`'s general path: every tag, and every error.
    private func skipOtherValue(at offset: Int, end: Int) throws -> Int {
        var cursor = offset
        var tag = try tag(at: cursor, end: end)
        while tag == .some {  // a loop, not recursion: a run of `some` tags cannot overflow the stack
            cursor += 1
            tag = try self.tag(at: cursor, end: end)
        }
        cursor += 1
        switch tag {
        case .null, .false, .true, .some:
            break
        case .int, .uint:
            _ = try readVarint(at: &cursor, end: end)
        case .float32:
            _ = try readLittleEndian(UInt32.self, at: &cursor, end: end)
        case .float64:
            _ = try readLittleEndian(UInt64.self, at: &cursor, end: end)
        case .int128, .uint128:
            _ = try readLittleEndian(UInt128.self, at: &cursor, end: end)
        case .string, .bytes:
            _ = try readVarintPrefixedRange(at: &cursor, end: end)
        case .keyed, .unkeyed, .byteRun:
            _ = try readU32PrefixedRange(at: &cursor, end: end)
        case .scalars:
            let (kind, start, count) = try scalarsHeader(at: cursor - 1, end: end)
            cursor = start + count * Self.scalarWidth(kind)
        }
        return cursor
    }

    /// The byte width of the elements of a `scalars` value of a valid `kind`.
    static func scalarWidth(_ kind: UInt8) -> Int {
        switch kind {
        case 1: 1
        case 2, 5: 2
        case 3, 6, 8: 4
        default: 8
        }
    }

    /// Reads the key of the keyed-container entry at `cursor`.
    @inline(__always)
    func readKey(at cursor: inout Int, end: Int) throws -> WireEntryKey {
        let header = try readVarint(at: &cursor, end: end)
        if header & 1 == 0 {
            return .string(try claim(header >> 1, at: &cursor, end: end))
        }
        guard header == 1 else { throw corrupt("A malformed key header \(header) at byte \(cursor).") }
        return .int(try readZigzag(at: &cursor, end: end))
    }
}

/// The key of a keyed-container entry as stored.
enum WireEntryKey {
    /// A string key: the range of its UTF-8 bytes in the input.
    case string(Range<Int>)
    /// An integer key.
    case int(Int64)
}
