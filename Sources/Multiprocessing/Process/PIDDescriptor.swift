internal import MultiprocessingPlatform
internal import CMultiprocessing
internal import Threading
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A pidfd: a descriptor that refers to one child process for as long as it
/// is open, immune to pid reuse. It becomes readable when the process exits,
/// so waiting for a child is a `poll(2)`, with or without a time-out, rather
/// than a sleep loop.
struct PIDDescriptor: Sendable, Hashable {
    let rawValue: Int32

    /// The corresponding C function is `pidfd_open` (the descriptor is close-on-exec).
    static func open(_ pid: pid_t) throws(Errno) -> PIDDescriptor {
        PIDDescriptor(rawValue: try valueOrErrno { cmp_pidfd_open(pid) })
    }

    /// Waits until the process has exited or `deadline` passes; `false` on time-out.
    /// Does not reap. The corresponding C function is `poll`.
    func waitForExit(until deadline: Deadline) throws(Errno) -> Bool {
        try waitUntilReadable(rawValue, until: deadline)
    }

    /// Reaps the process if it has exited and returns how it ended; `nil` if
    /// it is still running (with `blocking` false). Reaping twice fails with
    /// `ECHILD`: callers serialize and remember the status.
    ///
    /// The corresponding C function is `waitid(P_PIDFD, …)`.
    func reap(blocking: Bool) throws(Errno) -> ExitStatus? {
        var status: Int32 = 0
        var reaped: Int32 = 0
        let options = blocking ? WEXITED : WEXITED | WNOHANG
        try nothingOrErrno { cmp_pidfd_wait(rawValue, options, &status, &reaped) }
        return reaped == 0 ? nil : ExitStatus(waitStatus: status)
    }

    /// Sends `signal`. A process that has already been reaped is not an error:
    /// nothing is sent. The corresponding C function is `pidfd_send_signal`.
    func send(_ signal: Int32) throws(Errno) {
        do {
            try nothingOrErrno { cmp_pidfd_send_signal(rawValue, signal) }
        } catch .noSuchProcess {
            return
        }
    }

    func close() {
        closeDescriptor(rawValue)
    }
}
