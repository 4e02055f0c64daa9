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

internal import CMultiprocessing
internal import MultiprocessingPlatform
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The owner's side of a named segment: the name it must remove, and the
/// watchdog that removes it if the owner dies first.
///
/// ## Why a watchdog
/// A process killed with `SIGKILL` runs no code, so only another process can
/// clean up after it. When the owner creates a named segment it starts a
/// watchdog (see `segment_watchdog.c`): a tiny process, nobody's child, that
/// waits on a pidfd of the owner. If the owner's process exits while the name
/// still stands, the watchdog removes it — if it still names this segment,
/// compared by device and inode, so a newer segment of the same name is left
/// alone. ``release(removingName:)`` tells the watchdog to go without doing
/// anything. The owner's forked children share its memory but not its
/// ownership: only the process that created the segment removes the name.
///
/// The segment is created unnamed (`O_TMPFILE` in /dev/shm) and named only
/// after the watchdog runs, so no instant exists where the name stands and
/// nobody would remove it. A watchdog killed with `SIGKILL` itself cannot
/// clean up; it ignores every other signal and leaves the owner's session,
/// so a Ctrl-C for the owner's terminal does not reach it.
final class NameOwnership: Sendable {
    /// The segment's path in /dev/shm.
    let path: String
    /// The file the name must still refer to for it to be removed.
    let identity: FileIdentity
    /// The process that owns the name (a forked child does not).
    let ownerProcess: pid_t
    /// The owner's end of the socket whose other end the watchdog reads.
    private let releaseSocket: Int32
    private let released = Atomic<Bool>(false)

    /// Starts the watchdog of the file `fd`, to be named `path` afterwards.
    init(watching fd: Int32, path: String) throws(SharedMemoryError) {
        self.path = path
        do {
            identity = try fileIdentity(of: fd)
        } catch {
            throw error.sharedMemoryError("fstat")
        }
        ownerProcess = getpid()
        releaseSocket = try Self.startWatchdog(of: fd, path: path)
    }

    deinit {
        if !released.load(ordering: .relaxed) { closeDescriptor(releaseSocket) }
    }

    /// Whether the calling process owns the name.
    var isOwnedHere: Bool { getpid() == ownerProcess }

    /// Removes the name if asked and it still names this segment, then lets
    /// the watchdog go. Only the first call in the owning process acts.
    func release(removingName: Bool) {
        guard isOwnedHere, !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if removingName { Self.removeName(path, ifItNames: identity) }
        var byte: UInt8 = 1
        _ = try? valueOrErrno { send(releaseSocket, &byte, 1, Int32(MSG_NOSIGNAL)) }
        closeDescriptor(releaseSocket)
    }

    /// Removes `path` if it names the file `identity` (a name that is gone,
    /// or names another file now, is left as it is).
    static func removeName(_ path: String, ifItNames identity: FileIdentity) {
        guard let current = try? fileIdentity(atPath: path),
            current.device == identity.device, current.inode == identity.inode
        else { return }
        try? unlinkPath(path)
    }

    /// Forks the watchdog; returns the owner's end of the release socket.
    private static func startWatchdog(of fd: Int32, path: String) throws(SharedMemoryError) -> Int32 {
        let owner: PIDDescriptor
        do throws(Errno) {
            owner = try PIDDescriptor.open(getpid())
        } catch {
            throw error.sharedMemoryError("pidfd_open")
        }
        defer { owner.close() }
        let ownerDescriptor = owner.rawValue
        let (ownerEnd, watchdogEnd): (Int32, Int32)
        do {
            (ownerEnd, watchdogEnd) = try makeSocketPair()
        } catch {
            throw error.sharedMemoryError("socketpair")
        }
        defer { closeDescriptor(watchdogEnd) }
        let started: Bool
        do throws(Errno) {
            // The child reads the path from its copy of this buffer.
            let middle = try Array(path.utf8CString).withUnsafeBufferPointer { cPath throws(Errno) in
                try valueOrErrno { cmp_fork_segment_watchdog(ownerDescriptor, watchdogEnd, fd, cPath.baseAddress) }
            }
            started = try reap(middle)
        } catch {
            closeDescriptor(ownerEnd)
            throw error.sharedMemoryError("fork (segment watchdog)")
        }
        guard started else {
            closeDescriptor(ownerEnd)
            throw .system(operation: "fork (segment watchdog)", errno: .resourceTemporarilyUnavailable)
        }
        return ownerEnd
    }

    /// Reaps the watchdog's short-lived parent; `true` if it reported the
    /// watchdog started. A process that reaps every child (`SIGCHLD` ignored)
    /// may have reaped it first: that is taken as success.
    private static func reap(_ middle: pid_t) throws(Errno) -> Bool {
        var status: Int32 = 0
        do {
            _ = try valueOrErrno { waitpid(middle, &status, 0) }
        } catch .noChildProcess {
            return true
        }
        return ExitStatus(waitStatus: status) == .exited(0)
    }
}
