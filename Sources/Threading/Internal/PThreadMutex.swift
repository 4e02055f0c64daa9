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

internal import CThreading
package import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// A bare pthread mutex, for code that locks and unlocks around more than one
/// value, or waits on a ``PThreadCondition``; ``LockedState`` is simpler
/// where one value is guarded.
///
/// Copies share the mutex. Misuse (unlocking a mutex the thread does not
/// hold) is a programmer error and traps.
package struct PThreadMutex: @unchecked Sendable {
    package typealias Kind = PThreadMutexKind

    private let storage: MutexStorage<Void>

    package init(_ kind: Kind = .normal) {
        storage = .create((), kind: kind)
    }

    /// The corresponding C function is `pthread_mutex_lock`.
    package func lock() {
        storage.withMutex(MutexOperations.lock)
    }

    /// Returns `false` if another thread holds the mutex.
    /// The corresponding C function is `pthread_mutex_trylock`.
    package func tryLock() -> Bool {
        storage.withMutex(MutexOperations.tryLock)
    }

    /// Returns `false` if the deadline passed first. The corresponding C
    /// function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    package func lock(until deadline: Deadline) -> Bool {
        storage.withMutex { MutexOperations.lock($0, until: deadline) }
    }

    /// The corresponding C function is `pthread_mutex_unlock`.
    package func unlock() {
        storage.withMutex(MutexOperations.unlock)
    }

    package func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// The kernel thread id of the holder, 0 while the mutex is free (glibc's
    /// own record in the mutex: see `cth_mutex_owner`).
    var holderThreadID: Int32 {
        storage.withMutex(cth_mutex_owner)
    }

    /// Runs `body` with the underlying mutex (for condition waits).
    func withMutex<R>(_ body: (UnsafeMutablePointer<pthread_mutex_t>) -> R) -> R {
        storage.withMutex(body)
    }
}
