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

/// A fixed number of plain values in shared memory, Python's
/// `multiprocessing.Array`.
///
/// ```swift
/// let results = try SharedArray(repeating: 0.0, count: 8)
/// // worker `i` of 8 processes:
/// results[i] = compute(i)
/// // afterwards
/// print(results.toArray())
/// ```
///
/// Elements of 1, 2, 4 or 8 bytes are read and written through the subscript
/// with single atomic instructions, no lock; larger elements take the
/// array's lock for each access. ``withLock(_:)`` hands the whole buffer to
/// a closure holding a process-shared lock, for updates of several elements
/// at once; it serializes against other `withLock` calls and ``toArray()``,
/// not against the lock-free subscript. A process that died inside
/// `withLock` is reported to the next `withLock` as ``LockOwnerDied`` (its
/// changes may be half-done).
///
/// An index out of range traps, as with `Array`.
public final class SharedArray<Element: BitwiseCopyable & Sendable>: Sendable {
    @usableFromInline let segment: ValueSegment<Element>

    /// Creates an array of `count` copies of `repeating`.
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init(repeating: Element, count: Int) throws(SharedMemoryError) {
        segment = try ValueSegment(kind: .array, count: count) { $0.initialize(repeating: repeating) }
    }

    /// Creates an array holding `elements`, in order.
    public init(_ elements: some Collection<Element>) throws(SharedMemoryError) {
        segment = try ValueSegment(kind: .array, count: elements.count) { buffer in
            _ = buffer.initialize(from: elements)
        }
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try ValueSegment(memory: memory, kind: .array)
    }

    /// The number of elements, fixed at creation.
    @inlinable public var count: Int { segment.count }

    /// The element at `index` (lock-free for elements of at most 8 bytes).
    @inlinable public subscript(index: Int) -> Element {
        get { segment.load(index) }
        set { segment.store(newValue, index) }
    }

    /// Runs `body` with the elements in shared memory, holding the array's lock.
    ///
    /// - Throws: ``LockOwnerDied`` without running `body` if a process died
    ///   inside `withLock` since the last one (the lock is left free);
    ///   whatever `body` throws.
    public func withLock<R, E: Error>(_ body: (UnsafeMutableBufferPointer<Element>) throws(E) -> R) throws -> R {
        try segment.withLock(body)
    }

    /// A copy of the elements, taken holding the array's lock.
    public func toArray() -> [Element] {
        segment.loadAll()
    }
}

extension SharedArray where Element: FixedWidthInteger {
    /// Adds `delta` to the element at `index` atomically and returns the new
    /// value; wraps around on overflow.
    @inlinable @discardableResult
    public func add(_ delta: Element, at index: Int) -> Element {
        segment.add(delta, index)
    }
}

extension SharedArray: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
