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

/// A 64-bit word in shared memory that one side of a shared object writes
/// and the other side reads without a lock: a position in a stream, or a
/// count, that only ever grows. Whoever reads it may see an older value,
/// never a torn one. `UnsafeAtomic` for the same reason as ``SharedWord``.
struct SharedPosition: @unchecked Sendable {  // every access is atomic
    private let address: UnsafeMutableRawPointer

    init(_ address: UnsafeMutableRawPointer) {
        self.address = address
    }

    @inline(__always)
    private var atomic: UnsafeAtomic<UInt64> {
        UnsafeAtomic(at: address.assumingMemoryBound(to: UInt64.AtomicRepresentation.self))
    }

    /// Reads the value; what its writer wrote before storing it is visible after.
    @inline(__always)
    func load() -> UInt64 { atomic.load(ordering: .acquiring) }

    /// Reads the value in the single total order of sequentially consistent
    /// operations (the other half of ``publish(_:)``'s handshake).
    @inline(__always)
    func loadInTotalOrder() -> UInt64 { atomic.load(ordering: .sequentiallyConsistent) }

    /// Stores `value`; what was written before is visible to whoever loads it.
    @inline(__always)
    func store(_ value: UInt64) { atomic.store(value, ordering: .releasing) }

    /// Stores `value` in the single total order of sequentially consistent
    /// operations: a ``ChangeSignal`` read after it then either sees a
    /// sleeper announced, or that sleeper's look after announcing itself
    /// sees `value` (see ``ChangeSignal``).
    @inline(__always)
    func publish(_ value: UInt64) { atomic.store(value, ordering: .sequentiallyConsistent) }
}
