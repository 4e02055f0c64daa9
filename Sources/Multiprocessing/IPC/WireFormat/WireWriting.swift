// Appending the primitive pieces of the wire format to a byte buffer.

extension Array where Element == UInt8 {
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
        // Four appends: `append(contentsOf: [0, 0, 0, 0])` costs ~100 instructions (callgrind).
        for _ in 0..<4 { append(0) }
        return position
    }

    /// Writes `length` into the placeholder at `position`.
    @inline(__always)
    mutating func wirePatchLength(_ length: UInt32, at position: Int) {
        self[position] = UInt8(truncatingIfNeeded: length)
        self[position + 1] = UInt8(truncatingIfNeeded: length >> 8)
        self[position + 2] = UInt8(truncatingIfNeeded: length >> 16)
        self[position + 3] = UInt8(truncatingIfNeeded: length >> 24)
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
        // of a native or small string copy in one go.
        var string = string
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
