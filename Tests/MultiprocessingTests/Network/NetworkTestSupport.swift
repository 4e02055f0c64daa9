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
import MultiprocessingTestSupport
import Synchronization
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

private let socketCounter = Atomic<Int>(0)

/// A socket path no other test uses (in /tmp, short enough for `sun_path`).
func uniqueSocketPath() -> String {
    "/tmp/smp-\(getpid())-\(socketCounter.add(1, ordering: .relaxed).newValue).sock"
}

/// An abstract socket name no other test uses.
func uniqueAbstractName() -> String {
    "smp-test-\(getpid())-\(socketCounter.add(1, ordering: .relaxed).newValue)"
}

let testKey = Array("the shared secret".utf8)

extension Connection {
    /// Whether the connection is a Unix-domain socket (a ``Pipe``, a Unix
    /// path or abstract name), as opposed to TCP.
    var isUnixDomain: Bool {
        (try? socketFamily(descriptor.fd)) == AF_UNIX
    }
}

/// Runs `body` on a thread of its own (a client, while the test accepts)
/// and hands back what it returned or threw.
final class ClientThread<Value: Sendable>: Sendable {
    private let box: Box<Result<Value, any Error>?>
    private let thread: TestThread

    init(_ body: @escaping @Sendable () throws -> Value) {
        let box = Box<Result<Value, any Error>?>(nil)
        self.box = box
        thread = TestThread { box.value = Result { try body() } }
    }

    /// Waits (bounded) until the thread sleeps in the kernel (in `epoll_wait`, `recv`…).
    func waitUntilBlocked() -> Bool { thread.waitUntilBlocked() }

    /// Waits for the thread and returns its result.
    func value() throws -> Value {
        thread.join()
        return try box.value!.get()
    }

    /// Waits for the thread and returns the error it threw, if any.
    func error() -> (any Error)? {
        thread.join()
        if case let .failure(error)? = box.value { return error }
        return nil
    }
}

/// A raw socket connected to a listener, for clients that break the protocol.
final class RawClient {
    let fd: Int32

    init(_ address: ConnectionAddress) throws {
        let target = try address.socketAddresses(passive: false)[0]
        fd = try openStreamSocket(family: target.family)
        try connectSocket(fd, to: target, until: .after(.seconds(10)))
    }

    deinit { closeDescriptor(fd) }

    func write(_ bytes: [UInt8]) throws { try writeRaw(fd, bytes) }

    /// Reads one frame of at most 1 KiB (the listener's challenge).
    func readFrame() throws -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 4)
        _ = try header.withUnsafeMutableBytes { try readExactly(fd, into: $0) }
        let count = Int(header.withUnsafeBytes { $0.loadBigEndian(as: Int32.self) })
        var payload = [UInt8](repeating: 0, count: count)
        _ = try payload.withUnsafeMutableBytes { try readExactly(fd, into: $0) }
        return payload
    }

    /// Whether the listener closed this connection (end of stream within `timeout`).
    func seesEndOfStream(within timeout: Duration = .seconds(10)) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 256)
        let deadline = Deadline.after(timeout)
        while try !pollReadable([fd], until: deadline).isEmpty {
            let count = try valueOrErrno { recv(fd, &buffer, buffer.count, 0) }
            if count == 0 { return true }
        }
        return false
    }
}

/// A frame in Python's format: the 4-byte big-endian length, then the bytes.
func frame(_ payload: [UInt8]) -> [UInt8] {
    var header = [UInt8]()
    header.appendInteger(Int32(payload.count))
    return header + payload
}

/// Accepts until `condition` holds (a handshake runs only inside accept calls),
/// failing if a connection is accepted meanwhile.
func drive(_ listener: Listener, within timeout: Duration = .seconds(10), until condition: () -> Bool) throws -> Bool {
    let deadline = Deadline.after(timeout)
    while !condition() {
        if deadline.hasPassed { return false }
        if let unexpected = try listener.accept(timeout: .milliseconds(20)) {
            unexpected.close()
            Issue.record("a connection was accepted that should have failed its handshake")
        }
    }
    return true
}

/// Reads a test's helper process's output until its `PIDS` line.
func readPIDLine(from fd: Int32) throws -> [pid_t] {
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 1024)
    let deadline = Deadline.after(.seconds(30))
    while !text.contains("PIDS ") || !text[text.range(of: "PIDS ")!.upperBound...].contains("\n") {
        guard try !pollReadable([fd], until: deadline).isEmpty else { break }
        let count = try valueOrErrno { read(fd, &buffer, buffer.count) }
        if count == 0 { break }
        text += String(decoding: buffer[..<count], as: UTF8.self)
    }
    guard let range = text.range(of: "PIDS ") else {
        Issue.record("no PIDS line in:\n\(text)")
        return []
    }
    return text[range.upperBound...].prefix { $0 != "\n" }.split(separator: " ").compactMap { pid_t($0) }
}
