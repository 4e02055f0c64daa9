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

// The keys a keyed container of one key type wrote or read, entry by entry,
// kept in the container's cell (see WireContainerReuse.swift) for the next
// value of that type.
//
// Codings of many values of one type write and read the same keys in the
// same order, value after value. So a container remembers, for each entry
// position, the key's name and its encoding: an encoder that is given the
// same name at that position appends the remembered bytes; a decoder asked
// for the same name at that position compares the entry's first bytes with
// them. Anything else (another name, another order, a key that is too long)
// takes the general path and is remembered in its turn. The format does not
// change: every entry still carries its whole key.

import Glibc

/// A key's name and its encoding at the start of a keyed-container entry.
struct WireLearnedKey {
    /// The key's `stringValue`, kept so that the string `nameBits` describes
    /// lives as long as this key.
    let name: String
    /// The bits of `name`'s representation. A name whose bits are the same is
    /// the same string (the same small string, or the same storage, which
    /// `name` keeps alive); comparing bits costs no retain, release or call.
    /// A name with other bits may still be equal: the general path finds it.
    private let nameBits: (UInt64, UInt64)
    /// The encoded key (`WireBuffer.wireAppendKey`), in the first `count` bytes.
    private let encoded: (UInt64, UInt64)
    /// How many bytes the encoded key has.
    let count: Int

    /// The learned form of the key named `name`, or `nil` if its encoding is
    /// longer than 16 bytes.
    init?(_ name: String) {
        var encoded: (UInt64, UInt64) = (0, 0)
        var count = 0
        let fits = withUnsafeMutableBytes(of: &encoded) { bytes in
            func append(_ byte: UInt8) -> Bool {
                guard count < bytes.count else { return false }
                bytes[count] = byte
                count += 1
                return true
            }
            func appendVarint(_ value: UInt64) -> Bool {
                var value = value
                while value >= 0x80 {
                    guard append(UInt8(truncatingIfNeeded: value) | 0x80) else { return false }
                    value >>= 7
                }
                return append(UInt8(truncatingIfNeeded: value))
            }
            // As `WireBuffer.wireAppendKey` writes it.
            if let integer = canonicalIntegerKey(name) {
                let zigzag = Int64(integer)
                return append(1) && appendVarint(UInt64(bitPattern: (zigzag << 1) ^ (zigzag >> 63)))
            }
            var name = name
            return name.withUTF8 { utf8 in appendVarint(UInt64(utf8.count) << 1) && utf8.allSatisfy(append) }
        }
        guard fits, MemoryLayout<String>.size == MemoryLayout<(UInt64, UInt64)>.size else { return nil }
        self.name = name
        self.nameBits = unsafeBitCast(name, to: (UInt64, UInt64).self)
        self.encoded = encoded
        self.count = count
    }

    /// Whether `name` is this key's name, by its bits (see `nameBits`).
    @inline(__always)
    func isNamed(_ name: String) -> Bool {
        let bits = unsafeBitCast(name, to: (UInt64, UInt64).self)
        return bits.0 == nameBits.0 && bits.1 == nameBits.1
    }

    /// Appends the encoded key to `buffer` (two stores, not a `memcpy` call).
    @inline(__always)
    func append(to buffer: inout WireBuffer) {
        buffer.append(encoded, count: count)
    }

    /// Whether the `count` bytes at `address`, of which `available` may be
    /// read, are the encoded key.
    @inline(__always)
    func isEncoded(at address: UnsafeRawPointer, available: Int) -> Bool {
        guard available >= 16 else {
            // Byte by byte, not a `memcmp` call: keys are a few bytes.
            return withUnsafeBytes(of: encoded) { encoded in
                for index in 0..<count where encoded[index] != address.load(fromByteOffset: index, as: UInt8.self) {
                    return false
                }
                return true
            }
        }
        // Two loads and masks, not a `memcmp` call: bytes past `count` are ignored.
        let first = UInt64(littleEndian: address.loadUnaligned(as: UInt64.self))
        let second = UInt64(littleEndian: address.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let firstMask: UInt64 = count >= 8 ? ~0 : (1 << (8 * UInt64(count))) &- 1
        let secondMask: UInt64 = count <= 8 ? 0 : count >= 16 ? ~0 : (1 << (8 * UInt64(count - 8))) &- 1
        return first & firstMask == UInt64(littleEndian: encoded.0) & firstMask
            && second & secondMask == UInt64(littleEndian: encoded.1) & secondMask
    }
}

/// The learned keys of one container's key type, and where a coding is in them.
struct WireLearnedKeys {
    private var keys: [WireLearnedKey] = []
    /// The index of the next entry, or -1 once the entries left the learned order.
    private var position = 0

    /// Starts over at the first entry (a container was handed out again).
    @inline(__always)
    mutating func rewind() {
        position = 0
    }

    /// Appends the learned encoding of the next entry's key to `buffer` and
    /// moves past it, if that key is named `name`; else returns `false`.
    /// (The learned key is used in place: a copy would retain its name.)
    @inline(__always)
    mutating func appendNext(named name: String, to buffer: inout WireBuffer) -> Bool {
        guard position >= 0, position < keys.count, keys[position].isNamed(name) else { return false }
        keys[position].append(to: &buffer)
        position += 1
        return true
    }

    /// How many bytes at `address` (of which `available` may be read) are the
    /// learned encoding of the next entry's key named `name` (`advance()`
    /// then moves past it); `nil` if they are not, or the key is not named `name`.
    /// (`mutating` though it changes nothing: called on a cell's property, a
    /// non-mutating call would copy the keys, retaining their array.)
    @inline(__always)
    mutating func matchNext(named name: String, at address: UnsafeRawPointer, available: Int) -> Int? {
        guard position >= 0, position < keys.count, keys[position].isNamed(name),
            keys[position].count < available, keys[position].isEncoded(at: address, available: available)
        else { return nil }
        return keys[position].count
    }

    /// Moves past the entry `matchNext` matched.
    @inline(__always)
    mutating func advance() {
        position += 1
    }

    /// Records that the next entry has the key named `name`, and moves past it.
    mutating func learn(_ name: String) {
        guard position >= 0, position <= keys.count else { return }
        // Types have a few keys; dictionaries, which have many, are not learned.
        guard position < 32, let key = WireLearnedKey(name) else {
            position = -1
            return
        }
        if position == keys.count { keys.append(key) } else { keys[position] = key }
        position += 1
    }

    /// Records that the entries left the learned order, until `rewind()`.
    mutating func lose() {
        position = -1
    }
}
