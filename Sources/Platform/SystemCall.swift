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

package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// The package's one loop around system calls: swift-system keeps its own
// `valueOrErrno` internal, and socketpair(2), poll(2), send(2) with
// MSG_NOSIGNAL, waitid(2) and pidfd calls have no swift-system wrapper.

/// Calls `body`, a system call that returns -1 and sets `errno` on failure,
/// until it does not fail with `EINTR` (unless `retryOnInterrupt` is `false`),
/// and returns its result or throws its `errno` as an `Errno`.
///
/// `close(2)` must never go through this loop: on Linux the descriptor is
/// released even when close is interrupted, and retrying could close a
/// descriptor another thread has just been given.
@inline(__always)
package func valueOrErrno<Result: FixedWidthInteger>(
    retryOnInterrupt: Bool = true,
    _ body: () -> Result
) throws(Errno) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno(rawValue: errno)
        if retryOnInterrupt && error == .interrupted { continue }
        throw error
    }
}

/// Like ``valueOrErrno(retryOnInterrupt:_:)`` for calls whose only success value is 0.
@inline(__always)
package func nothingOrErrno<Result: FixedWidthInteger>(
    retryOnInterrupt: Bool = true,
    _ body: () -> Result
) throws(Errno) {
    _ = try valueOrErrno(retryOnInterrupt: retryOnInterrupt, body)
}

/// Closes `fd`, exactly once and without retrying (see ``valueOrErrno(retryOnInterrupt:_:)``).
/// `EBADF` means the package lost track of a descriptor: a programmer error, so it traps.
package func closeDescriptor(_ fd: Int32) {
    if close(fd) == -1 && errno == EBADF {
        preconditionFailure("close(\(fd)) failed with EBADF: a descriptor was closed twice")
    }
}

/// Duplicates `fd` to a new close-on-exec descriptor, the lowest free one
/// that is `lowest` or above.
/// The corresponding C function is `fcntl(F_DUPFD_CLOEXEC)`.
package func duplicateDescriptor(_ fd: Int32, atLeast lowest: Int32 = 0) throws(Errno) -> Int32 {
    try valueOrErrno { fcntl(fd, F_DUPFD_CLOEXEC, lowest) }
}
