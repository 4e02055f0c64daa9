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
struct QueueRing {
    let base: UnsafeMutableRawPointer
    let capacity: Int

    /// The bytes before each record: its length, little-endian.
    static let headerSize = MemoryLayout<UInt32>.size

    /// Copies `bytes` into the ring at the stream position `position`.
    func write(_ bytes: UnsafeRawBufferPointer, at position: UInt64) {
        guard !bytes.isEmpty else { return }
        let offset = Int(position % UInt64(capacity))
        let first = min(bytes.count, capacity - offset)
        (base + offset).copyMemory(from: bytes.baseAddress!, byteCount: first)
        if first < bytes.count {
            base.copyMemory(from: bytes.baseAddress! + first, byteCount: bytes.count - first)
        }
    }

    /// Copies `bytes.count` bytes out of the ring from `position`.
    func read(into bytes: UnsafeMutableRawBufferPointer, at position: UInt64) {
        guard !bytes.isEmpty else { return }
        let offset = Int(position % UInt64(capacity))
        let first = min(bytes.count, capacity - offset)
        bytes.baseAddress!.copyMemory(from: base + offset, byteCount: first)
        if first < bytes.count {
            (bytes.baseAddress! + first).copyMemory(from: base, byteCount: bytes.count - first)
        }
    }

    /// Writes a record's header at `position`: the length of its payload.
    func writeHeader(payloadLength: Int, at position: UInt64) {
        var length = UInt32(payloadLength).littleEndian
        withUnsafeBytes(of: &length) { write($0, at: position) }
    }

    /// The payload length of the record at `position`, checked against the
    /// `queuedBytes` complete from there on.
    func recordLength(at position: UInt64, queuedBytes: UInt64) throws(ProcessQueueError) -> Int {
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &length) { read(into: $0, at: position) }
        let payload = UInt64(UInt32(littleEndian: length))
        guard queuedBytes >= UInt64(Self.headerSize), payload <= queuedBytes - UInt64(Self.headerSize) else {
            throw .corruptSegment("a record claims \(payload) bytes, \(queuedBytes) are queued")
        }
        return Int(payload)
    }
}
