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

internal import MultiprocessingPlatform

/// Places the fields of a shared object in its segment: a ``SegmentHeader``
/// first, then each field at the next offset its alignment allows.
struct SegmentLayout {
    /// The bytes used so far: the segment size once every field is placed.
    private(set) var size = SegmentHeader.size

    /// Reserves `byteCount` bytes aligned to `alignment` and returns their offset.
    mutating func reserve(_ byteCount: Int, alignment: Int) -> Int {
        let offset = (size + alignment - 1) / alignment * alignment
        size = offset + byteCount
        return offset
    }

    /// Reserves a ``SharedWord``.
    mutating func reserveWord() -> Int {
        reserve(4, alignment: 4)
    }

    /// Reserves a ``RobustMutex``, on a cache line of its own.
    mutating func reserveMutex() -> Int {
        reserve(RobustMutex.size, alignment: 64)
    }

    /// Reserves room for `count` values of `T`.
    mutating func reserve<T>(_ type: T.Type, count: Int = 1) -> Int {
        reserve(MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
    }
}

/// The first bytes of every segment that backs one of the package's shared
/// objects: what kind of object it holds and with which parameters, checked
/// when the object is decoded in another process, so a segment is never
/// used as something it is not.
struct SegmentHeader: Equatable {
    /// What a segment holds.
    enum Kind: UInt32 {
        case lock = 1
        case recursiveLock, condition, semaphore, event, barrier, value, array, queue
    }

    static let size = 32
    private static let magic: UInt32 = 0x314D_5053  // "SPM1" in memory order

    var kind: Kind
    /// Parameters the object's layout depends on (sizes, counts, bounds).
    var parameters: (UInt64, UInt64, UInt64) = (0, 0, 0)

    static func == (lhs: SegmentHeader, rhs: SegmentHeader) -> Bool {
        lhs.kind == rhs.kind && lhs.parameters == rhs.parameters
    }

    /// Writes the header at the start of a new segment.
    func write(to memory: SharedMemory) {
        let base = memory.baseAddress
        base.storeBytes(of: Self.magic, as: UInt32.self)
        base.storeBytes(of: kind.rawValue, toByteOffset: 4, as: UInt32.self)
        base.storeBytes(of: parameters.0, toByteOffset: 8, as: UInt64.self)
        base.storeBytes(of: parameters.1, toByteOffset: 16, as: UInt64.self)
        base.storeBytes(of: parameters.2, toByteOffset: 24, as: UInt64.self)
    }

    /// Reads the header of a received segment.
    ///
    /// - Throws: ``SharedMemoryError/mismatchedSegment(_:)`` if the segment
    ///   is too small or holds no shared object of kind `kind`.
    static func read(from memory: SharedMemory, expecting kind: Kind) throws(SharedMemoryError) -> SegmentHeader {
        guard memory.size >= size else { throw .mismatchedSegment("too small for a \(kind)") }
        let base = memory.baseAddress
        let rawKind = base.load(fromByteOffset: 4, as: UInt32.self)
        guard base.load(as: UInt32.self) == magic, rawKind == kind.rawValue else {
            throw .mismatchedSegment("it does not hold a \(kind)")
        }
        return SegmentHeader(
            kind: kind,
            parameters: (
                base.load(fromByteOffset: 8, as: UInt64.self),
                base.load(fromByteOffset: 16, as: UInt64.self),
                base.load(fromByteOffset: 24, as: UInt64.self)
            ))
    }
}

extension SharedMemory {
    /// A new anonymous segment of `layout.size` bytes for a shared object,
    /// with `header` written; the label names the kind in `/proc/PID/fd`.
    static func forObject(_ header: SegmentHeader, layout: SegmentLayout) throws(SharedMemoryError) -> SharedMemory {
        let memory = try SharedMemory(anonymousSize: layout.size, label: "swift-multiprocessing.\(header.kind)")
        header.write(to: memory)
        return memory
    }
}
