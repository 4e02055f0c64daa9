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

/// A counting semaphore that threads of several processes share, Python's
/// `multiprocessing.Semaphore`, with ``Semaphore``'s API.
///
/// ```swift
/// let slots = try ProcessSemaphore(value: 2)
/// // in each worker process:
/// try slots.withPermit { useTheScarceResource() }   // at most 2 at a time
/// ```
///
/// ## A holder that dies
/// A semaphore does not know who holds its permits (any process may release
/// them), so a process that dies holding a permit never gives it back: the
/// count stays one lower, exactly as with Python's semaphores and POSIX
/// `sem_t`. Waiters are never wedged by a dead process — a waiter killed in
/// its wait leaves nothing behind — but they may wait for a permit that will
/// not come: use ``acquire(timeout:)``, or a ``ProcessLock`` (which reports
/// a dead holder) where losing a permit matters.
///
/// Releasing more than was acquired raises the count (use
/// ``ProcessBoundedSemaphore`` to catch that), up to 2³¹ − 1 permits.
/// Timeouts are on the monotonic clock.
public final class ProcessSemaphore: Sendable {
    let segment: SemaphoreSegment

    /// Creates a semaphore with `value` permits (negative, or more than
    /// 2³¹ − 1, traps).
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init(value: Int = 1) throws(SharedMemoryError) {
        segment = try SemaphoreSegment(value: value, bound: nil, typeName: "ProcessSemaphore")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try SemaphoreSegment(memory: memory, bounded: false)
    }

    /// The permits available now; a snapshot other processes may change at once.
    public var value: Int { segment.value }

    /// Blocks until a permit is available and takes it.
    ///
    /// - Throws: never today; declared throwing (as in the API contract) so
    ///   that a later version can report a semaphore made unusable.
    ///
    /// The corresponding C function is `futex(FUTEX_WAIT_BITSET)`.
    public func acquire() throws {
        _ = segment.acquire(until: .distantFuture)
    }

    /// Takes a permit, waiting at most `timeout`.
    ///
    /// - Returns: `false` if no permit came in time (not an error).
    public func acquire(timeout: Duration) throws -> Bool {
        segment.acquire(until: .after(timeout))
    }

    /// Takes a permit if one is available now.
    ///
    /// - Returns: `false` if none is (not an error).
    public func tryAcquire() -> Bool {
        segment.acquire(until: .immediately)
    }

    /// Gives back `count` permits (at least 1), waking waiting processes.
    /// Raising the count past 2³¹ − 1 traps.
    ///
    /// The corresponding C function is `futex(FUTEX_WAKE)`.
    public func release(count: Int = 1) {
        precondition(
            segment.release(count),
            "ProcessSemaphore.release(count:): more than \(SemaphoreSegment.maximumValue) permits")
    }

    /// Runs `body` holding a permit and gives it back however `body` exits.
    public func withPermit<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        try acquire()
        defer { release() }
        return try body()
    }
}

extension ProcessSemaphore: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
