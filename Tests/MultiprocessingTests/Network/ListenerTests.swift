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

@Suite("Listener and connect", .timeLimit(.minutes(1)))
struct ListenerTests {
    static let addresses: [ConnectionAddress] = [
        .unix(path: "UNIQUE"), .abstract(name: "UNIQUE"),
        .tcp(host: "127.0.0.1", port: 0), .tcp(host: "::1", port: 0), .tcp(host: "localhost", port: 0),
    ]

    /// The same address with a fresh path or name.
    static func fresh(_ address: ConnectionAddress) -> ConnectionAddress {
        switch address {
        case .unix: .unix(path: uniqueSocketPath())
        case .abstract: .abstract(name: uniqueAbstractName())
        case .tcp: address
        }
    }

    @Test(arguments: addresses, [testKey, nil])
    func aClientAndTheListenerExchangeMessages(address: ConnectionAddress, key: [UInt8]?) throws {
        let listener = try Listener(address: Self.fresh(address), authKey: key)
        defer { listener.close() }
        if case let .tcp(_, port) = listener.address { #expect(port != 0) }
        let bound = listener.address
        let client = ClientThread { () throws -> String in
            let connection = try Connection.connect(to: bound, authKey: key, timeout: .seconds(10))
            try connection.send("hello")
            return try connection.receive(String.self)
        }
        let connection = try listener.accept()
        #expect(try connection.receive(String.self) == "hello")
        try connection.send("welcome")
        #expect(try client.value() == "welcome")
        #expect(listener.failedHandshakes == 0)
    }

    @Test func aUnixSocketFileLivesAsLongAsItsListener() throws {
        let path = uniqueSocketPath()
        let listener = try Listener(address: .unix(path: path), authKey: testKey)
        #expect(try socketFileStatus(atPath: path) != .missing)
        listener.close()
        #expect(try socketFileStatus(atPath: path) == .missing)
        #expect(throws: ConnectionError.system(operation: "connect to unix://\(path)", errno: .noSuchFileOrDirectory)) {
            try Connection.connect(to: .unix(path: path), authKey: testKey)
        }
    }

