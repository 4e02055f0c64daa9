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
internal import MultiprocessingPlatform
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A socket that other processes connect to, handing out a ``Connection``
/// for each client that passed authentication: Python's
/// `multiprocessing.connection.Listener`, and its peer on the wire.
///
/// ```swift
/// let listener = try Listener(address: .unix(path: "/tmp/service.sock"), authKey: key)
/// while let connection = try? listener.accept() {
///     let request = try connection.receive(Request.self)
///     try connection.send(handle(request))
/// }
/// ```
///
/// A client is ``Connection/connect(to:authKey:timeout:)`` — or Python's
/// `multiprocessing.connection.Client` with the same key: the handshake and
/// the framing are Python's (3.12's HMAC-SHA256, and HMAC-MD5 with 3.11 and
/// older), so `send_bytes`/`recv_bytes` on the Python side meet
/// ``Connection/sendBytes(_:)``/``Connection/receiveBytes()`` here.
///
/// ## Handshakes never block the listener
///
/// Each accepted socket is authenticated on its own, without blocking: while
/// one client is slow or silent, others that connect later pass their
/// handshake and are accepted. A handshake that has not finished after
/// ``handshakeTimeout`` fails; failed ones (a wrong key, no key, garbage, a
/// client that went away) are closed and counted in ``failedHandshakes``,
/// and never reach the caller. The work happens inside ``accept()`` calls
/// (no background thread): a client that connects while nobody accepts waits
/// in the kernel's backlog, as with any listener.
///
/// Differences from Python: ``accept(timeout:)``; a handshake deadline; one
/// slow client never holds up the others; ``close()`` wakes a thread blocked
/// in ``accept()``; a stale socket file (left by a listener that died) is
/// replaced, while a live listener's socket or a regular file at the path is
/// an error and is left alone.
///
/// ## Threads
///
/// A listener is `Sendable`: several threads may accept at once (each
/// connection goes to one of them), and any thread may ``close()`` it.
public final class Listener: Sendable {
    /// The address the listener is bound to: as given, except that a TCP
    /// address has the numeric host and the real port (port 0 asked the
    /// system to choose one).
    public let address: ConnectionAddress
    /// How long a client has to finish the handshake after connecting.
    public let handshakeTimeout: Duration

    /// The key, prepared once for every handshake.
    private let authKey: AuthenticationKey?
    private let socket: SharedDescriptor
    /// The socket file this listener made, removed by ``close()`` if still there.
    private let socketFile: (path: String, identity: FileIdentity)?
    private let epoll: Epoll
    /// Readable once the listener is closed, so that every accepting thread wakes.
    private let closing: WakeupDescriptor
    private let pending = Mutex(PendingHandshakes())

    private static let listenerTag: UInt64 = 0
    private static let closingTag: UInt64 = 1

    /// Binds `address` and starts listening.
    ///
    /// - Parameters:
    ///   - address: where to listen. A Unix path must not exist, or be a
    ///     stale socket file (nobody answers on it), which is replaced. TCP
    ///     listeners set `SO_REUSEADDR`, as Python's do.
    ///   - authKey: the key clients must prove they hold; `nil` accepts
    ///     every client without a handshake (as in Python).
    ///   - backlog: how many connections the kernel queues before
    ///     ``accept()`` takes them (capped by `net.core.somaxconn`).
    ///   - handshakeTimeout: how long a client has to authenticate.
    /// - Throws: ``ListenerError/addressInUse(_:)`` (a live listener answers
    ///   at the path, or the TCP port is taken), ``ListenerError/pathIsNotASocket(_:)``,
    ///   ``ListenerError/invalidAddress(_:)``, ``ListenerError/system(operation:errno:)``.
    ///   Nothing is removed or left open after a failure.
    ///   The corresponding C functions are `socket`, `bind` and `listen`.
    public convenience init(
        address: ConnectionAddress, authKey: [UInt8]? = nil, backlog: Int = 128,
        handshakeTimeout: Duration = Connection.defaultHandshakeTimeout
    ) throws(ListenerError) {
        try self.init(
            bound: try ListeningSocket.bind(address, backlog: backlog), authKey: authKey,
            handshakeTimeout: handshakeTimeout)
    }

    /// Takes over a socket another process bound and made listen (a
    /// manager's server, given its owner's socket), with the socket file at
    /// a Unix path, which it removes on ``close()``.
    convenience init(
        adoptingListeningSocket socket: Int32, address: ConnectionAddress, authKey: [UInt8]?, handshakeTimeout: Duration
    ) throws(ListenerError) {
        do {
            try setCloseOnExec(socket)
            try setNonBlocking(socket, true)
        } catch {
            closeDescriptor(socket)
            throw .system(operation: "fcntl", errno: error)
        }
        var adopted = ListeningSocket(socket: socket, address: address, socketFile: nil)
        if case let .unix(path) = address, case let .socket(identity)? = try? socketFileStatus(atPath: path) {
            adopted.socketFile = (path, identity)
        }
        try self.init(bound: adopted, authKey: authKey, handshakeTimeout: handshakeTimeout)
    }

