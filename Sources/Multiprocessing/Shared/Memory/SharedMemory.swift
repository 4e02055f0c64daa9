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

internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Memory that several processes read and write at once, Python's
/// `multiprocessing.shared_memory.SharedMemory`.
///
/// ```swift
/// let memory = try SharedMemory(size: 4096)
/// let child = try ChildProcess.fork {
///     memory.withUnsafeMutableBytes { $0[0] = 42 }   // the parent sees it
///     return 0
/// }
/// _ = try child.join()
/// memory.withUnsafeMutableBytes { print($0[0]) }      // 42
/// ```
///
/// ## Anonymous and named segments
/// ``init(size:)`` makes an anonymous segment (`memfd_create`): it has no
/// name anywhere, so nothing can be left behind, whoever is killed; the
/// kernel frees it when the last process that maps it or holds its
/// descriptor lets go. It reaches other processes through `fork` (capture it
/// before ``ChildProcess/fork(name:diesWithParent:_:)``) or, being `Codable`, inside a
/// message or a `Job` sent over a transport that carries descriptors.
///
/// ``init(name:size:)`` makes a named segment in `/dev/shm` (POSIX shared
/// memory) that unrelated processes open with ``init(attachingTo:)``. The
/// creating instance **owns** the name: it removes it at ``unlink()`` or
/// when it is deinitialized. If the owner's process dies first — killed with
/// `SIGKILL` included — a watchdog process started with the segment removes
/// the name (see "Cleaning up after a killed owner" below). Attached and
/// received instances never remove the name on their own; ``unlink()`` is
/// open to anyone, as in Python. Removing the name does not unmap anything:
/// processes that have the segment keep using it.
///
/// ## Size
/// ``size`` is exactly the size asked for, in every process (Python reports
/// the page-rounded size on some systems). An anonymous segment's size is
/// sealed (`F_SEAL_SHRINK | F_SEAL_GROW`), so no process can truncate it and
/// make the others fault.
///
/// ## Cleaning up after a killed owner
/// The segment is created unnamed (`open(O_TMPFILE)` in `/dev/shm`); then a
/// tiny watchdog process is forked (async-signal-safe C code only, so it is
/// safe in a multi-threaded program); then the file is given its name
/// (`linkat`). The watchdog waits on a pidfd of the owner; when the owner's
/// process exits with the name still standing, the watchdog removes it, if
/// it still names this segment (compared by inode), and exits. A normal
/// ``unlink()`` or deinit removes the name and dismisses the watchdog. The
/// watchdog ignores every signal but `SIGKILL` and leaves the owner's
/// session; only killing the watchdog itself and then the owner can leave a
/// name behind. Each named segment costs one short-lived double `fork` at
/// creation and one sleeping process while it lives.
///
/// Each instance holds one descriptor and one mapping until it is deinitialized.
public final class SharedMemory: Sendable {
    /// The size in bytes, exactly as asked for at creation.
    public let size: Int
    /// The name as given (no leading `/`), or `nil` for an anonymous segment.
    public let name: String?
    /// The segment's file; kept open so the segment can travel as a descriptor.
    let descriptor: Int32
    /// Where the segment is mapped in this process.
    nonisolated(unsafe) let baseAddress: UnsafeMutableRawPointer
    /// Set on the instance that created a named segment.
    private let ownership: NameOwnership?

    /// Creates an anonymous segment of `size` bytes, filled with zeros.
    ///
    /// - Throws: ``SharedMemoryError/invalidSize(_:)`` for a size below 1;
    ///   ``SharedMemoryError/system(operation:errno:)`` if the system refuses
    ///   (too many open descriptors, no memory).
    ///
    /// The corresponding C function is `memfd_create`.
    public convenience init(size: Int) throws(SharedMemoryError) {
        try self.init(anonymousSize: size, label: "swift-multiprocessing.shared-memory")
    }

    /// Creates a named segment of `size` bytes, filled with zeros, that this
    /// instance owns: it removes the name at ``unlink()`` or deinit, and a
    /// watchdog removes it if this process dies first.
    ///
    /// - Parameter name: 1 to 255 bytes, no `/` (Python style: no leading slash).
    /// - Throws: ``SharedMemoryError/nameTaken(_:)`` if a segment of that name
    ///   exists (it is left alone); ``SharedMemoryError/invalidName(_:)``,
    ///   ``SharedMemoryError/invalidSize(_:)``, ``SharedMemoryError/system(operation:errno:)``.
    ///
    /// The corresponding C functions are `open(O_TMPFILE)` in `/dev/shm`,
    /// `ftruncate`, `mmap` and `linkat` (what `shm_open(O_CREAT | O_EXCL)`
    /// does, with the name given last).
    public init(name: String, size: Int) throws(SharedMemoryError) {
        try Self.validate(size: size)
        let path = try Self.path(of: name)
        let fd: Int32
        do {
            fd = try createUnnamedFile(in: sharedMemoryDirectory)
        } catch {
            throw error.sharedMemoryError("open(O_TMPFILE) in \(sharedMemoryDirectory)")
        }
        var ownership: NameOwnership?
        let base: UnsafeMutableRawPointer
        do throws(SharedMemoryError) {
            base = try Self.sizeAndMap(fd, size: size, seal: false)
            ownership = try NameOwnership(watching: fd, path: path)
            do {
                try linkUnnamedFile(fd, at: path)
            } catch .fileExists {
                throw SharedMemoryError.nameTaken(name)
            } catch {
                throw error.sharedMemoryError("linkat \(path)")
            }
        } catch {
            ownership?.release(removingName: false)
            closeDescriptor(fd)
            throw error
        }
        self.size = size
        self.name = name
        self.descriptor = fd
        self.baseAddress = base
        self.ownership = ownership
    }

