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

/// A bound, listening, non-blocking socket, and the rules for binding a
/// ``ConnectionAddress`` (``Listener``'s set-up).
struct ListeningSocket {
    var socket: Int32
    /// The bound address (TCP: the numeric host and the real port).
    var address: ConnectionAddress
    /// The socket file made at a Unix path, to remove on close.
    var socketFile: (path: String, identity: FileIdentity)?

    /// Closes the socket and removes the file it made (a listener whose set-up failed later).
    func release() {
        if let socketFile { removeSocketFile(atPath: socketFile.path, ifStill: socketFile.identity) }
        closeDescriptor(socket)
    }

    /// Binds `address` (each address a host name resolves to in turn) and listens.
    static func bind(_ address: ConnectionAddress, backlog: Int) throws(ListenerError) -> ListeningSocket {
        let candidates: [SocketAddress]
        do {
            candidates = try address.socketAddresses(passive: true)
        } catch {
            throw .invalidAddress("\(address): \(error.reason)")
        }
        var lastError = ListenerError.invalidAddress("\(address): no address to bind")
        for candidate in candidates {
            do {
                return try bind(candidate, as: address, backlog: backlog)
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func bind(_ candidate: SocketAddress, as address: ConnectionAddress, backlog: Int)
        throws(ListenerError) -> ListeningSocket
    {
        let socket: Int32
        do {
            socket = try openStreamSocket(family: candidate.family)
        } catch {
            throw .system(operation: "socket", errno: error)
        }
        do throws(ListenerError) {
            if candidate.family != AF_UNIX {
                try? setReuseAddress(socket)
            }
            try bindReplacingStaleFile(socket, candidate, address)
        } catch {
            closeDescriptor(socket)
            throw error
        }
        // From here on `bound` owns the socket: it is closed once, by `release()`.
        var bound = ListeningSocket(socket: socket, address: address, socketFile: nil)
        if case let .unix(path) = address, case let .socket(identity)? = try? socketFileStatus(atPath: path) {
            bound.socketFile = (path, identity)
        }
        do throws(Errno) {
            try listenOnSocket(socket, backlog: backlog)
            try setNonBlocking(socket, true)
            bound.address = try boundAddress(socket, as: address)
        } catch {
            bound.release()
            throw .system(operation: "listen", errno: error)
        }
        return bound
    }

    /// Binds; at a Unix path already taken, replaces a stale socket file
    /// (one nobody answers on) and refuses anything else.
    private static func bindReplacingStaleFile(
        _ socket: Int32, _ candidate: SocketAddress, _ address: ConnectionAddress
    ) throws(ListenerError) {
        do {
            try bindSocket(socket, to: candidate)
            return
        } catch .addressInUse {
            guard case let .unix(path) = address else { throw .addressInUse(address) }
            try removeIfStale(path, address: address)
        } catch {
            throw .system(operation: "bind", errno: error)
        }
        do {
            try bindSocket(socket, to: candidate)
        } catch .addressInUse {
            throw .addressInUse(address)  // another listener took the path meanwhile
        } catch {
            throw .system(operation: "bind", errno: error)
        }
    }

    /// Removes the socket file at `path` if no listener answers on it.
    private static func removeIfStale(_ path: String, address: ConnectionAddress) throws(ListenerError) {
        let status: SocketFileStatus
        do {
            status = try socketFileStatus(atPath: path)
        } catch {
            throw .system(operation: "lstat", errno: error)
        }
        switch status {
        case .missing:
            return  // removed meanwhile: bind again
        case .other:
            throw .pathIsNotASocket(path)
        case .socket:
            guard try !isAnswered(path, address: address) else { throw .addressInUse(address) }
            do {
                try unlinkPath(path)
            } catch {
                throw .system(operation: "unlink", errno: error)
            }
        }
    }

    /// Whether a listener answers at the socket file `path`: a connect
    /// succeeds (or waits for room in a full backlog); refused means stale.
    private static func isAnswered(_ path: String, address: ConnectionAddress) throws(ListenerError) -> Bool {
        guard let target = try? SocketAddress.unix(path: path) else { return false }
        let probe: Int32
        do {
            probe = try openStreamSocket(family: AF_UNIX)
        } catch {
            throw .system(operation: "socket", errno: error)
        }
        defer { closeDescriptor(probe) }
        do throws(Errno) {
            try connectSocket(probe, to: target, until: .after(.milliseconds(100)))
            return true
        } catch .connectionRefused {
            return false
        } catch .timedOut {
            return true
        } catch {
            throw .system(operation: "connect (probe of \(path))", errno: error)
        }
    }

    /// The address a socket is bound to, in the terms of `requested`.
    private static func boundAddress(_ socket: Int32, as requested: ConnectionAddress) throws(Errno)
        -> ConnectionAddress
    {
        guard case .tcp = requested else { return requested }
        let local = try SocketAddress.local(of: socket)
        return .tcp(host: local.numericHost ?? "", port: local.port ?? 0)
    }
}
