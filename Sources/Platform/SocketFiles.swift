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

// The file-system side of Unix-domain listeners: what is at a socket path,
// and its removal only while it is still the file the listener made.

/// What a path names, as far as a listener binding it cares.
package enum SocketFileStatus: Sendable, Equatable {
    /// Nothing is there.
    case missing
    /// A socket file, identified by its device and inode.
    case socket(FileIdentity)
    /// Something else: a regular file, a directory, a link, a device.
    case other
}

/// What `path` names, without following a symbolic link.
/// The corresponding C function is `lstat`.
package func socketFileStatus(atPath path: String) throws(Errno) -> SocketFileStatus {
    var info = stat()
    do {
        try nothingOrErrno { lstat(path, &info) }
    } catch .noSuchFileOrDirectory {
        return .missing
    }
    guard (info.st_mode & S_IFMT) == S_IFSOCK else { return .other }
    return .socket(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size)))
}

/// Removes the socket file at `path` if it is still the file `identity`
/// names (another listener may have replaced it since); a missing file is
/// not an error. Between the check and the removal another process could
/// still replace it: the window is two system calls wide, as in every
/// implementation that removes socket files.
/// The corresponding C functions are `lstat` and `unlink`.
package func removeSocketFile(atPath path: String, ifStill identity: FileIdentity) {
    guard case let .socket(current)? = try? socketFileStatus(atPath: path),
        current.device == identity.device, current.inode == identity.inode
    else { return }
    try? unlinkPath(path)
}
