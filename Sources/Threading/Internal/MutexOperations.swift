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
internal import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// How a ``PThreadMutex`` behaves when it is contended.
package enum PThreadMutexKind: Sendable {
    /// `PTHREAD_MUTEX_NORMAL`: the fastest; the owner checks (relocking,
    /// unlocking by a non-owner) are done by the public locks themselves.
    case normal
    /// `PTHREAD_MUTEX_ADAPTIVE_NP`: like `.normal`, but a contended lock
    /// spins briefly before sleeping, for tiny critical sections that several
    /// threads hit at high rates (a pool's job queue).
    case adaptive
}

/// The package's calls to the pthread mutex functions, all of them, as
/// swift-nio's `LockOperations`: every return code is checked, and a failure
/// is a programmer error (unlocking a mutex this thread does not hold,
/// destroying one a thread waits for), so it traps.
///
/// The mutex must live at a fixed address: ``MutexStorage`` (a
/// `ManagedBuffer`) and ``PThreadMutexTable`` provide one.
enum MutexOperations {
    /// The corresponding C function is `pthread_mutex_init`.
    static func initialize(_ mutex: UnsafeMutablePointer<pthread_mutex_t>, kind: PThreadMutexKind) {
        guard case .adaptive = kind else {
            // The default attributes make a normal mutex: skip building them.
            check(pthread_mutex_init(mutex, nil), "pthread_mutex_init")
            return
        }
        var attributes = pthread_mutexattr_t()
        check(pthread_mutexattr_init(&attributes), "pthread_mutexattr_init")
        defer { pthread_mutexattr_destroy(&attributes) }
        check(pthread_mutexattr_settype(&attributes, cth_mutex_adaptive_kind()), "pthread_mutexattr_settype")
        check(pthread_mutex_init(mutex, &attributes), "pthread_mutex_init")
    }

    /// The corresponding C function is `pthread_mutex_destroy`.
    static func destroy(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
        // A lock dropped while held (a thread took it and never released it)
        // is not an error, as in Python: no thread can be waiting for it any
        // more, and glibc's mutex owns nothing but its memory, so `EBUSY`
        // only means it is left as it was before the memory is freed.
        let rc = pthread_mutex_destroy(mutex)
        if rc != EBUSY { check(rc, "pthread_mutex_destroy") }
    }

    /// The corresponding C function is `pthread_mutex_lock`.
    @inline(__always)
    static func lock(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
        check(pthread_mutex_lock(mutex), "pthread_mutex_lock")
    }

    /// Returns `false` if another thread holds the mutex.
    /// The corresponding C function is `pthread_mutex_trylock`.
    @inline(__always)
    static func tryLock(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) -> Bool {
        let rc = pthread_mutex_trylock(mutex)
        if rc == EBUSY { return false }
        check(rc, "pthread_mutex_trylock")
        return true
    }

    /// Returns `false` if `deadline` passed first. The corresponding C
    /// function is `pthread_mutex_clocklock` on `CLOCK_MONOTONIC`.
    static func lock(_ mutex: UnsafeMutablePointer<pthread_mutex_t>, until deadline: Deadline) -> Bool {
        if deadline == .distantFuture {
            lock(mutex)
            return true
        }
        var ts = deadline.absoluteTimespec
        let rc = cth_mutex_lock_until(mutex, &ts)
        if rc == ETIMEDOUT { return false }
        check(rc, "pthread_mutex_clocklock")
        return true
    }

    /// The corresponding C function is `pthread_mutex_unlock`.
    @inline(__always)
    static func unlock(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
        check(pthread_mutex_unlock(mutex), "pthread_mutex_unlock")
    }
}

/// Traps with the function's name and error number when a pthread call fails.
@inline(__always)
package func check(_ rc: Int32, _ function: StaticString) {
    if rc != 0 {
        preconditionFailure("\(function) failed with error \(rc)")
    }
}
