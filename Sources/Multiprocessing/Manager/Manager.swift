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

#if canImport(Glibc)
    public import Glibc
#endif

/// Objects that live in a server process and are used through proxies from
/// any process that connects: Python's `multiprocessing.Manager`.
///
/// ```swift
/// let manager = try Manager()
/// let scores = try manager.dictionary("scores", of: [String: Int].self)
/// let pool = try ProcessPool()
/// _ = try await pool.map(players.map { Play(player: $0, scores: scores) })  // workers write into it
/// print(try scores.snapshot())
/// ```
///
/// ``init(address:authKey:)`` starts the server: a process of this
/// executable, spawned (safe whatever threads run), that dies with this
/// process, even one killed with `SIGKILL`. ``init(connectingTo:authKey:)``
/// uses a server another process started, given its address and key.
///
/// The objects are named and typed: ``dictionary(_:of:)``,
/// ``list(_:of:)`` and ``queue(_:of:maxSize:)`` make the object if it does
/// not exist yet, or return a proxy of the existing one (asking for it with
/// other types is ``ManagerError/typeMismatch(name:existing:requested:)``).
/// A proxy is `Codable`: it reaches pool workers inside `Job`s, carrying the
/// server's address and key (so whoever can read the job can use the
/// server). Every call on a proxy is one round trip to the server over an
/// authenticated connection, kept open for the next call.
///
/// The server keeps keys, values and elements in their encoding and never
/// decodes them (unlike Python's, it runs no code a client sends): a
/// dictionary's keys are equal when their encodings are, which holds for
/// strings, numbers and structures of them, not for sets (whose order
/// varies between processes).
///
/// Differences from Python: objects are named and typed; `update` is an
/// atomic read-modify-write; a proxy whose server is gone throws
/// ``ManagerError/serverUnavailable(_:)`` instead of hanging; proxies hold
/// no reference count on the server (dropping thousands leaks nothing).
public final class Manager: Sendable {
    /// The server's address, for other processes' ``init(connectingTo:authKey:)``.
    public let address: ConnectionAddress
    /// The key clients prove they hold (the one given, or a random one).
    public let authKey: [UInt8]?
    /// The server process's ID.
    public let pid: pid_t

    private let client: ManagerClient
    /// Set when this manager started the server.
    private let server: ManagerServerHandle?

    /// Starts a server process and connects to it.
    ///
    /// - Parameters:
    ///   - address: where the server listens; `nil` for a fresh name in
    ///     Linux's abstract namespace (no file to clean up). A Unix path or
    ///     a TCP address lets processes started separately connect.
    ///   - authKey: the key clients must prove they hold; `nil` for 32
    ///     random bytes (read it from ``authKey`` to hand to others).
    /// - Throws: ``ListenerError`` if the address cannot be bound (nothing
    ///   is started); ``ChildProcessError/spawnFailed(_:)``; ``ManagerError``
    ///   if the new server does not answer.
    public init(address: ConnectionAddress? = nil, authKey: [UInt8]? = nil) throws {
        var generator = SystemRandomNumberGenerator()
        let key = authKey ?? (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let address =
            address
            ?? .abstract(
                name: "swift-multiprocessing-manager-\(getpid())-\(UInt64.random(in: .min ... .max, using: &generator))"
            )
        let server = try ManagerServerHandle(
            address: address, authKey: key, handshakeTimeout: Connection.defaultHandshakeTimeout)
        self.server = server
        self.address = server.address
        self.authKey = key
        self.client = ManagerClient.owner(of: server)
        self.pid = server.pid
    }

    /// Connects to the server another process started at `address`.
    ///
    /// - Throws: ``ManagerError/serverUnavailable(_:)`` if it cannot be
    ///   reached or authenticated; ``ManagerError/malformedReply(_:)`` if
    ///   what answers is not a manager.
    public init(connectingTo address: ConnectionAddress, authKey: [UInt8]? = nil) throws {
        self.address = address
        self.authKey = authKey
        self.server = nil
        self.client = ManagerClient.shared(address: address, authKey: authKey)
        guard case let .processID(pid) = try client.call(ManagerRequest(name: "", operation: .hello)) else {
            throw ManagerError.malformedReply("no process ID in the answer to hello")
        }
        self.pid = pid
    }

    /// A proxy of the dictionary named `name`, made empty if it does not exist.
    ///
    /// - Throws: ``ManagerError/typeMismatch(name:existing:requested:)`` if
    ///   an object of that name exists with another kind or types;
    ///   ``ManagerError/serverUnavailable(_:)``.
    public func dictionary<Key: Codable & Hashable & Sendable, Value: Codable & Sendable>(
        _ name: String, of _: [Key: Value].Type
    ) throws -> SharedDictionary<Key, Value> {
        try declare(name, .dictionary, "\(String(reflecting: Key.self)): \(String(reflecting: Value.self))")
        return SharedDictionary(name: name, client: client)
    }

    /// A proxy of the list named `name`, made empty if it does not exist.
    ///
    /// - Throws: as ``dictionary(_:of:)``.
    public func list<Element: Codable & Sendable>(_ name: String, of _: [Element].Type) throws -> SharedList<Element> {
        try declare(name, .list, String(reflecting: Element.self))
        return SharedList(name: name, client: client)
    }

    /// A proxy of the queue named `name`, made empty if it does not exist.
    ///
    /// - Parameter maxSize: for a new queue, the most elements it holds
    ///   (0: unbounded); ignored for an existing one.
    /// - Throws: as ``dictionary(_:of:)``.
    public func queue<Element: Codable & Sendable>(_ name: String, of _: Element.Type, maxSize: Int = 0) throws
        -> ManagedQueue<Element>
    {
        try declare(name, .queue, String(reflecting: Element.self), maxSize: maxSize)
        return ManagedQueue(name: name, client: client)
    }

    /// Stops the server (when this manager started it) and waits for its
    /// process to end; proxies then throw ``ManagerError/serverUnavailable(_:)``.
    /// For a manager made with ``init(connectingTo:authKey:)`` it asks the
    /// server to stop as well, as Python's `shutdown` does. Idempotent.
    public func shutdown() {
        if let server {
            server.stop()
        } else {
            _ = try? client.call(ManagerRequest(name: "", operation: .shutdown))
        }
    }

    private func declare(_ name: String, _ kind: ManagedObjectKind, _ signature: String, maxSize: Int = 0) throws {
        let reply = try client.call(
            ManagerRequest(
                name: name, operation: .declare(kind: kind, signature: signature, maxSize: UInt64(max(maxSize, 0)))))
        switch reply {
        case .done: return
        case let .typeMismatch(existing, requested):
            throw ManagerError.typeMismatch(name: name, existing: existing, requested: requested)
        default:
            throw reply.unexpected(name: name)
        }
    }
}

extension ManagerReply {
    /// The error a proxy throws for a reply it cannot use.
    func unexpected(name: String) -> any Error {
        switch self {
        case .noSuchObject: ManagerError.noSuchObject(name)
        case let .typeMismatch(existing, requested):
            ManagerError.typeMismatch(name: name, existing: existing, requested: requested)
        case let .indexOutOfRange(index, count):
            ManagerError.indexOutOfRange(index: Int(clamping: index), count: Int(clamping: count))
        case .queueEmpty: QueueError.empty
        case .queueFull: QueueError.full
        case .queueShutDown: QueueError.shutDown
        case let .malformedRequest(reason): ManagerError.malformedReply("the server refused the request: \(reason)")
        default: ManagerError.malformedReply("an unexpected reply")
        }
    }
}
