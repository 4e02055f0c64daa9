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

/// A proxy of a queue held by a ``Manager``'s server: Python's
/// `Manager().Queue()`, with ``ProcessQueue``'s vocabulary. Get one from
/// ``Manager/queue(_:of:maxSize:)``, or decode one sent inside a `Job` or a
/// message.
///
/// Unlike a ``ProcessQueue`` (shared memory, reachable by related
/// processes), it reaches any process that can connect to the server. A
/// blocked ``get()`` waits on the server over its own connection; if its
/// process goes away meanwhile, the server notices within a tenth of a
/// second and no element is lost to it.
public final class ManagedQueue<Element: Codable & Sendable>: Sendable, Codable {
    private let core: ProxyCore

    /// The queue's name on the server.
    public var name: String { core.name }

    init(name: String, client: ManagerClient) {
        core = ProxyCore(name: name, client: client)
    }

    public init(from decoder: any Decoder) throws {
        core = try ProxyCore(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try core.encode(to: encoder)
    }

    /// Adds `element`, waiting while the queue is full.
    ///
    /// - Throws: ``QueueError/shutDown``; ``ManagerError``.
    public func put(_ element: Element) throws {
        try put(element, timeout: nil)
    }

    /// Adds `element`, waiting at most `timeout` for room.
    ///
    /// - Throws: ``QueueError/full`` if the timeout passed; as ``put(_:)``.
    public func put(_ element: Element, timeout: Duration) throws {
        try put(element, timeout: Optional(timeout))
    }

    /// Adds `element` if there is room now.
    ///
    /// - Returns: `false` if the queue is full or shut down, or the call
    ///   failed; use ``put(_:timeout:)`` with `.zero` to learn which.
    @discardableResult
    public func tryPut(_ element: Element) -> Bool {
        (try? put(element, timeout: .zero)) != nil
    }

    /// Removes and returns the next element, waiting while the queue is empty.
    ///
    /// - Throws: ``QueueError/shutDown`` once the queue is shut down and empty; ``ManagerError``.
    public func get() throws -> Element {
        try get(timeout: nil)
    }

    /// Removes and returns the next element, waiting at most `timeout`.
    ///
    /// - Throws: ``QueueError/empty`` if the timeout passed; as ``get()``.
    public func get(timeout: Duration) throws -> Element {
        try get(timeout: Optional(timeout))
    }

    /// Removes and returns the next element if there is one now.
    ///
    /// - Returns: `nil` if the queue is empty, or the call failed.
    public func tryGet() -> Element? {
        try? get(timeout: .zero)
    }

    /// Removes up to `count` elements at once, in order, waiting for the first.
    ///
    /// - Parameters:
    ///   - count: the most elements to return (at least 1; fewer traps).
    ///   - timeout: how long to wait for the first element; `nil` waits forever.
    /// - Returns: 1 to `count` elements; empty if the timeout passed (not an error).
    /// - Throws: ``QueueError/shutDown`` once the queue is shut down and empty; ``ManagerError``.
    public func get(upTo count: Int, timeout: Duration?) throws -> [Element] {
        precondition(count >= 1, "get(upTo:) needs a count of at least 1")
        let operation = ManagerRequest.Operation.queueGetMany(
            count: UInt32(clamping: count), timeout: WireTimeout.encode(timeout))
        return try core.call(operation) { reply -> [[UInt8]]? in
            if case let .values(values) = reply { values } else { nil }
        }.map { try core.decoded(Element.self, $0) }
    }

    /// How many elements are queued.
    public var count: Int {
        get throws {
            try core.call(.queueCount) { reply -> Int? in
                if case let .count(count) = reply { Int(clamping: count) } else { nil }
            }
        }
    }

    /// Whether the queue is empty.
    public var isEmpty: Bool {
        get throws { try count == 0 }
    }

    /// Shuts the queue down for every process: later puts throw
    /// ``QueueError/shutDown`` and blocked ones wake; gets return what is
    /// left, then throw. `immediate` also drops what is queued.
    ///
    /// - Throws: ``ManagerError``. Shutting down twice is not an error.
    public func shutdown(immediate: Bool = false) throws {
        try core.perform(.queueShutdown(immediate: immediate))
    }

    private func put(_ element: Element, timeout: Duration?) throws {
        try core.perform(.queuePut(timeout: WireTimeout.encode(timeout), value: try core.encoded(element)))
    }

    private func get(timeout: Duration?) throws -> Element {
        try core.decoded(
            Element.self,
            try core.call(.queueGet(timeout: WireTimeout.encode(timeout))) { reply -> [UInt8]? in
                if case let .value(value) = reply { value } else { nil }
            })
    }
}
