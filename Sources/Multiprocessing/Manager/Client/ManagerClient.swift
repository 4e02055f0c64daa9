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

internal import CMultiprocessing
import Synchronization

/// One process's side of a manager: the server's address and key, and a
/// pool of authenticated connections to it that every proxy of that server
/// in the process shares (a call checks a connection out for its round
/// trip, so concurrent calls use several and a blocked queue `get` holds up
/// no other proxy).
///
/// One client exists per server (address and key) in a process, found
/// through a table that holds clients weakly: proxies decoded from jobs find
/// the client already there, and the last proxy dropped closes its
/// connections. In a forked child, connections inherited from the parent
/// are never used (they carry the parent's conversations): they are
/// abandoned and new ones made.
final class ManagerClient: Sendable {
    let address: ConnectionAddress
    let authKey: [UInt8]?
    /// The owner's handle on the server: a proxy made by the process that
    /// started the server keeps it running.
    let server: ManagerServerHandle?
    private let idle = Mutex(IdleConnections())

    /// How long a new connection may take to connect and authenticate.
    static let connectTimeout = Duration.seconds(30)
    /// Idle connections kept for later calls; more are closed.
    static let maximumIdleCount = 16

    private struct IdleConnections: ~Copyable {
        var connections: [Connection] = []
        var generation = cmp_fork_generation()

        /// An idle connection of this process, if any.
        mutating func take() -> Connection? {
            let current = cmp_fork_generation()
            if generation != current {
                // Forked: these belong to the parent's conversations.
                connections.forEach { $0.descriptor.closeInForkedChild() }
                connections = []
                generation = current
            }
            return connections.popLast()
        }
    }

    private struct Key: Hashable {
        var address: ConnectionAddress
        var authKey: [UInt8]?
    }

    private struct WeakClient: @unchecked Sendable {
        weak var client: ManagerClient?
    }

    private static let table = Mutex<[Key: WeakClient]>([:])

    private init(address: ConnectionAddress, authKey: [UInt8]?, server: ManagerServerHandle?) {
        self.address = address
        self.authKey = authKey
        self.server = server
    }

    deinit {
        idle.withLock { $0.connections.forEach { $0.close() } }
    }

    /// The client of the server at `address` in this process, made if needed.
    static func shared(address: ConnectionAddress, authKey: [UInt8]?) -> ManagerClient {
        table.withLock { table in
            let key = Key(address: address, authKey: authKey)
            if let client = table[key]?.client { return client }
            let client = ManagerClient(address: address, authKey: authKey, server: nil)
            register(client, as: key, in: &table)
            return client
        }
    }

    /// The client of the process that started the server: it keeps `server` running.
    static func owner(of server: ManagerServerHandle) -> ManagerClient {
        table.withLock { table in
            let client = ManagerClient(address: server.address, authKey: server.authKey, server: server)
            register(client, as: Key(address: server.address, authKey: server.authKey), in: &table)
            return client
        }
    }

    private static func register(_ client: ManagerClient, as key: Key, in table: inout [Key: WeakClient]) {
        if table.count >= 64 { table = table.filter { $0.value.client != nil } }
        table[key] = WeakClient(client: client)
    }

    // MARK: Calls

    /// Sends `request` and returns the server's reply, in one round trip.
    ///
    /// - Throws: ``ManagerError/serverUnavailable(_:)`` if the server cannot
    ///   be reached or the connection fails during the call (the connection
    ///   is then discarded); ``ManagerError/malformedReply(_:)``.
    func call(_ request: ManagerRequest) throws(ManagerError) -> ManagerReply {
        let connection = try checkOut()
        var reply: Result<ManagerReply, MalformedMessage>?
        do {
            try connection.sendFrame { buffer, _ in request.write(to: &buffer) }
            try connection.receiveFrame { frame in
                frame.descriptors.discard()
                reply = frame.payload.withBytes { bytes in
                    Result { () throws(MalformedMessage) in try ManagerReply.read(from: bytes) }
                }
            }
        } catch {
            connection.close()
            throw .serverUnavailable(error)
        }
        switch reply! {
        case let .success(reply):
            checkIn(connection)
            return reply
        case let .failure(error):
            connection.close()  // out of step with the server
            throw .malformedReply(error.description)
        }
    }

    private func checkOut() throws(ManagerError) -> Connection {
        if let connection = idle.withLock({ $0.take() }) { return connection }
        do {
            return try Connection.connect(to: address, authKey: authKey, timeout: Self.connectTimeout)
        } catch {
            throw .serverUnavailable(error)
        }
    }

    private func checkIn(_ connection: Connection) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.connections.count < Self.maximumIdleCount, idle.generation == cmp_fork_generation() else {
                return false
            }
            idle.connections.append(connection)
            return true
        }
        if !kept { connection.close() }
    }
}
