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

/// The bytes of a process queue's records: a ring addressed by stream
/// positions (bytes ever written), which wrap around it modulo its capacity.
/// Whoever calls it holds the lock of the side whose records these are.
/// A record is worked on at its offset in the ring, computed once (a
/// division), and each copy returns the offset after it.
struct QueueRing {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    /// The bytes before each record: its length, little-endian.
    static let headerSize = MemoryLayout<UInt32>.size

    /// The offset in the ring of the stream position `position`.
    @inline(__always)
    func offset(of position: UInt64) -> Int {
        Int(position % UInt64(capacity))
    }

    /// The offset `byteCount` bytes (at most the capacity) after `offset`, without a division.
    @inline(__always)
    func offset(_ byteCount: Int, after offset: Int) -> Int {
        let next = offset + byteCount
        return next >= capacity ? next - capacity : next
    }

    /// Copies `bytes` into the ring from `offset` on (wrapping around);
    /// returns the offset after them.
    @inline(__always)
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int {
        guard !bytes.isEmpty else { return offset }
        let first = min(bytes.count, capacity - offset)
        Self.copy(first, from: bytes.baseAddress!, to: base + offset)
        if first < bytes.count { Self.copy(bytes.count - first, from: bytes.baseAddress! + first, to: base) }
        return self.offset(bytes.count, after: offset)
    }

    /// Copies `bytes.count` bytes out of the ring from `offset` on
    /// (wrapping around); returns the offset after them.
    @inline(__always)
    func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        guard !bytes.isEmpty else { return offset }
        let first = min(bytes.count, capacity - offset)
        Self.copy(first, from: base + offset, to: bytes.baseAddress!)
        if first < bytes.count { Self.copy(bytes.count - first, from: base, to: bytes.baseAddress! + first) }
        return self.offset(bytes.count, after: offset)
    }

    /// Copies `byteCount` bytes; the sizes of a record's header and of a
    /// raw number inline, not through a call to `memmove`.
    @inline(__always)
    private static func copy(_ byteCount: Int, from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer) {
        switch byteCount {
        case 8: destination.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
        case 4: destination.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
        default: destination.copyMemory(from: source, byteCount: byteCount)
        }
    }

    /// Writes a record's header at `offset`: the length of its payload.
    /// Returns the offset of the payload.
    @inline(__always)
    func writeHeader(payloadLength: Int, at offset: Int) -> Int {
        var length = UInt32(payloadLength).littleEndian
        return withUnsafeBytes(of: &length) { write($0, at: offset) }
    }

    /// Reads the header of the record at `offset`, checked against the
    /// `queuedBytes` complete from there on: the payload's length and offset.
    @inline(__always)
    func readHeader(at offset: Int, queuedBytes: UInt64) throws(ProcessQueueError) -> (length: Int, offset: Int) {
        var length: UInt32 = 0
        let payloadOffset = withUnsafeMutableBytes(of: &length) { read(into: $0, at: offset) }
        let payload = UInt64(UInt32(littleEndian: length))
        guard queuedBytes >= UInt64(Self.headerSize), payload <= queuedBytes - UInt64(Self.headerSize) else {
            throw .corruptSegment("a record claims \(payload) bytes, \(queuedBytes) are queued")
        }
        return (Int(payload), payloadOffset)
    }
}
