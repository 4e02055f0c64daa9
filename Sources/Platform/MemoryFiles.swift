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

// Files that hold shared memory: anonymous ones (memfd) that travel only as
// descriptors, and named ones in /dev/shm (POSIX shared memory) that
// unrelated processes open by name. Every descriptor is close-on-exec and
// every call goes through the package's EINTR funnel.

/// Where glibc's `shm_open` keeps named segments on Linux.
package let sharedMemoryDirectory = "/dev/shm"

/// Creates an anonymous memory file, close-on-exec and sealable; `name` only
/// labels it in `/proc/PID/fd` and never needs to be unique.
///
/// The corresponding C function is `memfd_create(MFD_CLOEXEC | MFD_ALLOW_SEALING)`.
package func createAnonymousMemoryFile(label: String) throws(Errno) -> Int32 {
    try valueOrErrno { cmpp_memfd_create(label) }
}

/// Creates an unnamed file in `directory`, close-on-exec, mode 0600, which
/// ``linkUnnamedFile(_:at:)`` names later: no name exists until then.
///
/// The corresponding C function is `open(O_TMPFILE | O_RDWR | O_CLOEXEC)`.
package func createUnnamedFile(in directory: String) throws(Errno) -> Int32 {
    try valueOrErrno { cmpp_open_unnamed_file(directory) }
}

/// Names the unnamed file `fd` at `path`; fails with `EEXIST` (`Errno.fileExists`)
/// and replaces nothing if the name is taken.
///
/// The corresponding C function is `linkat(AT_SYMLINK_FOLLOW)` of `/proc/self/fd/N`.
package func linkUnnamedFile(_ fd: Int32, at path: String) throws(Errno) {
    try nothingOrErrno { cmpp_link_unnamed_file(fd, path) }
}

/// Opens the existing named segment `/name` for reading and writing, close-on-exec.
///
/// The corresponding C function is `shm_open(O_RDWR)` (which always sets `FD_CLOEXEC`).
package func openSharedMemoryObject(named name: String) throws(Errno) -> Int32 {
    try valueOrErrno { shm_open("/" + name, O_RDWR | O_CLOEXEC, 0) }
}

/// Sets the size of a file. The corresponding C function is `ftruncate`.
package func setFileSize(_ fd: Int32, to size: Int) throws(Errno) {
    try nothingOrErrno { ftruncate(fd, off_t(size)) }
}

/// Forbids any later change of a memory file's size (and of its seals).
///
/// The corresponding C function is `fcntl(F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)`.
package func sealFileSize(_ fd: Int32) throws(Errno) {
    try nothingOrErrno { cmpp_seal_size(fd) }
}

/// What identifies a file whatever its names: its device and inode.
package struct FileIdentity: Hashable, Sendable {
    package var device: UInt64
    package var inode: UInt64
    package var size: Int
}

/// The identity and size of an open file. The corresponding C function is `fstat`.
package func fileIdentity(of fd: Int32) throws(Errno) -> FileIdentity {
    var info = stat()
    try nothingOrErrno { fstat(fd, &info) }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size))
}

/// The identity of the file `path` names, or `nil` if nothing does.
/// The corresponding C function is `stat`.
package func fileIdentity(atPath path: String) throws(Errno) -> FileIdentity? {
    var info = stat()
    do {
        try nothingOrErrno { stat(path, &info) }
    } catch .noSuchFileOrDirectory {
        return nil
    }
    return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size))
}

/// Removes the name `path`; a name that is already gone is not an error.
/// The corresponding C function is `unlink`.
package func unlinkPath(_ path: String) throws(Errno) {
    do {
        try nothingOrErrno { unlink(path) }
    } catch .noSuchFileOrDirectory {
        return
    }
}
