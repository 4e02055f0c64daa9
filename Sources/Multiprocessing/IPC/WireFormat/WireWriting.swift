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

// The buffer an encoding writes into, and appending the primitive pieces of
// the wire format to it.

/// A growable buffer of bytes in memory of its own.
///
/// Not an `[UInt8]`: every `append` to an array checks its uniqueness and
/// capacity out of line (about 20 instructions a byte, callgrind), and an
/// encoding appends a handful of bytes at a time. Here an append is a capacity
/// check and a store; the finished encoding is copied to the caller's array
/// once.
struct WireBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// How many bytes were written.
    private(set) var count = 0

    /// A buffer with room for `capacity` bytes before it grows.
    init(capacity: Int = 256) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        base.deallocate()
    }

    /// The bytes written, valid until the next change to the buffer.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Makes room for `additional` more bytes.
    @inline(__always)
    private mutating func reserve(_ additional: Int) {
        if capacity - count < additional { grow(to: count + additional) }
    }

    @inline(never)
    private mutating func grow(to minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        (base, capacity) = (newBase, newCapacity)
    }

    /// Appends `byte`.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Appends `bytes`.
    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends `bytes`.
    @inline(__always)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: UnsafeRawBufferPointer(bytes))
    }

    /// Appends `bytes`.
    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBytes { append(contentsOf: $0) }
    }

    /// Appends the first `count` (at most 16) bytes of `bytes`, as they lie in memory.
    @inline(__always)
    mutating func append(_ bytes: (UInt64, UInt64), count appended: Int) {
        reserve(16)
        (base + count).storeBytes(of: bytes.0, as: UInt64.self)
        (base + count + 8).storeBytes(of: bytes.1, as: UInt64.self)
        count += appended
    }

    /// Removes the last `k` bytes.
    mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "removing more bytes than were written")
        count -= k
    }

    /// Forgets what was written; gives back memory beyond `keptCapacity` bytes.
    mutating func removeAll(keepingCapacity keptCapacity: Int) {
        count = 0
        if capacity > keptCapacity {
            base.deallocate()
            capacity = keptCapacity
            base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        }
    }

    /// Writes `value`'s bytes over bytes at `offset`, which were written before.
    @inline(__always)
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset <= count - MemoryLayout<T>.size, "patching bytes that were not written")
        (base + offset).storeBytes(of: value, as: T.self)
    }
}

extension WireBuffer {
    /// Appends `tag`.
    @inline(__always)
    mutating func wireAppend(_ tag: WireTag) {
        append(tag.rawValue)
    }

    /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
    @inline(__always)
    mutating func wireAppendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends `value` zigzag-mapped (0, -1, 1, -2... to 0, 1, 2, 3...) as a varint.
    @inline(__always)
    mutating func wireAppendZigzag(_ value: Int64) {
        wireAppendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends the little-endian bytes of `value`.
    @inline(__always)
    mutating func wireAppendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }

    /// Appends a placeholder for a `u32` length and returns where it is.
    @inline(__always)
    mutating func wireReserveLength() -> Int {
        let position = count
        wireAppendLittleEndian(UInt32(0))
        return position
    }

    /// Writes `length` into the placeholder at `position`.
    @inline(__always)
    mutating func wirePatchLength(_ length: UInt32, at position: Int) {
        patch(length.littleEndian, at: position)
    }

    /// Appends a string value: tag, varint byte count, UTF-8 bytes.
    @inline(__always)
    mutating func wireAppendString(_ string: String) {
        append(WireTag.string.rawValue)
        wireAppendUTF8(string)
    }

    /// Appends a varint byte count and the UTF-8 bytes of `string`.
    @inline(__always)
    mutating func wireAppendUTF8(_ string: String) {
        // `append(contentsOf: string.utf8)` goes through the generic sequence path
        // (about 180 instructions for a short key, callgrind); the contiguous bytes
        // of a native string copy in one go, without copying the string itself
        // (which `withUTF8`, a mutating call, would: a retain and a release).
        let copied: Void? = string.utf8.withContiguousStorageIfAvailable { utf8 in
            wireAppendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
        guard copied == nil else { return }
        var string = string  // small or bridged: `withUTF8` makes the bytes contiguous
        string.withUTF8 { utf8 in
            wireAppendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// Appends the key of a keyed-container entry (see `WireFormat.swift`).
    ///
    /// Takes the key's `stringValue`, not the key: that getter is user code, which
    /// must not run while the buffer is being modified.
    @inline(__always)
    mutating func wireAppendKey(_ name: String) {
        if let integer = canonicalIntegerKey(name) {
            append(1)
            wireAppendZigzag(Int64(integer))
        } else {
            var name = name
            name.withUTF8 { utf8 in
                wireAppendVarint(UInt64(utf8.count) << 1)
                append(contentsOf: utf8)
            }
        }
    }

    /// Appends a signed integer value of at most 64 bits.
    @inline(__always)
    mutating func wireAppendInt<T: FixedWidthInteger & SignedInteger>(_ value: T) {
        append(WireTag.int.rawValue)
        wireAppendZigzag(Int64(value))
    }

    /// Appends an unsigned integer value of at most 64 bits.
    @inline(__always)
    mutating func wireAppendUInt<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        append(WireTag.uint.rawValue)
        wireAppendVarint(UInt64(value))
    }

    /// Appends a `Double` value.
    @inline(__always)
    mutating func wireAppendDouble(_ value: Double) {
        append(WireTag.float64.rawValue)
        wireAppendLittleEndian(value.bitPattern)
    }

    /// Appends a `Float` value.
    @inline(__always)
    mutating func wireAppendFloat(_ value: Float) {
        append(WireTag.float32.rawValue)
        wireAppendLittleEndian(value.bitPattern)
    }

    /// Appends a `Bool` value.
    @inline(__always)
    mutating func wireAppendBool(_ value: Bool) {
        append(value ? WireTag.true.rawValue : WireTag.false.rawValue)
    }

    /// Appends an `Int128` value.
    @inline(__always)
    mutating func wireAppendInt128(_ value: Int128) {
        append(WireTag.int128.rawValue)
        wireAppendLittleEndian(value)
    }

    /// Appends a `UInt128` value.
    @inline(__always)
    mutating func wireAppendUInt128(_ value: UInt128) {
        append(WireTag.uint128.rawValue)
        wireAppendLittleEndian(value)
    }
}
