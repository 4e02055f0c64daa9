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

/// Waits until some of `descriptors` are readable, hung up or in error, or
/// `deadline` passes, and returns the indices of the ready ones (empty on
/// time-out). The package's one `poll` loop.
///
/// A descriptor whose peer closed is ready (end of stream is readable), and
/// so is a pidfd whose process has exited. `EINTR` is retried through
/// ``valueOrErrno(retryOnInterrupt:_:)`` with the time left recomputed from
/// `deadline`, and a time-out that `poll`'s millisecond rounding ended early
/// is waited out, so a signal neither shortens nor stretches the wait. A
/// descriptor that is not open (`POLLNVAL`) is a programmer error and traps.
///
/// The corresponding C function is `poll`.
package func pollReadable(_ descriptors: [Int32], until deadline: Deadline) throws(Errno) -> [Int] {
    var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    while true {
        let count = try entries.withUnsafeMutableBufferPointer { buffer throws(Errno) in
            // The closure runs again after EINTR, so the time-out is recomputed.
            try valueOrErrno { poll(buffer.baseAddress, nfds_t(buffer.count), deadline.remainingMillisecondsForPoll) }
        }
        if count == 0 {
            if deadline.hasPassed { return [] }
            continue
        }
        return entries.indices.filter { index in
            precondition(
                entries[index].revents & Int16(POLLNVAL) == 0,
                "poll: descriptor \(entries[index].fd) is not open (POLLNVAL)")
            return entries[index].revents != 0
        }
    }
}
