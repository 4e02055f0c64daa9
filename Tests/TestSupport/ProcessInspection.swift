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

import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    package import Glibc
#endif

// This process's resources, from /proc, for leak checks.
//
// Tests run in parallel, so other tests may hold a few descriptors or
// children at the moment of a reading: leak checks compare against a small
// tolerance far below what a per-operation leak would produce, or run alone
// in a fresh runner (`runIsolated`).

/// The number of open descriptors of this process.
package func openDescriptorCount() throws -> Int {
    guard let dir = opendir("/proc/self/fd") else { throw Errno(rawValue: errno) }
    defer { closedir(dir) }
    var count = 0
    while readdir(dir) != nil { count += 1 }
    return count - 3  // ".", ".." and the directory's own descriptor
}

/// Resident memory of this process in bytes, from /proc/self/statm.
package func residentMemory() throws -> Int {
    guard let fields = try readTextFile("/proc/self/statm")?.split(separator: " "), fields.count > 1,
        let pages = Int(fields[1])
    else { throw Errno.noSuchFileOrDirectory }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Whether `FD_CLOEXEC` is set on `fd`.
package func isCloseOnExec(_ fd: Int32) -> Bool {
    fcntl(fd, F_GETFD) & FD_CLOEXEC != 0
}

/// The state letter of process `pid` from /proc/PID/stat (`Z` for a zombie), or `nil` if it is gone.
package func processState(_ pid: pid_t) -> Character? {
    statFields(of: pid)?.first?.first
}

/// Children of this process (running or zombies).
package func childProcesses() -> [pid_t] {
    children { _ in true }
}

/// Children of this process that are zombies (exited, not reaped).
package func zombieChildren() -> [pid_t] {
    children { $0 == "Z" }
}

private func children(inState matches: (Substring) -> Bool) -> [pid_t] {
    guard let dir = opendir("/proc") else { return [] }
    defer { closedir(dir) }
    let me = String(getpid())
    var found: [pid_t] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let pid = pid_t(name), let fields = statFields(of: pid), fields.count > 1 else { continue }
        if fields[1] == me && matches(fields[0]) { found.append(pid) }
    }
    return found
}

/// The fields of /proc/PID/stat after the command name (state first, then the parent's pid...).
private func statFields(of pid: pid_t) -> [Substring]? {
    guard let text = try? readTextFile("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
    return text[text.index(after: close)...].split(separator: " ")
}

/// The contents of a small text file (a /proc file, say), or `nil` if it does not exist.
package func readTextFile(_ path: String) throws -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
        if errno == ENOENT || errno == ESRCH { return nil }
        throw Errno(rawValue: errno)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = try valueOrErrno { read(fd, &buffer, buffer.count) }
        if count == 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The calling thread's kernel id (what /proc/self/task/ lists), read from
/// the `/proc/thread-self` link (`PID/task/TID`).
package func currentThreadID() -> pid_t {
    var buffer = [CChar](repeating: 0, count: 64)
    let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
    precondition(count > 0, "readlink(/proc/thread-self) failed")
    let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return pid_t(link.split(separator: "/").last!)!
}

/// Waits (bounded) until thread `id` of this process sleeps in the kernel
/// (state `S`: blocked in `recv`, `poll`, a futex...): the hand-off for "the
/// other thread is now blocked", which it cannot announce itself. Returns
/// whether it did within `timeout`.
package func waitUntilBlocked(thread id: pid_t, within timeout: Duration = .seconds(10)) -> Bool {
    pollUntil(within: timeout) {
        guard let text = try? readTextFile("/proc/self/task/\(id)/stat"), let close = text.lastIndex(of: ")") else {
            return false
        }
        return text[text.index(close, offsetBy: 2)...].first == "S"
    }
}
