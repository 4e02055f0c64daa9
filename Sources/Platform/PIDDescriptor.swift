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
package import SystemPackage

#if canImport(Glibc)
    package import Glibc
#endif

/// A pidfd: a descriptor that refers to one child process for as long as it
/// is open, immune to pid reuse. It becomes readable when the process exits,
/// so waiting for a child is a `poll(2)`, with or without a time-out, rather
/// than a sleep loop.
package struct PIDDescriptor: Sendable, Hashable {
    package let rawValue: Int32

    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The corresponding C function is `pidfd_open` (the descriptor is close-on-exec).
    package static func open(_ pid: Glibc.pid_t) throws(Errno) -> PIDDescriptor {
        PIDDescriptor(rawValue: try valueOrErrno { cmpp_pidfd_open(pid) })
    }

    /// Opens a pidfd for a child this process has just started. If that fails
    /// (an old kernel, no descriptor left), the child is killed and reaped
    /// before the error is thrown, so that no process is left behind.
    ///
    /// The corresponding C functions are `pidfd_open`, then `kill` and `waitpid` on failure.
    package static func adoptChild(_ pid: Glibc.pid_t) throws(Errno) -> PIDDescriptor {
        do {
            return try open(pid)
        } catch {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = try? valueOrErrno { waitpid(pid, &status, 0) }
            throw error
        }
    }

    /// Waits until the process has exited or `deadline` passes; `false` on time-out.
    /// Does not reap. The corresponding C function is `poll`.
    package func waitForExit(until deadline: Deadline) throws(Errno) -> Bool {
        try !pollReadable([rawValue], until: deadline).isEmpty
    }

    /// Reaps the process if it has exited and returns how it ended, in the
    /// encoding of `waitpid(2)`; `nil` if it is still running (with `blocking`
    /// false). Reaping twice fails with `ECHILD`: callers serialize and
    /// remember the status.
    ///
    /// The corresponding C function is `waitid(P_PIDFD, …)`.
    package func reap(blocking: Bool) throws(Errno) -> Int32? {
        var status: Int32 = 0
        var reaped: Int32 = 0
        let options = blocking ? WEXITED : WEXITED | WNOHANG
        try nothingOrErrno { cmpp_pidfd_wait(rawValue, options, &status, &reaped) }
        return reaped == 0 ? nil : status
    }

    /// Sends `signal`. A process that has already been reaped is not an error:
    /// nothing is sent. The corresponding C function is `pidfd_send_signal`.
    package func send(_ signal: Int32) throws(Errno) {
        do {
            try nothingOrErrno { cmpp_pidfd_send_signal(rawValue, signal) }
        } catch .noSuchProcess {
            return
        }
    }

    /// Kills the process and reaps it, for a child that must not outlive a
    /// failed start; errors are ignored (the child may already be gone).
    package func killAndReap() {
        _ = try? send(SIGKILL)
        _ = try? reap(blocking: true)
    }

    package func close() {
        closeDescriptor(rawValue)
    }
}
