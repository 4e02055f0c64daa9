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

/// The one wrapper over `pthread_cond_t` in the package; waits are measured on
/// `CLOCK_MONOTONIC`. Callers loop on their own predicate: spurious wake-ups happen.
package final class PThreadCondition: @unchecked Sendable {
    private let pointer: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        pointer = .allocate(capacity: 1)
        var attributes = pthread_condattr_t()
        check(pthread_condattr_init(&attributes), "pthread_condattr_init")
        defer { pthread_condattr_destroy(&attributes) }
        check(pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC), "pthread_condattr_setclock")
        check(pthread_cond_init(pointer, &attributes), "pthread_cond_init")
    }

    deinit {
        check(pthread_cond_destroy(pointer), "pthread_cond_destroy")
        pointer.deallocate()
    }

    /// Waits; the caller holds `mutex`. The corresponding C function is `pthread_cond_wait`.
    package func wait(on mutex: PThreadMutex) {
        mutex.withMutex { check(pthread_cond_wait(pointer, $0), "pthread_cond_wait") }
    }

    /// Returns `false` if the deadline passed; the caller holds `mutex`. The
    /// corresponding C function is `pthread_cond_clockwait` on `CLOCK_MONOTONIC`.
    package func wait(on mutex: PThreadMutex, until deadline: Deadline) -> Bool {
        if deadline == .distantFuture {
            wait(on: mutex)
            return true
        }
        var ts = deadline.absoluteTimespec
        let rc = mutex.withMutex { cth_cond_wait_until(pointer, $0, &ts) }
        if rc == ETIMEDOUT { return false }
        check(rc, "pthread_cond_clockwait")
        return true
    }

    /// The corresponding C function is `pthread_cond_signal`.
    package func signal() {
        check(pthread_cond_signal(pointer), "pthread_cond_signal")
    }

    /// The corresponding C function is `pthread_cond_broadcast`.
    package func broadcast() {
        check(pthread_cond_broadcast(pointer), "pthread_cond_broadcast")
    }
}
