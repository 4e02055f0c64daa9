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

/// A process-shared semaphore that never holds more permits than it started
/// with, Python's `multiprocessing.BoundedSemaphore`: ``ProcessSemaphore``'s
/// API, and a release without a matching acquire throws
/// ``SemaphoreError/overReleased(bound:)``.
///
/// A process that dies holding a permit never gives it back (see
/// ``ProcessSemaphore``); the bound still holds for the others.
public final class ProcessBoundedSemaphore: Sendable {
    let segment: SemaphoreSegment

    /// Creates a semaphore with `value` permits, which is also its bound
    /// (negative, or more than 2³¹ − 1, traps).
    public init(value: Int = 1) throws(SharedMemoryError) {
        segment = try SemaphoreSegment(value: value, bound: value, typeName: "ProcessBoundedSemaphore")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try SemaphoreSegment(memory: memory, bounded: true)
    }

    /// The most permits it can hold: the initial value.
    public var bound: Int { segment.bound ?? 0 }

    /// The permits available now; a snapshot other processes may change at once.
    public var value: Int { segment.value }

    /// Blocks until a permit is available and takes it.
    ///
    /// - Throws: never today; declared throwing as ``ProcessSemaphore/acquire()`` is.
    public func acquire() throws {
        _ = segment.acquire(until: .distantFuture)
    }

    /// Takes a permit, waiting at most `timeout`.
    ///
    /// - Returns: `false` if no permit came in time (not an error).
    public func acquire(timeout: Duration) throws -> Bool {
        segment.acquire(until: .after(timeout))
    }

    /// Takes a permit if one is available now; `false` if none is (not an error).
    public func tryAcquire() -> Bool {
        segment.acquire(until: .immediately)
    }

    /// Gives back `count` permits (at least 1), waking waiting processes.
    ///
    /// - Throws: ``SemaphoreError/overReleased(bound:)`` if that would exceed
    ///   the initial value; nothing is released then.
    public func release(count: Int = 1) throws(SemaphoreError) {
        guard segment.release(count) else { throw .overReleased(bound: bound) }
    }

    /// Runs `body` holding a permit and gives it back however `body` exits.
    public func withPermit<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        try acquire()
        defer {
            // Cannot fail: this permit was acquired just above.
            _ = segment.release(1)
        }
        return try body()
    }
}

extension ProcessBoundedSemaphore: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
