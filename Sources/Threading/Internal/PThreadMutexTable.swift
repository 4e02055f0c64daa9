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

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed table of mutexes shared by many small objects, each of which
/// locks the entry its address selects ("lock striping"): objects that are
/// created by the million (every `JobFuture`) then need no mutex of their own
/// to allocate, initialize and destroy.
///
/// Correct only for critical sections that never take a second lock of the
/// table (two objects may share an entry); entries are padded to a cache line
/// so neighbours do not slow each other down. The table lives for the process.
@usableFromInline
package final class PThreadMutexTable: @unchecked Sendable {
    private static let entryCount = 128
    private static let stride = 64  // bytes: one cache line per mutex
    private let base: UnsafeMutableRawPointer

    /// The table `JobFuture`s use.
    @usableFromInline
    package static let shared = PThreadMutexTable()

    private init() {
        precondition(MemoryLayout<pthread_mutex_t>.size <= Self.stride)
        base = .allocate(byteCount: Self.entryCount * Self.stride, alignment: Self.stride)
        for index in 0..<Self.entryCount {
            let mutex = (base + index * Self.stride).bindMemory(to: pthread_mutex_t.self, capacity: 1)
            MutexOperations.initialize(mutex, kind: .normal)
        }
    }

    private func mutex(for object: AnyObject) -> UnsafeMutablePointer<pthread_mutex_t> {
        // Heap objects are at least 16-byte aligned: drop those bits, then mix.
        let address = UInt(bitPattern: ObjectIdentifier(object)) >> 4
        let index = Int((address ^ (address >> 7)) % UInt(Self.entryCount))
        return (base + index * Self.stride).assumingMemoryBound(to: pthread_mutex_t.self)
    }

    /// Locks the entry of `object`. The corresponding C function is `pthread_mutex_lock`.
    @usableFromInline
    package func lock(for object: AnyObject) {
        MutexOperations.lock(mutex(for: object))
    }

    /// Unlocks the entry of `object`. The corresponding C function is `pthread_mutex_unlock`.
    @usableFromInline
    package func unlock(for object: AnyObject) {
        MutexOperations.unlock(mutex(for: object))
    }
}
