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

/// The segment of a ``SharedValue`` or ``SharedArray``: `count` plain values,
/// and a ``LockWord`` for compound updates.
///
/// Values of 1, 2, 4 or 8 bytes are read and written lock-free (see
/// ``AtomicBits``); other values go through the lock. A dead holder found
/// by a plain read or write (which cannot throw) is remembered in
/// `ownerDiedPending`, so the next `withLock` still reports it.
@usableFromInline
struct ValueSegment<Element: BitwiseCopyable>: @unchecked Sendable {
    let memory: SharedMemory
    @usableFromInline let count: Int
    private let lock: LockWord
    private let ownerDiedPending: SharedWord
    @usableFromInline let elements: UnsafeMutableRawPointer

    @inlinable static var isLockFree: Bool { AtomicBits.isLockFree(Element.self) }

    private static func layout(count: Int) -> (SegmentLayout, lock: Int, pending: Int, elements: Int) {
        var layout = SegmentLayout()
        let lock = layout.reserve(LockWord.size, alignment: 64)
        let pending = layout.reserveWord()
        let elements = layout.reserve(
            MemoryLayout<Element>.stride * count,
            alignment: max(8, MemoryLayout<Element>.alignment))
        return (layout, lock, pending, elements)
    }

    private static func header(kind: SegmentHeader.Kind, count: Int) -> SegmentHeader {
        SegmentHeader(
            kind: kind,
            parameters: (
                UInt64(MemoryLayout<Element>.size),
                UInt64(MemoryLayout<Element>.alignment), UInt64(count)
            ))
    }

    /// A new segment of `count` values, each set by `initialize`.
    init(kind: SegmentHeader.Kind, count: Int, initialize: (UnsafeMutableBufferPointer<Element>) -> Void)
        throws(SharedMemoryError)
    {
        precondition(count >= 0, "a shared array's count must not be negative, got \(count)")
        let (layout, lockOffset, pending, elements) = Self.layout(count: count)
        memory = try .forObject(Self.header(kind: kind, count: count), layout: layout)
        self.count = count
        self.lock = LockWord(memory.baseAddress + lockOffset)
        self.ownerDiedPending = SharedWord(memory.baseAddress + pending)
        self.elements = memory.baseAddress + elements
        initialize(
            UnsafeMutableBufferPointer(start: self.elements.bindMemory(to: Element.self, capacity: count), count: count)
        )
    }

    /// The values in a received segment.
    init(memory: SharedMemory, kind: SegmentHeader.Kind) throws(SharedMemoryError) {
        let header = try SegmentHeader.read(from: memory, expecting: kind)
        let count = Int(header.parameters.2)
        guard header == Self.header(kind: kind, count: count) else {
            throw .mismatchedSegment("it holds values of another size or alignment than \(Element.self)")
        }
        let (layout, lockOffset, pending, elements) = Self.layout(count: count)
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for \(count) values") }
        self.memory = memory
        self.count = count
        self.lock = LockWord(memory.baseAddress + lockOffset)
        self.ownerDiedPending = SharedWord(memory.baseAddress + pending)
        self.elements = memory.baseAddress + elements
    }

    @inlinable
    func address(_ index: Int) -> UnsafeMutableRawPointer {
        precondition(index >= 0 && index < count, "index \(index) out of range 0..<\(count)")
        return elements + index * MemoryLayout<Element>.stride
    }

    private var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: elements.assumingMemoryBound(to: Element.self), count: count)
    }

    /// The value at `index`.
    @inlinable @inline(__always)
    func load(_ index: Int) -> Element {
        let address = address(index)
        if Self.isLockFree { return AtomicBits.load(Element.self, at: address) }
        return withQuietLock { address.loadUnaligned(as: Element.self) }
    }

    /// Replaces the value at `index`.
    @inlinable @inline(__always)
    func store(_ value: Element, _ index: Int) {
        let address = address(index)
        if Self.isLockFree { return AtomicBits.store(value, at: address) }
        withQuietLock { address.storeBytes(of: value, as: Element.self) }
    }

    /// Every value, read holding the lock (a consistent snapshot against `withLock`).
    func loadAll() -> [Element] {
        withQuietLock { Array(buffer) }
    }

    /// Runs `body` on the values holding the lock; a dead holder (found now,
    /// or by an earlier plain read or write) makes it run nothing and throw
    /// ``LockOwnerDied``, leaving the lock free.
    func withLock<R, E: Error>(_ body: (UnsafeMutableBufferPointer<Element>) throws(E) -> R) throws -> R {
        let died = lockReportingDeath()
        defer { _ = lock.unlock() }
        if died || ownerDiedPending.exchange(0) != 0 { throw LockOwnerDied() }
        return try body(buffer)
    }

    /// Runs `body` on a copy of the value at `index` holding the lock, then
    /// writes the copy back (atomically where reads are lock-free), also
    /// when `body` throws, as an `inout` argument would be.
    func withLockedValue<R, E: Error>(_ index: Int, _ body: (inout Element) throws(E) -> R) throws -> R {
        let address = address(index)
        return try withLock { _ throws(E) in
            var value =
                Self.isLockFree ? AtomicBits.load(Element.self, at: address) : address.loadUnaligned(as: Element.self)
            defer {
                if Self.isLockFree {
                    AtomicBits.store(value, at: address)
                } else {
                    address.storeBytes(of: value, as: Element.self)
                }
            }
            return try body(&value)
        }
    }

    /// Runs `body` holding the lock, recording a dead holder for the next `withLock`.
    @usableFromInline
    func withQuietLock<R>(_ body: () -> R) -> R {
        lock.withLockSurvivingOwnerDeath(repairing: { ownerDiedPending.store(1) }, body)
    }

    private func lockReportingDeath() -> Bool {
        switch lock.lock(until: .distantFuture) {
        case .acquired: return false
        case .ownerDied: return true
        case let other: preconditionFailure("a shared value's lock failed: \(other) (withLock called inside withLock?)")
        }
    }
}

extension ValueSegment where Element: FixedWidthInteger {
    /// Adds `delta` to the value at `index` (wrapping) and returns the new value.
    @inlinable @inline(__always)
    func add(_ delta: Element, _ index: Int) -> Element {
        let address = address(index)
        if Self.isLockFree { return AtomicBits.add(delta, at: address) }
        return withQuietLock {
            let sum = address.loadUnaligned(as: Element.self) &+ delta
            address.storeBytes(of: sum, as: Element.self)
            return sum
        }
    }
}
