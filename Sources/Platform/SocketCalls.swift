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

// Thin wrappers over the socket calls the IPC layer needs and swift-system
// does not wrap (socketpair, shutdown, setsockopt, getsockname, fstat,
// fcntl). Each is built on the package's one EINTR loop, `valueOrErrno`, and
// every descriptor it creates is close-on-exec.

/// Creates a connected pair of `AF_UNIX` stream sockets, close-on-exec.
///
/// The corresponding C function is `socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`.
package func makeSocketPair() throws(Errno) -> (Int32, Int32) {
    var fds: (Int32, Int32) = (-1, -1)
    try withUnsafeMutableBytes(of: &fds) { raw throws(Errno) in
        let pointer = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
        try nothingOrErrno {
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, pointer)
        }
    }
    return fds
}

/// Which directions `shutdownSocket(_:_:)` ends.
package enum ShutdownDirection: Sendable {
    case read, write, both

    var rawValue: Int32 {
        switch self {
        case .read: Int32(SHUT_RD)
        case .write: Int32(SHUT_WR)
        case .both: Int32(SHUT_RDWR)
        }
    }
}

/// Shuts a socket down in `direction`. `ENOTCONN` (the peer is already gone) is
/// not an error. The corresponding C function is `shutdown`.
package func shutdownSocket(_ fd: Int32, _ direction: ShutdownDirection) throws(Errno) {
    do {
        try nothingOrErrno { shutdown(fd, direction.rawValue) }
    } catch .socketNotConnected {
        return
    }
}

/// Sets the kernel send buffer size of a socket (the kernel doubles it and caps
/// it at `net.core.wmem_max`). The corresponding C function is `setsockopt(SO_SNDBUF)`.
package func setSendBufferSize(_ fd: Int32, _ bytes: Int32) throws(Errno) {
    var value = bytes
    try nothingOrErrno {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}

/// Whether `fd` is a socket (as opposed to a pipe or a file); `false` for a
/// descriptor that is not open.
/// The corresponding C function is `fstat`.
package func isSocket(_ fd: Int32) -> Bool {
    var info = stat()
    guard (try? nothingOrErrno({ fstat(fd, &info) })) != nil else { return false }
    return (info.st_mode & S_IFMT) == S_IFSOCK
}

/// Sets or clears `FD_CLOEXEC` on a descriptor the package adopts.
/// The corresponding C function is `fcntl(F_SETFD)`.
package func setCloseOnExec(_ fd: Int32, _ enabled: Bool = true) throws(Errno) {
    let flags = try valueOrErrno { fcntl(fd, F_GETFD) }
    let updated = enabled ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC
    if updated != flags {
        try nothingOrErrno { fcntl(fd, F_SETFD, updated) }
    }
}

/// Whether `fd` is a Unix-domain socket (`AF_UNIX`), the only kind that
/// carries descriptors; `false` for TCP and other families.
/// The corresponding C function is `getsockname`.
package func isUnixDomainSocket(_ fd: Int32) throws(Errno) -> Bool {
    var address = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    try withUnsafeMutablePointer(to: &address) { pointer throws(Errno) in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw throws(Errno) in
            try nothingOrErrno { getsockname(fd, raw, &length) }
        }
    }
    return Int32(address.ss_family) == AF_UNIX
}
