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

extension Connection {
    /// The handshake deadline when nobody gives one: a peer that stays silent
    /// (or trickles) fails the handshake after this long, on both sides.
    public static let defaultHandshakeTimeout = Duration.seconds(10)

    /// Connects to the ``Listener`` (or Python `multiprocessing.connection.Listener`)
    /// at `address` and, with a key, authenticates both ways: Python's `Client`.
    ///
    /// ```swift
    /// let connection = try Connection.connect(to: .unix(path: "/run/service.sock"), authKey: key)
    /// try connection.send(Request.status)
    /// let status = try connection.receive(Status.self)
    /// ```
    ///
    /// With `authKey`, the listener and this side each prove that they hold
    /// the same key, without sending it (HMAC-SHA256, or HMAC-MD5 with a
    /// Python 3.11 listener); the connection is returned only once both
    /// sides accepted. Without it nothing is exchanged, as in Python; if the
    /// listener does want a key, the first receive throws
    /// ``ConnectionError/authenticationFailed(_:)`` with
    /// ``AuthenticationFailure/peerRequiresKey``.
    ///
    /// A host name is resolved with `getaddrinfo` and its addresses are tried
    /// in turn. TCP connections send small messages at once (`TCP_NODELAY`).
    ///
    /// - Parameters:
    ///   - address: the listener's address.
    ///   - authKey: the shared key, or `nil` for none.
    ///   - timeout: bounds the connect and the handshake together. Without
    ///     it the connect waits as long as the system does (for a Unix socket
    ///     whose listener's backlog is full, until there is room), and the
    ///     handshake still ends after ``defaultHandshakeTimeout``.
    /// - Throws: ``ConnectionError/authenticationFailed(_:)`` (different
    ///   keys, a listener without a key — noticed because its first message
    ///   is not a challenge, or, if it sends nothing, at the deadline —, a
    ///   peer that is not a `multiprocessing.connection` peer);
    ///   ``ConnectionError/timedOut(operation:)``;
    ///   ``ConnectionError/invalidAddress(_:)``;
    ///   ``ConnectionError/system(operation:errno:)`` for a refused connect
    ///   (`ECONNREFUSED`: nobody listens; `ENOENT`: no such socket file).
    ///   Nothing is left open after a failure. An interrupted system call
    ///   (`EINTR`) is not an error.
    ///   The corresponding C functions are `socket`, `connect`, `poll`, `send` and `recv`.
    public static func connect(
        to address: ConnectionAddress, authKey: [UInt8]? = nil, timeout: Duration? = nil
    ) throws(ConnectionError) -> Connection {
        let deadline = timeout.map(Deadline.after) ?? .distantFuture
        let socket = try connectedSocket(to: address, until: deadline)
        guard let authKey else {
            return Connection(socket: socket, reader: nil, firstMessageCheck: FirstMessageCheck())
        }
        var session = HandshakeSession(socket: socket, role: .client, key: AuthenticationKey(authKey))
        let handshakeDeadline = timeout == nil ? Deadline.after(defaultHandshakeTimeout) : deadline
        switch session.runToCompletion(until: handshakeDeadline) {
        case .authenticated:
            return Connection(socket: socket, reader: session.reader, firstMessageCheck: nil)
        case let .failed(error):
            closeDescriptor(socket)
            throw error
        case .pending:
            preconditionFailure("a finished handshake is pending")
        }
    }

    /// An accepted or connected stream socket, blocking, with what its
    /// handshake read ahead.
    convenience init(socket: Int32, reader: FrameReader?, firstMessageCheck: FirstMessageCheck?) {
        self.init(
            descriptor: SharedDescriptor(fd: socket), readable: true, writable: true,
            maximumMessageSize: Connection.defaultMaximumMessageSize, link: nil,
            reader: reader, firstMessageCheck: firstMessageCheck)
    }

    /// A socket connected to one of the addresses `address` resolves to.
    private static func connectedSocket(to address: ConnectionAddress, until deadline: Deadline) throws(ConnectionError)
        -> Int32
    {
        let candidates: [SocketAddress]
        do {
            candidates = try address.socketAddresses(passive: false)
        } catch {
            throw .invalidAddress("\(address): \(error.reason)")
        }
        var lastError = Errno.noSuchAddressOrDevice
        for candidate in candidates {
            do throws(Errno) {
                let socket = try openStreamSocket(family: candidate.family)
                do {
                    try connectSocket(socket, to: candidate, until: deadline)
                    if candidate.family != AF_UNIX { try setNoDelay(socket) }
                    return socket
                } catch {
                    closeDescriptor(socket)
                    throw error
                }
            } catch .timedOut {
                throw .timedOut(operation: "connect to \(address)")
            } catch {
                lastError = error
            }
        }
        throw .system(operation: "connect to \(address)", errno: lastError)
    }
}

extension HandshakeSession {
    /// Drives the session on a blocking caller's thread: waits for the
    /// socket with `poll(2)` until the handshake ends or `deadline` passes.
    mutating func runToCompletion(until deadline: Deadline) -> Progress {
        var progress = start()
        while progress == .pending {
            do {
                guard try !pollReadable([socket], until: deadline).isEmpty else {
                    return .failed(.timedOut(operation: "handshake"))
                }
            } catch {
                return .failed(.system(operation: "poll", errno: error))
            }
            progress = advance()
        }
        return progress
    }
}

extension ConnectionAddress {
    /// The socket addresses this address stands for (several for a host name).
    func socketAddresses(passive: Bool) throws(SocketAddress.Failure) -> [SocketAddress] {
        switch self {
        case let .unix(path): [try .unix(path: path)]
        case let .abstract(name): [try .abstract(name: name)]
        case let .tcp(host, port): try SocketAddress.resolve(host: host, port: port, passive: passive)
        }
    }
}

extension SocketAddress.Failure {
    /// What went wrong, for an error message.
    var reason: String {
        switch self {
        case let .tooLong(limit): "longer than \(limit) bytes"
        case .invalidName: "empty, or contains a NUL byte"
        case let .unresolvable(reason): reason
        }
    }
}
