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

// The package's one helper for integers in byte streams: big-endian (network
// order), as Python's `multiprocessing.connection` frame header requires. The
// frame header and the pool's envelopes are written and read with it, in
// place, straight into the outgoing buffer and out of the received frame.

extension UnsafeMutableRawPointer {
    /// Stores `value` big-endian at `offset` (no alignment needed).
    @inline(__always)
    func storeBigEndian<T: FixedWidthInteger>(_ value: T, toByteOffset offset: Int = 0) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: T.self)
    }
}

extension UnsafeRawBufferPointer {
    /// Loads a big-endian `T` at `offset` (no alignment needed); the caller checks the bounds.
    @inline(__always)
    func loadBigEndian<T: FixedWidthInteger>(fromByteOffset offset: Int = 0, as _: T.Type = T.self) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` big-endian.
    @inline(__always)
    mutating func appendInteger<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// A string as a 32-bit byte count and its UTF-8 bytes.
    mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { appendBytes(UnsafeRawBufferPointer($0)) }
    }

    /// A byte run as a 32-bit count and the bytes.
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        appendInteger(UInt32(bytes.count))
        append(contentsOf: bytes)
    }

    /// A byte run as a 32-bit count and the bytes.
    mutating func appendBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendBytes($0) }
    }

    /// A presence byte (0: absent), then the byte run if present.
    mutating func appendOptionalBytes(_ bytes: [UInt8]?) {
        append(bytes == nil ? 0 : 1)
        if let bytes { appendBytes(bytes) }
    }
}

/// Why fields could not be read from a message: it ends inside a field, or a
/// field announces more bytes than remain.
struct MalformedMessage: Error, CustomStringConvertible {
    var description: String
}

/// Reads fields written by the `append` helpers above from a buffer,
/// checking every length against what remains.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func integer<T: FixedWidthInteger>(_: T.Type = T.self) throws(MalformedMessage) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw MalformedMessage(description: "message ends inside a field") }
        defer { offset += size }
        return bytes.loadBigEndian(fromByteOffset: offset)
    }

    mutating func byteRun() throws(MalformedMessage) -> UnsafeRawBufferPointer {
        let count = Int(try integer(UInt32.self))
        guard remaining >= count else {
            throw MalformedMessage(description: "a field claims \(count) bytes, \(remaining) remain")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// A byte run written by `appendOptionalBytes(_:)` (or its absence), copied out.
    mutating func optionalByteRun() throws(MalformedMessage) -> [UInt8]? {
        try integer(UInt8.self) == 0 ? nil : Array(try byteRun())
    }

    mutating func string() throws(MalformedMessage) -> String {
        String(decoding: try byteRun(), as: UTF8.self)
    }

    /// Everything not read yet.
    mutating func rest() -> UnsafeRawBufferPointer {
        defer { offset = bytes.count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset...])
    }
}
