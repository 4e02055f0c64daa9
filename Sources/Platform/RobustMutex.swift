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

internal import CMultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// A process-shared, robust `pthread_mutex_t` living in shared memory that
/// someone else owns (a mapped segment).
///
/// The package's process-shared locks are priority-inheritance futex words
/// (cheaper uncontended); a robust mutex is for where others must be *woken*
/// by a holder's death while they sleep on something else: the kernel wakes
/// a sleeper on a robust mutex whose holder died (`ProcessBarrier` watches
/// the slots of its waiting parties that way, with `futex_waitv`).
///
/// Robust means glibc registers every held mutex in the holding thread's
/// robust list; when that thread dies (its whole process killed included),
/// the kernel marks the mutex `FUTEX_OWNER_DIED` and wakes one waiter, who
/// gets ``Acquisition/ownerDied``. This view marks the mutex consistent
/// (`pthread_mutex_consistent`) before it reports that, so the mutex stays
/// usable; repairing the state it guards is the caller's business.
///
/// The view does not own the memory: the mapping must outlive every use, and
/// must stay mapped while any thread of this process holds the mutex (glibc's
/// robust list points into it).
package struct RobustMutex: @unchecked Sendable {
    /// What a lock call got.
    package enum Acquisition: Sendable, Equatable {
        /// The caller holds the mutex.
        case acquired
        /// The caller holds the mutex, and its previous holder died holding it.
        case ownerDied
        /// The deadline passed (or, for a try, another thread holds it).
        case unavailable
        /// The call failed with this error number: misuse (`EDEADLK`: relocked
        /// by its owner; `EAGAIN`: recursion too deep).
        case failed(Int32)
    }

    /// The mutex, inside a shared mapping.
    private let pointer: UnsafeMutablePointer<pthread_mutex_t>

    /// Bytes a mutex takes in a layout.
    package static let size = MemoryLayout<pthread_mutex_t>.size
    /// The alignment a mutex needs in a layout.
    package static let alignment = MemoryLayout<pthread_mutex_t>.alignment

    /// A view of the mutex at `address` (already initialized by someone).
    package init(at address: UnsafeMutableRawPointer) {
        pointer = address.assumingMemoryBound(to: pthread_mutex_t.self)
    }

    /// Initializes a robust, process-shared mutex at `address`: error-checking
    /// (relocking by the owner and unlocking by another thread are reported),
    /// or recursive. Done once, by the process that creates the segment.
    ///
    /// The corresponding C function is `pthread_mutex_init`.
    package static func initialize(at address: UnsafeMutableRawPointer, recursive: Bool) -> RobustMutex {
        let mutex = address.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        var attributes = pthread_mutexattr_t()
        check(pthread_mutexattr_init(&attributes), "pthread_mutexattr_init")
        defer { pthread_mutexattr_destroy(&attributes) }
        check(pthread_mutexattr_setpshared(&attributes, Int32(PTHREAD_PROCESS_SHARED)), "pthread_mutexattr_setpshared")
        check(pthread_mutexattr_setrobust(&attributes, Int32(PTHREAD_MUTEX_ROBUST)), "pthread_mutexattr_setrobust")
        let type = recursive ? Int32(PTHREAD_MUTEX_RECURSIVE) : Int32(PTHREAD_MUTEX_ERRORCHECK)
        check(pthread_mutexattr_settype(&attributes, type), "pthread_mutexattr_settype")
        check(pthread_mutex_init(mutex, &attributes), "pthread_mutex_init")
        return RobustMutex(at: address)
    }

    /// Blocks until the caller holds the mutex or `deadline` passes.
    ///
    /// The corresponding C functions are `pthread_mutex_lock` and
    /// `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    @inline(__always)
    package func lock(until deadline: Deadline = .distantFuture) -> Acquisition {
        if deadline == .distantFuture { return acquisition(pthread_mutex_lock(pointer)) }
        var time = deadline.absoluteTimespec
        return acquisition(cmpp_mutex_lock_until(pointer, &time))
    }

    /// Takes the mutex if nobody holds it.
    ///
    /// The corresponding C function is `pthread_mutex_trylock`.
    @inline(__always)
    package func tryLock() -> Acquisition {
        acquisition(pthread_mutex_trylock(pointer))
    }

    /// Releases the mutex; returns 0 or the error number (`EPERM`: the
    /// calling thread does not hold it).
    ///
    /// The corresponding C function is `pthread_mutex_unlock`.
    @inline(__always)
    package func unlock() -> Int32 {
        pthread_mutex_unlock(pointer)
    }

    @inline(__always)
    private func acquisition(_ rc: Int32) -> Acquisition {
        switch rc {
        case 0: return .acquired
        case EOWNERDEAD:
            check(pthread_mutex_consistent(pointer), "pthread_mutex_consistent")
            return .ownerDied
        case ETIMEDOUT, EBUSY: return .unavailable
        default: return .failed(rc)
        }
    }

    private static func check(_ rc: Int32, _ function: StaticString) {
        if rc != 0 { preconditionFailure("\(function) failed with error \(rc)") }
    }

    private func check(_ rc: Int32, _ function: StaticString) {
        Self.check(rc, function)
    }
}
