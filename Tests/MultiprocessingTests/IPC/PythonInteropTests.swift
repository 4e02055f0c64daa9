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
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Byte-for-byte compatibility of ``Connection``'s framing with Python's
/// `multiprocessing.connection.Connection`, against the real `python3` on
/// the machine: a Python process holds the other end of a socket pair (at
/// descriptor 3) and answers every `recv_bytes` with `send_bytes`.
@Suite("Connection: Python's framing", .onItsOwnThreadOneAtATime, .timeLimit(.minutes(3)))
struct PythonInteropTests {
    /// Python echoes each message reversed, and first sends one of its own.
    static let echo = """
        from multiprocessing.connection import Connection
        c = Connection(3)
        c.send_bytes(b"hello from python")
        while True:
            try:
                m = c.recv_bytes()
            except EOFError:
                break
            c.send_bytes(m[::-1])
        """

    @Test func pythonSendBytesIsOurReceiveBytesAndBack() throws {
        guard let python = try PythonPeer(script: Self.echo) else { return }
        defer { python.finish() }
        #expect(try python.connection.receiveBytes() == Array("hello from python".utf8))
        for count in [0, 1, 255, 65_536, Int(Int16.max) + 1, 1 << 20] {
            let payload = pattern(count: count, seed: UInt8(truncatingIfNeeded: count))
            try python.connection.sendBytes(payload)
            #expect(try python.connection.receiveBytes() == Array(payload.reversed()), "\(count) bytes")
        }
    }

    /// A message of 2 GiB and more uses the long form (-1, then 8 bytes),
    /// both ways: Python's `send_bytes` of 2 GiB + 1 bytes arrives intact, and
    /// ours is answered with Python's summary of what it received.
    @Test(.timeLimit(.minutes(2)))
    func messagesOfTwoGiBAndMoreUseTheLongFormBothWays() throws {
        try runIsolated(in: Self.self) {
            let script = """
                from multiprocessing.connection import Connection
                n = 2**31 + 1
                c = Connection(3)
                c.send_bytes(b"\\x01" + b"Z" * (n - 2) + b"\\x02")
                m = c.recv_bytes()
                ok = len(m) == n and m[0] == 1 and m[-1] == 2 and m.count(b"Z") == n - 2
                c.send_bytes(b"ok" if ok else b"bad %d" % len(m))
                """
            guard let python = try PythonPeer(script: script) else { return }
            defer { python.finish() }
            let count = (1 << 31) + 1
            do {
                let received = try python.connection.receiveBytes()
                try check(received.count == count, "received \(received.count) bytes")
                try check(received.first == 1 && received.last == 2, "the first and last bytes")
                try check(isFilled(received.dropFirst().dropLast(), with: 0x5A), "the bytes between")
            }
            var payload = [UInt8](repeating: 0x5A, count: count)
            payload[0] = 1
            payload[count - 1] = 2
            try python.connection.sendBytes(payload)
            payload = []
            let verdict = String(decoding: try python.connection.receiveBytes(), as: UTF8.self)
            try check(verdict == "ok", "Python says: \(verdict)")
        }
    }
}

/// A `python3 -c script` process holding the other end of a socket pair at
/// descriptor 3; `nil` (with a note) when no `python3` can be started.
struct PythonPeer {
    let connection: Connection
    let process: PIDDescriptor

    init?(script: String) throws {
        let (ours, theirs) = try makeSocketPair()
        defer { closeDescriptor(theirs) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, theirs, 3)
        let arguments = ["python3", "-c", script]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "python3", &actions, nil, &argv, environ)
        guard rc == 0 else {
            closeDescriptor(ours)
            print("note: python3 could not be started (\(Errno(rawValue: rc))); Python interoperability not tested")
            return nil
        }
        process = try PIDDescriptor.adoptChild(pid)
        connection = try Connection(adopting: ours, readable: true, writable: true)
    }

    /// Closes our end (Python's loop then ends) and waits for Python to exit.
    func finish() {
        connection.close()
        if (try? process.waitForExit(until: .after(.seconds(30)))) != true {
            Issue.record("python3 did not exit")
        }
        process.killAndReap()
        process.close()
    }
}
