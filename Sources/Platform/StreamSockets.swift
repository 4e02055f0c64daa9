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
    import Glibc
#endif

// The stream-socket calls of listeners and clients (socket, bind, listen,
// accept4, connect and their options), each through the package's one EINTR
// loop; every descriptor they create is close-on-exec.

/// Opens a stream socket of `family` (`AF_UNIX`, `AF_INET`, `AF_INET6`), close-on-exec.
/// The corresponding C function is `socket(family, SOCK_STREAM | SOCK_CLOEXEC)`.
package func openStreamSocket(family: Int32) throws(Errno) -> Int32 {
    try valueOrErrno { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
}

/// Binds `socket` to `address`. The corresponding C function is `bind`.
package func bindSocket(_ socket: Int32, to address: SocketAddress) throws(Errno) {
    try address.withSockaddr { pointer, length throws(Errno) in
        try nothingOrErrno { bind(socket, pointer, length) }
    }
}

/// Makes `socket` a listening socket. The corresponding C function is `listen`.
package func listenOnSocket(_ socket: Int32, backlog: Int) throws(Errno) {
    try nothingOrErrno { listen(socket, Int32(clamping: backlog)) }
}

/// Takes one pending connection from a non-blocking listening socket, as a
/// non-blocking, close-on-exec socket; `nil` when none is pending.
///
/// - Throws: the `Errno` of a failure that concerns the listener (out of
///   descriptors or memory, `EINVAL` once it is shut down). Failures that
///   concern only the one connection (it was reset before it was taken,
///   `ECONNABORTED`, `EPROTO`, and the network errors `accept(2)` says to
///   treat like `EAGAIN`) skip it and take the next.
///
/// The corresponding C function is `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`.
package func acceptPendingConnection(_ listener: Int32) throws(Errno) -> Int32? {
    while true {
        do {
            return try valueOrErrno { cmpp_accept_nonblocking(listener) }
        } catch .wouldBlock {
            return nil
        } catch {
            guard skippedAcceptErrors.contains(error) else { throw error }
        }
    }
}

private let skippedAcceptErrors: Set<Errno> = [
    .connectionAbort, .protocolError, .permissionDenied, .networkDown, .protocolNotAvailable,
    .hostIsDown, .noRouteToHost, .notSupported, .networkUnreachable, .timedOut,
]

/// Connects `socket` to `address`, waiting at most until `deadline`.
///
/// A Unix-domain connect waits while the listener's backlog is full, bounded
/// by `SO_SNDTIMEO` (the kernel's own time-out for it); a TCP connect is
/// started non-blocking and waited for with `poll(2)`. Either way the socket
/// is blocking again afterwards, with no send time-out.
///
/// - Throws: `Errno.timedOut` when the deadline passes first (the backlog
///   stayed full, or no answer came), or the `Errno` of the failed connect
///   (`ECONNREFUSED`: nobody listens; `ENOENT`: no such path).
///
/// The corresponding C functions are `connect`, `poll` and `getsockopt(SO_ERROR)`.
package func connectSocket(_ socket: Int32, to address: SocketAddress, until deadline: Deadline) throws(Errno) {
    if address.family == AF_UNIX {
        guard deadline != .distantFuture else {
            return try address.withSockaddr { pointer, length throws(Errno) in
                try nothingOrErrno { connect(socket, pointer, length) }
            }
        }
        defer { setSendTimeout(socket, nil) }
        do throws(Errno) {
            try address.withSockaddr { pointer, length throws(Errno) in
                // The closure runs again after EINTR, with the time left recomputed.
                try nothingOrErrno { () -> Int32 in
                    guard setSendTimeout(socket, deadline) == 0 else { return -1 }
                    return connect(socket, pointer, length)
                }
            }
        } catch .wouldBlock {
            throw .timedOut  // the listener's backlog stayed full until the deadline
        }
        return
    }
    try setNonBlocking(socket, true)
    do throws(Errno) {
        try address.withSockaddr { pointer, length throws(Errno) in
            try nothingOrErrno(retryOnInterrupt: false) { connect(socket, pointer, length) }
        }
    } catch .nowInProgress, .interrupted {
        // Interrupted, the connection attempt goes on in the background, as
        // when non-blocking: wait until it ends either way.
        var entry = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = try valueOrErrno { Int(poll(&entry, 1, deadline.remainingMillisecondsForPoll)) }
            if ready > 0 { break }
            if deadline.hasPassed { throw .timedOut }
        }
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        try nothingOrErrno { getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &size) }
        if failure != 0 { throw Errno(rawValue: failure) }
    }
    try setNonBlocking(socket, false)
}

/// Sets the time a blocking send (and a Unix-domain connect) may wait to
/// what is left until `deadline` (at least a microsecond: zero would mean
/// forever); `nil` or `distantFuture` clears it. Returns what `setsockopt`
/// returns, for the caller's EINTR loop.
/// The corresponding C function is `setsockopt(SO_SNDTIMEO)`.
@discardableResult
private func setSendTimeout(_ socket: Int32, _ deadline: Deadline?) -> Int32 {
    var value = timeval()
    if let deadline, deadline != .distantFuture {
        let remaining = deadline.remaining.clampedNanoseconds
        value.tv_sec = Int(min(remaining / 1_000_000_000, UInt64(Int32.max)))
        value.tv_usec = max(Int(remaining % 1_000_000_000 / 1_000), value.tv_sec == 0 ? 1 : 0)
    }
    return setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
}

/// Sets or clears `O_NONBLOCK`. The corresponding C function is `fcntl(F_SETFL)`.
package func setNonBlocking(_ fd: Int32, _ enabled: Bool) throws(Errno) {
    let flags = try valueOrErrno { fcntl(fd, F_GETFL) }
    let updated = enabled ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
    if updated != flags {
        try nothingOrErrno { fcntl(fd, F_SETFL, updated) }
    }
}

/// Lets a TCP listener bind a port whose earlier connections linger in
/// `TIME_WAIT`, as Python's `Listener` does.
/// The corresponding C function is `setsockopt(SO_REUSEADDR)`.
package func setReuseAddress(_ socket: Int32) throws(Errno) {
    var one: Int32 = 1
    try nothingOrErrno { setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
}

/// Sends small TCP segments at once rather than waiting to coalesce them
/// (Nagle's algorithm), which would delay a request's reply by the peer's
/// delayed acknowledgement. The corresponding C function is `setsockopt(TCP_NODELAY)`.
package func setNoDelay(_ socket: Int32) throws(Errno) {
    var one: Int32 = 1
    try nothingOrErrno {
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}

/// The address family of a socket (`AF_UNIX`, `AF_INET`, `AF_INET6`).
/// The corresponding C function is `getsockopt(SO_DOMAIN)`.
package func socketFamily(_ socket: Int32) throws(Errno) -> Int32 {
    var family: Int32 = 0
    var size = socklen_t(MemoryLayout<Int32>.size)
    try nothingOrErrno { getsockopt(socket, SOL_SOCKET, SO_DOMAIN, &family, &size) }
    return family
}
