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

/// One plain value in shared memory, Python's `multiprocessing.Value`.
///
/// ```swift
/// let counter = try SharedValue(0)
/// let children = try (0..<4).map { _ in
///     try ChildProcess.fork {
///         for _ in 0..<1_000 { counter.add(1) }
///         return 0
///     }
/// }
/// for child in children { _ = try child.join() }
/// print(counter.load())   // 4000
/// ```
///
/// ## Lock-free access
/// A value of 1, 2, 4 or 8 bytes (`Int`, `Double`, `Bool`, small structs of
/// them) is read by ``load()``, written by ``store(_:)`` and, for integers,
/// added to by ``add(_:)`` with single atomic instructions: no lock and no
/// system call (Python takes a lock for every read and write). Larger values
/// go through the value's lock for each of those calls.
///
/// ## Compound updates
/// ``withLock(_:)`` runs a closure on the value holding a process-shared
/// lock, for updates that read, decide and write. It serializes against
/// other `withLock` calls, not against lock-free ``store(_:)`` and
/// ``add(_:)`` of other processes: pick one style per value. If a process
/// died inside `withLock`, the next `withLock` throws ``LockOwnerDied``
/// without running its closure (the dead process's update is lost, the
/// value is the one before it, unless it died while copying a value of
/// more than 8 bytes back).
///
/// The value lives in an anonymous ``SharedMemory`` segment: it reaches
/// other processes by `fork`, or (being `Codable`) inside a `Job` or a
/// message over a transport that carries descriptors.
public final class SharedValue<Value: BitwiseCopyable & Sendable>: Sendable {
    @usableFromInline let segment: ValueSegment<Value>

    /// Creates a shared value holding `initial`.
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init(_ initial: Value) throws(SharedMemoryError) {
        segment = try ValueSegment(kind: .value, count: 1) { $0.initialize(repeating: initial) }
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try ValueSegment(memory: memory, kind: .value)
    }

    /// The value now (lock-free for values of at most 8 bytes).
    @inlinable public func load() -> Value {
        segment.load(0)
    }

    /// Replaces the value (lock-free for values of at most 8 bytes).
    @inlinable public func store(_ value: Value) {
        segment.store(value, 0)
    }

    /// Runs `body` on the value holding its lock; what `body` leaves in its
    /// argument becomes the value, also if it throws.
    ///
    /// - Throws: ``LockOwnerDied`` without running `body` if a process died
    ///   inside `withLock` since the last one (the lock is left free);
    ///   whatever `body` throws.
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws -> R {
        try segment.withLockedValue(0, body)
    }
}

extension SharedValue where Value: FixedWidthInteger {
    /// Adds `delta` atomically and returns the new value; wraps around on
    /// overflow (as C's atomics do) instead of trapping.
    @inlinable @discardableResult
    public func add(_ delta: Value) -> Value {
        segment.add(delta, 0)
    }
}

extension SharedValue: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
