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

/// A value and the pthread mutex that guards it, in one heap object: the
/// storage behind ``LockedState`` and ``PThreadMutex``, as swift-nio's
/// `LockStorage`.
///
/// A `ManagedBuffer` keeps the mutex at a fixed address (pthread objects must
/// never move) without a second allocation.
final class MutexStorage<State>: ManagedBuffer<State, pthread_mutex_t> {
    static func create(_ state: State, kind: PThreadMutexKind) -> MutexStorage<State> {
        let buffer = create(minimumCapacity: 1) { _ in state }
        let storage = unsafeDowncast(buffer, to: MutexStorage<State>.self)
        storage.withUnsafeMutablePointerToElements { MutexOperations.initialize($0, kind: kind) }
        return storage
    }

    deinit {
        withUnsafeMutablePointerToElements { MutexOperations.destroy($0) }
    }

    /// Runs `body` with the mutex, which lives as long as this object.
    @inline(__always)
    func withMutex<R>(_ body: (UnsafeMutablePointer<pthread_mutex_t>) -> R) -> R {
        withUnsafeMutablePointerToElements(body)
    }

    /// Runs `body` holding the mutex, with the state to read and change.
    @inline(__always)
    func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        let (state, mutex) = withUnsafeMutablePointers { ($0, $1) }
        MutexOperations.lock(mutex)
        defer { MutexOperations.unlock(mutex) }
        return try body(&state.pointee)
    }
}