    @Test func acceptWithATimeoutReturnsNilWhenNobodyComes() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()))
        let start = ContinuousClock.now
        #expect(try listener.accept(timeout: .milliseconds(50)) == nil)
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        #expect(try listener.accept(timeout: .zero) == nil)
    }

    @Test func closeWakesABlockedAccept() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
        let acceptor = ClientThread { () throws -> Connection in try listener.accept() }
        #expect(acceptor.waitUntilBlocked())
        listener.close()
        #expect(acceptor.error() as? ListenerError == .closed)
        #expect(throws: ListenerError.closed) { try listener.accept(timeout: .zero) }
    }

    @Test func aPathHeldByALiveListenerIsRefusedAndKept() throws {
        let address = ConnectionAddress.unix(path: uniqueSocketPath())
        let first = try Listener(address: address, authKey: testKey)
        defer { first.close() }
        #expect(throws: ListenerError.addressInUse(address)) { try Listener(address: address) }
        // The first listener still serves at its path.
        let client = ClientThread { () throws -> Void in
            try Connection.connect(to: address, authKey: testKey, timeout: .seconds(10)).send(1)
        }
        let accepted = try #require(try first.accept(timeout: .seconds(10)))
        #expect(try accepted.receive(Int.self) == 1)
        try client.value()
    }

    @Test func aRegularFileAtThePathIsRefusedAndLeftAlone() throws {
        let path = uniqueSocketPath()
        let file = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: .ownerReadWrite)
        _ = try file.closeAfter { try file.writeAll("keep me".utf8) }
        defer { unlink(path) }
        #expect(throws: ListenerError.pathIsNotASocket(path)) { try Listener(address: .unix(path: path)) }
        #expect(try readTextFile(path) == "keep me")
    }

    @Test func aStaleSocketFileIsReplaced() throws {
        let path = uniqueSocketPath()
        // A listener that died without removing its file: bound, then closed.
        let dead = try openStreamSocket(family: AF_UNIX)
        try bindSocket(dead, to: try .unix(path: path))
        closeDescriptor(dead)
        #expect(try socketFileStatus(atPath: path) != .missing)
        let listener = try Listener(address: .unix(path: path), authKey: testKey)
        defer { listener.close() }
        let client = ClientThread { () throws -> Void in
            try Connection.connect(to: .unix(path: path), authKey: testKey, timeout: .seconds(10)).send(2)
        }
        #expect(try listener.accept(timeout: .seconds(10))?.receive(Int.self) == 2)
        try client.value()
    }

    @Test func addressesThatCannotBeUsedAreTypedErrors() throws {
        let long = "/tmp/" + String(repeating: "x", count: 200)
        #expect(throws: ListenerError.self) { try Listener(address: .unix(path: long)) }
        #expect(throws: ConnectionError.self) { try Connection.connect(to: .unix(path: long)) }
        do {
            _ = try Connection.connect(to: .tcp(host: "no-such-host.invalid", port: 1))
            Issue.record("an unresolvable host connected")
        } catch ConnectionError.invalidAddress {
        } catch {
            Issue.record("unexpected \(error)")
        }
        // A port nobody listens on: the port of a listener just closed.
        let gone = try Listener(address: .tcp(host: "127.0.0.1", port: 0))
        let address = gone.address
        gone.close()
        #expect(throws: ConnectionError.system(operation: "connect to \(address)", errno: .connectionRefused)) {
            try Connection.connect(to: address)
        }
    }

    // MARK: Keys

    @Test func aWrongKeyFailsOnBothSidesAndTheListenerServesOthers() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
        defer { listener.close() }
        let address = listener.address
        let wrong = ClientThread { () throws -> Connection in
            try Connection.connect(to: address, authKey: Array("another key".utf8), timeout: .seconds(10))
        }
        #expect(try drive(listener) { listener.failedHandshakes == 1 })
        #expect(wrong.error() as? ConnectionError == .authenticationFailed(.rejectedByPeer))
        let right = ClientThread { () throws -> Void in
            try Connection.connect(to: address, authKey: testKey, timeout: .seconds(10)).send(3)
        }
        #expect(try listener.accept(timeout: .seconds(10))?.receive(Int.self) == 3)
        try right.value()
    }

    @Test func aClientWithoutAKeyGetsATypedErrorAtItsFirstReceive() throws {
        let listener = try Listener(
            address: .abstract(name: uniqueAbstractName()), authKey: testKey,
            handshakeTimeout: .seconds(30))
        defer { listener.close() }
        let connection = try Connection.connect(to: listener.address)
        // The challenge arrives once the listener has taken the connection.
        _ = try listener.accept(timeout: .milliseconds(100))
        #expect(throws: ConnectionError.authenticationFailed(.peerRequiresKey)) { try connection.receive(Int.self) }
        #expect(throws: ConnectionError.authenticationFailed(.peerRequiresKey)) { try connection.receiveBytes() }
        connection.close()
        #expect(try drive(listener) { listener.failedHandshakes == 1 })
    }

    @Test func aClientWithAKeyFacingAListenerWithoutOneGetsATypedError() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()))
        defer { listener.close() }
        let address = listener.address
        // The listener speaks first: its message is not a challenge.
        let client = ClientThread { () throws -> Connection in
            try Connection.connect(to: address, authKey: testKey, timeout: .seconds(10))
        }
        try #require(try listener.accept(timeout: .seconds(10))).sendBytes(Array("hello".utf8))
        #expect(client.error() as? ConnectionError == .authenticationFailed(.peerSentNoChallenge))
        // The listener waits for the client: the client's deadline ends it.
        let silent = ClientThread { () throws -> Connection in
            try Connection.connect(to: address, authKey: testKey, timeout: .milliseconds(200))
        }
        let accepted = try #require(try listener.accept(timeout: .seconds(10)))
        #expect(silent.error() as? ConnectionError == .timedOut(operation: "handshake"))
        #expect(throws: ConnectionError.endOfStream) { try accepted.receiveBytes() }
    }

    // MARK: Clients that break the protocol

    @Test func aSilentClientNeverBlocksOthersAndFailsAtTheDeadline() throws {
        let listener = try Listener(
            address: .abstract(name: uniqueAbstractName()), authKey: testKey,
            handshakeTimeout: .milliseconds(500))
        defer { listener.close() }
        let silent = try RawClient(listener.address)
        let address = listener.address
        let client = ClientThread { () throws -> Void in
            try Connection.connect(to: address, authKey: testKey, timeout: .seconds(10)).send(4)
        }
        #expect(try listener.accept(timeout: .seconds(10))?.receive(Int.self) == 4)
        try client.value()
        #expect(listener.failedHandshakes == 0, "served while the silent client waits")
        #expect(try drive(listener) { listener.failedHandshakes == 1 })
        #expect(try silent.seesEndOfStream())
    }

    @Test func aTruncatedHandshakeFails() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
        defer { listener.close() }
        do {
            let client = try RawClient(listener.address)
            _ = try listener.accept(timeout: .milliseconds(50))  // sends the challenge
            #expect(try client.readFrame().starts(with: Array("#CHALLENGE#".utf8)))
            var header = [UInt8]()
            header.appendInteger(Int32(48))
            try client.write(header + [UInt8](repeating: 0, count: 10))  // 10 of 48 bytes, then gone
        }
        #expect(try drive(listener) { listener.failedHandshakes == 1 })
    }

    @Test(arguments: [
        Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),  // garbage: a length of 1.2 GB
        [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0, 0, 0],  // a 64-bit length header: 1 TiB
        [0xFF, 0xFF, 0xFF, 0xFE],  // a negative length
        frame([UInt8](repeating: 7, count: 300)),  // longer than a handshake message
        frame(Array("{sha512}".utf8) + [UInt8](repeating: 1, count: 64)),  // a digest Python never sends
    ])
    func garbageInsteadOfAHandshakeFailsAtOnce(bytes: [UInt8]) throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
        defer { listener.close() }
        let client = try RawClient(listener.address)
        try client.write(bytes)
        #expect(try drive(listener) { listener.failedHandshakes == 1 })
        #expect(try client.seesEndOfStream())
    }

    @Test func aSixtyFourBitHeaderFromAnAcceptedPeerIsRefusedWithoutAllocating() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()))
        defer { listener.close() }
        let client = try RawClient(listener.address)
        let connection = try #require(try listener.accept(timeout: .seconds(10)))
        connection.maximumMessageSize = 1 << 20
        var header = [UInt8]()
        header.appendInteger(Int32(-1))
        header.appendInteger(UInt64(1) << 40)
        try client.write(header)
        #expect(throws: ConnectionError.messageTooLarge(size: 1 << 40, limit: 1 << 20)) {
            try connection.receiveBytes()
        }
    }

    @Test func aClientThatDisconnectsMidMessageIsATruncatedMessage() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()))
        defer { listener.close() }
        do {
            let client = try RawClient(listener.address)
            var header = [UInt8]()
            header.appendInteger(Int32(100))
            try client.write(header + [UInt8](repeating: 1, count: 10))
        }
        let connection = try #require(try listener.accept(timeout: .seconds(10)))
        #expect(throws: ConnectionError.truncatedMessage(expected: 100, received: 10)) { try connection.receiveBytes() }
    }

    /// A message the client sent right behind the handshake, read with its
    /// last handshake message, is the accepted connection's first message.
    @Test func aMessageReadAheadDuringTheHandshakeIsKept() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
        defer { listener.close() }
        let address = listener.address
        let client = ClientThread { () throws -> Connection in
            let connection = try Connection.connect(to: address, authKey: testKey, timeout: .seconds(10))
            try connection.send([1, 2, 3])
            try connection.send([4])
            return connection
        }
        // Let the client finish before the listener reads its last handshake message.
        let connection = try #require(try listener.accept(timeout: .seconds(10)))
        let sender = try client.value()
        #expect(try connection.poll(timeout: .seconds(5)))
        #expect(try connection.receive([Int].self) == [1, 2, 3])
        #expect(try connection.receive([Int].self) == [4])
        sender.close()
        #expect(throws: ConnectionError.endOfStream) { try connection.receiveBytes() }
    }

    @Test func connectGivesUpWhenTheBacklogStaysFull() throws {
        let listener = try Listener(address: .abstract(name: uniqueAbstractName()), backlog: 1)
        defer { listener.close() }
        var fillers: [Int32] = []
        defer { fillers.forEach(closeDescriptor) }
        let target = try listener.address.socketAddresses(passive: false)[0]
        // Fill the backlog (never accepted) until a non-blocking connect is refused for room.
        while fillers.count < 64 {
            let fd = try openStreamSocket(family: AF_UNIX)
            try setNonBlocking(fd, true)
            let rc = target.withSockaddr { connect(fd, $0, $1) }
            if rc == -1 && errno == EAGAIN {
                closeDescriptor(fd)
                break
            }
            fillers.append(fd)
        }
        try #require(fillers.count < 64, "the backlog never filled")
        #expect(throws: ConnectionError.timedOut(operation: "connect to \(listener.address)")) {
            try Connection.connect(to: listener.address, timeout: .milliseconds(100))
        }
    }

    @Test func tcpConnectionsAreTCPAndUnixOnesAreNot() throws {
        for address in [ConnectionAddress.tcp(host: "127.0.0.1", port: 0), .abstract(name: uniqueAbstractName())] {
            let listener = try Listener(address: address)
            defer { listener.close() }
            let client = try Connection.connect(to: listener.address)
            let accepted = try #require(try listener.accept(timeout: .seconds(10)))
            let isTCP = if case .tcp = address { true } else { false }
            #expect(client.isUnixDomain == !isTCP)
            #expect(accepted.isUnixDomain == client.isUnixDomain)
        }
        #expect(try Pipe().ends.0.isUnixDomain)
    }
}