    /// Attaches to the existing named segment `name`; the instance never
    /// removes the name by itself (``unlink()`` still may). ``size`` is the
    /// size its creator asked for.
    ///
    /// - Throws: ``SharedMemoryError/notFound(_:)`` if no segment has that
    ///   name; ``SharedMemoryError/invalidName(_:)``, ``SharedMemoryError/system(operation:errno:)``.
    ///
    /// The corresponding C functions are `shm_open(O_RDWR)` and `mmap`.
    public init(attachingTo name: String) throws(SharedMemoryError) {
        _ = try Self.path(of: name)
        let fd: Int32
        do {
            fd = try openSharedMemoryObject(named: name)
        } catch .noSuchFileOrDirectory {
            throw .notFound(name)
        } catch {
            throw error.sharedMemoryError("shm_open \(name)")
        }
        do throws(SharedMemoryError) {
            let size = try Self.fileSize(fd)
            self.baseAddress = try Self.map(fd, size: size)
            self.size = size
        } catch {
            closeDescriptor(fd)
            throw error
        }
        self.name = name
        self.descriptor = fd
        self.ownership = nil
    }

    /// Creates an anonymous segment whose descriptor carries `label` in
    /// `/proc/PID/fd` (the package's objects name their kind there).
    init(anonymousSize size: Int, label: String) throws(SharedMemoryError) {
        try Self.validate(size: size)
        let fd: Int32
        do {
            fd = try createAnonymousMemoryFile(label: label)
        } catch {
            throw error.sharedMemoryError("memfd_create")
        }
        do throws(SharedMemoryError) {
            baseAddress = try Self.sizeAndMap(fd, size: size, seal: true)
        } catch {
            closeDescriptor(fd)
            throw error
        }
        self.size = size
        self.name = nil
        self.descriptor = fd
        self.ownership = nil
    }

    /// Adopts a received descriptor of a segment recorded as `size` bytes
    /// (the file may not be smaller); never owns a name.
    init(adopting fd: Int32, size: Int, name: String?) throws(SharedMemoryError) {
        do throws(SharedMemoryError) {
            try Self.validate(size: size)
            let actual = try Self.fileSize(fd)
            guard actual >= size else {
                throw SharedMemoryError.mismatchedSegment("the file has \(actual) bytes, \(size) were recorded")
            }
            baseAddress = try Self.map(fd, size: size)
        } catch {
            closeDescriptor(fd)
            throw error
        }
        self.size = size
        self.name = name
        self.descriptor = fd
        self.ownership = nil
    }

    deinit {
        ownership?.release(removingName: true)
        unmap(baseAddress, size: size)
        closeDescriptor(descriptor)
    }

    /// Runs `body` with the segment's bytes (`count == size`). Other
    /// processes may change them at any time: synchronize with a
    /// ``ProcessLock`` or use ``SharedValue`` and ``SharedArray``.
    public func withUnsafeMutableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: baseAddress, count: size))
    }

    /// Removes the segment's name, so no process can attach to it any more;
    /// processes that have it keep using it. Anyone may call it (as in
    /// Python), the owner or not; on the owner it also dismisses the
    /// watchdog. A name that is already gone, or that names another segment
    /// now, is left alone: not an error. On an anonymous segment it does nothing.
    ///
    /// The corresponding C function is `unlink` (what `shm_unlink` does).
    public func unlink() throws(SharedMemoryError) {
        guard let name else { return }
        if let ownership, ownership.isOwnedHere {
            ownership.release(removingName: true)
            return
        }
        let identity: FileIdentity
        do {
            identity = try fileIdentity(of: descriptor)
        } catch {
            throw error.sharedMemoryError("fstat")
        }
        NameOwnership.removeName(sharedMemoryDirectory + "/" + name, ifItNames: identity)
    }

    // MARK: Helpers

    private static func validate(size: Int) throws(SharedMemoryError) {
        guard size >= 1 else { throw .invalidSize(size) }
    }

    /// The path of the segment `name` in /dev/shm, once `name` is checked.
    private static func path(of name: String) throws(SharedMemoryError) -> String {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/"), !name.utf8.contains(0),
            name != ".", name != ".."
        else {
            throw .invalidName(name)
        }
        return sharedMemoryDirectory + "/" + name
    }

    private static func sizeAndMap(_ fd: Int32, size: Int, seal: Bool) throws(SharedMemoryError)
        -> UnsafeMutableRawPointer
    {
        do {
            try setFileSize(fd, to: size)
        } catch {
            throw error.sharedMemoryError("ftruncate")
        }
        if seal {
            do {
                try sealFileSize(fd)
            } catch {
                throw error.sharedMemoryError("fcntl(F_ADD_SEALS)")
            }
        }
        return try map(fd, size: size)
    }

    private static func map(_ fd: Int32, size: Int) throws(SharedMemoryError) -> UnsafeMutableRawPointer {
        do {
            return try mapShared(fd, size: size)
        } catch {
            throw error.sharedMemoryError("mmap")
        }
    }

    private static func fileSize(_ fd: Int32) throws(SharedMemoryError) -> Int {
        let size: Int
        do {
            size = try fileIdentity(of: fd).size
        } catch {
            throw error.sharedMemoryError("fstat")
        }
        guard size >= 1 else { throw .mismatchedSegment("the segment is empty (its creator has not sized it)") }
        return size
    }
}
