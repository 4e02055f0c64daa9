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

/// Our ``Listener`` and ``Connection/connect(to:authKey:timeout:)`` against
/// Python's `multiprocessing.connection` `Client` and `Listener`, both
/// directions, right key and wrong key, with every interpreter
/// ``PythonInterpreter/all`` found: `python3` (3.11 here: the bare HMAC-MD5
/// handshake) and pyenv's 3.12 and 3.13 (`{sha256}`). Missing interpreters
/// are skipped with a note.
@Suite("Listener and connect: Python interoperability", .timeLimit(.minutes(2)))
struct PythonListenerInteropTests {
    static let client = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Client
        kind, where, key = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
        if kind == "tcp":
            host, port = where.rsplit(":", 1)
            address = (host, int(port))
        elif kind == "abstract":
            address = "\\0" + where
        else:
            address = where
        try:
            c = Client(address, authkey=key)
        except AuthenticationError as e:
            print("refused:", e)
            sys.exit(3)
        c.send_bytes(b"ping from python")
        c.send_bytes(c.recv_bytes()[::-1])
        c.close()
        """

    static let listener = """
        import sys
        from multiprocessing import AuthenticationError
        from multiprocessing.connection import Listener
        path, key = sys.argv[1], bytes.fromhex(sys.argv[2])
        with Listener(path, family="AF_UNIX", authkey=key) as listener:
            open(path + ".listening", "w").close()  # bound and listening: connect now
            try:
                c = listener.accept()
            except AuthenticationError as e:
                print("refused:", e)
                sys.exit(3)
            c.send_bytes(c.recv_bytes()[::-1])
            c.close()
        """

    static let interpreters = PythonInterpreter.all

    /// The address in the client script's terms.
    private static func arguments(for address: ConnectionAddress) -> [String] {
        switch address {
        case let .unix(path): ["unix", path]
        case let .abstract(name): ["abstract", name]
        case let .tcp(host, port): ["tcp", "\(host):\(port)"]
        }
    }

    @Test(
        arguments: interpreters,
        [ConnectionAddress.unix(path: "FRESH"), .abstract(name: "FRESH"), .tcp(host: "127.0.0.1", port: 0)])
    func aPythonClientTalksToOurListener(python: PythonInterpreter, address: ConnectionAddress) throws {
        let listener = try Listener(address: ListenerTests.fresh(address), authKey: testKey)
        defer { listener.close() }
        let script = try PythonProcess(
            python, script: Self.client,
            arguments: Self.arguments(for: listener.address) + [hex(testKey)])
        let connection = try #require(
            try listener.accept(timeout: .seconds(30)), "\((try? script.finish())?.output ?? "")")
        #expect(try connection.receiveBytes() == Array("ping from python".utf8))
        try connection.sendBytes(Array("abc".utf8))
        #expect(try connection.receiveBytes() == Array("cba".utf8))
        let (status, output) = try script.finish()
        #expect(ExitStatus(waitStatus: status) == .exited(0), "\(output)")
        #expect(listener.failedHandshakes == 0)
    }

    @Test(arguments: interpreters)
    func aPythonClientWithAWrongKeyIsRefused(python: PythonInterpreter) throws {
        let listener = try Listener(address: .unix(path: uniqueSocketPath()), authKey: testKey)
        defer { listener.close() }
        let script = try PythonProcess(
            python, script: Self.client,
            arguments: Self.arguments(for: listener.address) + [hex(Array("wrong".utf8))])
        #expect(try drive(listener, within: .seconds(30)) { listener.failedHandshakes == 1 })
        let (status, output) = try script.finish()
        #expect(ExitStatus(waitStatus: status) == .exited(3), "\(output)")
        #expect(output.contains("refused"))
    }

    @Test(arguments: interpreters)
    func ourClientTalksToAPythonListener(python: PythonInterpreter) throws {
        let (path, script) = try startPythonListener(python)
        let connection = try Connection.connect(to: .unix(path: path), authKey: testKey, timeout: .seconds(30))
        try connection.sendBytes(Array("hello".utf8))
        #expect(try connection.receiveBytes() == Array("olleh".utf8))
        let (status, output) = try script.finish()
        #expect(ExitStatus(waitStatus: status) == .exited(0), "\(output)")
    }

    @Test(arguments: interpreters)
    func ourClientWithAWrongKeyIsRefusedByAPythonListener(python: PythonInterpreter) throws {
        let (path, script) = try startPythonListener(python)
        #expect(throws: ConnectionError.authenticationFailed(.rejectedByPeer)) {
            try Connection.connect(to: .unix(path: path), authKey: Array("wrong".utf8), timeout: .seconds(30))
        }
        let (status, output) = try script.finish()
        #expect(ExitStatus(waitStatus: status) == .exited(3), "\(output)")
    }

    @Test(arguments: interpreters)
    func ourClientWithoutAKeyLearnsThatAPythonListenerWantsOne(python: PythonInterpreter) throws {
        let (path, script) = try startPythonListener(python)
        let connection = try Connection.connect(to: .unix(path: path), timeout: .seconds(30))
        #expect(throws: ConnectionError.authenticationFailed(.peerRequiresKey)) { try connection.receiveBytes() }
        connection.close()
        let (status, _) = try script.finish()
        #expect(ExitStatus(waitStatus: status) != .exited(0), "Python's accept fails: our side never answered")
    }

    /// Starts Python's keyed `Listener` on a fresh path and returns once it
    /// listens (it says so with a marker file, removed here).
    private func startPythonListener(_ python: PythonInterpreter) throws -> (path: String, script: PythonProcess) {
        let path = uniqueSocketPath()
        let script = try PythonProcess(python, script: Self.listener, arguments: [path, hex(testKey)])
        defer { unlink(path + ".listening") }
        try #require(
            pollUntil(within: .seconds(30)) { access(path + ".listening", F_OK) == 0 },
            "\((try? script.finish())?.output ?? "")")
        return (path, script)
    }
}
