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

/// Blocks the calling thread until `deadline` has passed on the monotonic
/// clock. A signal does not cut the sleep short: the sleep is to an absolute
/// time, so ``valueOrErrno(retryOnInterrupt:_:)`` resumes it unchanged.
///
/// The corresponding C function is `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`.
package func sleep(until deadline: Deadline) {
    var target = deadline.absoluteTimespec
    do {
        try nothingOrErrno {
            // clock_nanosleep returns its error number instead of setting errno.
            let rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil)
            if rc == 0 { return 0 }
            errno = rc
            return -1
        }
    } catch {
        preconditionFailure("clock_nanosleep failed: \(error)")
    }
}