    /// A listener on a bound, listening, non-blocking socket; on failure the
    /// socket is closed (and its file removed).
    private init(bound: ListeningSocket, authKey: [UInt8]?, handshakeTimeout: Duration) throws(ListenerError) {
        do throws(Errno) {
            epoll = try Epoll()
            do {
                closing = try WakeupDescriptor()
            } catch {
                epoll.close()
                throw error
            }
            do throws(Errno) {
                try epoll.add(bound.socket, events: UInt32(EPOLLIN.rawValue), tag: Self.listenerTag)
                try epoll.add(closing.rawValue, events: UInt32(EPOLLIN.rawValue), tag: Self.closingTag)
            } catch {
                epoll.close()
                closing.close()
                throw error
            }
        } catch {
            bound.release()
            throw .system(operation: "epoll", errno: error)
        }
        self.address = bound.address
        self.socket = SharedDescriptor(fd: bound.socket)
        self.socketFile = bound.socketFile
        self.authKey = authKey.map(AuthenticationKey.init)
        self.handshakeTimeout = handshakeTimeout
    }

    deinit {
        close()
        epoll.close()
        closing.close()
    }

    /// How many clients failed their handshake (a wrong key or none, a
    /// message that is not a handshake, silence past ``handshakeTimeout``,
    /// a disconnect) since the listener was made.
    public var failedHandshakes: Int {
        pending.withLock { $0.failures }
    }

    /// Waits for a client that passes the handshake and returns its connection.
    ///
    /// - Throws: ``ListenerError/closed`` once ``close()`` was called (also
    ///   when called while this call waits: it wakes and throws);
    ///   ``ListenerError/system(operation:errno:)`` if `accept` fails for a
    ///   reason that concerns the listener (`EMFILE`: out of descriptors);
    ///   the listener stays usable. Failed handshakes are not errors of
    ///   `accept`: they are counted in ``failedHandshakes`` and it waits on.
    ///   An interrupted system call (`EINTR`) is not an error.
    ///   The corresponding C functions are `epoll_wait` and `accept4`.
    public func accept() throws(ListenerError) -> Connection {
        try accept(until: .distantFuture)!
    }

    /// Waits at most `timeout` for a client that passes the handshake.
    ///
    /// - Returns: its connection, or `nil` if none came in time (not an
    ///   error). `.zero` takes what is ready without waiting.
    /// - Throws: as ``accept()``.
    public func accept(timeout: Duration) throws(ListenerError) -> Connection? {
        try accept(until: .after(timeout))
    }

    /// Stops listening. Idempotent; safe from any thread at any time.
    ///
    /// The socket is closed (a Unix socket file this listener made is
    /// removed, unless something else replaced it since), clients still in
    /// their handshake and connections nobody accepted are closed, and
    /// threads blocked in ``accept()`` wake and throw ``ListenerError/closed``.
    /// Connections already accepted are not affected.
    /// The corresponding C functions are `close` and `unlink`.
    public func close() {
        let first = pending.withLock { pending -> Bool in
            guard !pending.isClosed else { return false }
            pending.close(epoll: epoll)
            return true
        }
        guard first else { return }
        if let socketFile { removeSocketFile(atPath: socketFile.path, ifStill: socketFile.identity) }
        socket.close()
        closing.signal()
    }

    // MARK: Accepting

    private func accept(until deadline: Deadline) throws(ListenerError) -> Connection? {
        let listening: Int32
        do {
            listening = try socket.lease()
        } catch {
            throw .closed
        }
        defer { socket.release() }
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        var waited = false
        while true {
            let (connection, nextExpiry) = try pending.withLock { pending throws(ListenerError) in
                guard !pending.isClosed else { throw .closed }
                pending.expire(epoll: epoll)
                return (pending.takeReady(), pending.earliestDeadline)
            }
            if let connection { return connection }
            if waited && deadline.hasPassed { return nil }
            let count: Int
            do {
                count = try epoll.wait(into: &events, until: min(deadline, nextExpiry ?? .distantFuture))
            } catch {
                throw .system(operation: "epoll_wait", errno: error)
            }
            waited = true
            try pending.withLock { pending throws(ListenerError) in
                guard !pending.isClosed else { throw .closed }
                for event in events[..<count] {
                    switch event.data.u64 {
                    case Self.listenerTag: try admitConnections(from: listening, into: &pending)
                    case Self.closingTag: throw .closed
                    case let tag: pending.advance(tag, epoll: epoll)
                    }
                }
            }
        }
    }

    /// Takes every connection the kernel has queued and starts its handshake.
    private func admitConnections(from listening: Int32, into pending: inout PendingHandshakes) throws(ListenerError) {
        let deadline = Deadline.after(handshakeTimeout)
        while true {
            let accepted: Int32?
            do {
                accepted = try acceptPendingConnection(listening)
            } catch {
                throw .system(operation: "accept", errno: error)
            }
            guard let accepted else { return }
            if case .tcp = address { try? setNoDelay(accepted) }
            pending.admit(accepted, key: authKey, deadline: deadline, epoll: epoll)
        }
    }
}
