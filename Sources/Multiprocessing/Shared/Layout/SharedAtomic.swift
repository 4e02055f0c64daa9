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

import Atomics
internal import MultiprocessingPlatform

/// An integer in shared memory that processes change atomically: a 32-bit
/// ``SharedWord``, which can also be waited on with a futex (the building
/// block of every process-shared wait), or a 64-bit ``SharedPosition``, a
/// position in a stream or a count that one side writes and the other reads
/// without a lock (an older value, never a torn one).
///
/// `UnsafeAtomic` (swift-atomics) fits exactly: it is made for atomics at
/// an address the caller manages, which a mapping shared by several
/// processes is, at a different address in each. (`Synchronization.Atomic`
/// is a value with its own storage; it cannot be placed over memory
/// another process initialized.)
struct SharedAtomic<Value: AtomicInteger>: @unchecked Sendable {  // every access is atomic
    let address: UnsafeMutableRawPointer

    init(_ address: UnsafeMutableRawPointer) {
        self.address = address
    }

    @inline(__always)
    private var atomic: UnsafeAtomic<Value> { AtomicBits.atomic(Value.self, address) }

    /// Reads the value; what its writer wrote before storing it is visible after.
    @inline(__always)
    func load() -> Value { atomic.load(ordering: .acquiring) }

    /// Stores `value`; what was written before is visible to whoever loads it.
    @inline(__always)
    func store(_ value: Value) { atomic.store(value, ordering: .releasing) }

    /// ``load()`` in the single total order of sequentially consistent operations.
    @inline(__always)
    func loadInTotalOrder() -> Value { atomic.load(ordering: .sequentiallyConsistent) }

    /// Stores `value` in the single total order of sequentially consistent
    /// operations: a ``ChangeSignal`` read after it then either sees a
    /// sleeper announced, or that sleeper's look after announcing itself
    /// sees `value` (see ``ChangeSignal``).
    @inline(__always)
    func publish(_ value: Value) { atomic.store(value, ordering: .sequentiallyConsistent) }

    /// Adds `delta` (wrapping) and returns the value before.
    @inline(__always) @discardableResult
    func add(_ delta: Value) -> Value {
        atomic.loadThenWrappingIncrement(by: delta, ordering: .acquiringAndReleasing)
    }

    /// Replaces the value and returns the one before.
    @inline(__always) @discardableResult
    func exchange(_ value: Value) -> Value {
        atomic.exchange(value, ordering: .acquiringAndReleasing)
    }

    /// Sets the bits of `mask`; returns the value before.
    @inline(__always) @discardableResult
    func setBits(_ mask: Value) -> Value {
        atomic.loadThenBitwiseOr(with: mask, ordering: .acquiringAndReleasing)
    }

    /// ``setBits(_:)`` in the single total order of sequentially consistent operations.
    @inline(__always) @discardableResult
    func setBitsInTotalOrder(_ mask: Value) -> Value {
        atomic.loadThenBitwiseOr(with: mask, ordering: .sequentiallyConsistent)
    }

    /// Replaces `expected` with `desired`; returns whether it did and the value found.
    @inline(__always)
    func compareExchange(expected: Value, desired: Value) -> (exchanged: Bool, original: Value) {
        atomic.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing)
    }
}

/// A 32-bit ``SharedAtomic``, which processes can also wait on with a futex.
typealias SharedWord = SharedAtomic<UInt32>

/// A 64-bit ``SharedAtomic``: a position in a stream, or a count, that only grows.
typealias SharedPosition = SharedAtomic<UInt64>

extension SharedAtomic where Value == UInt32 {
    /// Sleeps while the word holds `expected`, until woken or `deadline`.
    func wait(whileEqualTo expected: UInt32, until deadline: Deadline) -> Futex.WaitOutcome {
        Futex.wait(on: address, whileEqualTo: expected, until: deadline)
    }

    /// Wakes up to `count` sleepers, in every process.
    func wake(_ count: Int32 = .max) {
        Futex.wake(address, count: count)
    }
}
