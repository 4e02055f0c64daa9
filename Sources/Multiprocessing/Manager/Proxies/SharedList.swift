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

/// A proxy of a list held by a ``Manager``'s server: Python's
/// `Manager().list()`. Get one from ``Manager/list(_:of:)``, or decode one
/// sent inside a `Job` or a message. Every call is one atomic round trip.
///
/// The subscript is for convenience: it cannot throw, so a failure (an index
/// out of range, the server gone) traps with a message that says so;
/// ``element(at:)`` and ``setElement(_:at:)`` throw instead.
public final class SharedList<Element: Codable & Sendable>: Sendable, Codable {
    private let core: ProxyCore

    /// The list's name on the server.
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

    /// Appends `element`.
    ///
    /// - Throws: ``ManagerError``.
    public func append(_ element: Element) throws {
        try core.perform(.listAppend(value: try core.encoded(element)))
    }

    /// The element at `index`.
    ///
    /// - Throws: ``ManagerError/indexOutOfRange(index:count:)``; ``ManagerError``.
    public func element(at index: Int) throws -> Element {
        try core.decoded(Element.self, try core.call(.listGet(index: try Self.wireIndex(index, core)), Self.value))
    }

    /// Replaces the element at `index`.
    ///
    /// - Throws: as ``element(at:)``.
    public func setElement(_ element: Element, at index: Int) throws {
        try core.perform(.listSet(index: try Self.wireIndex(index, core), value: try core.encoded(element)))
    }

    /// Removes and returns the element at `index`.
    ///
    /// - Throws: as ``element(at:)``.
    @discardableResult
    public func remove(at index: Int) throws -> Element {
        try core.decoded(Element.self, try core.call(.listRemove(index: try Self.wireIndex(index, core)), Self.value))
    }

    /// How many elements there are.
    public var count: Int {
        get throws {
            try core.call(.listCount) { reply -> Int? in
                if case let .count(count) = reply { Int(clamping: count) } else { nil }
            }
        }
    }

    /// A copy of the whole list, taken atomically.
    ///
    /// - Throws: ``ManagerError``.
    public func snapshot() throws -> [Element] {
        try core.call(.listItems) { reply -> [[UInt8]]? in
            if case let .values(values) = reply { values } else { nil }
        }.map { try core.decoded(Element.self, $0) }
    }

    /// The element at `index`. A failure traps (see the type's discussion):
    /// use ``element(at:)`` and ``setElement(_:at:)`` to handle errors.
    public subscript(index: Int) -> Element {
        get {
            do { return try element(at: index) } catch { core.subscriptFailure(error, "element(at:)") }
        }
        set {
            do { try setElement(newValue, at: index) } catch { core.subscriptFailure(error, "setElement(_:at:)") }
        }
    }

    private static func value(_ reply: ManagerReply) -> [UInt8]? {
        if case let .value(value) = reply { value } else { nil }
    }

    private static func wireIndex(_ index: Int, _ core: ProxyCore) throws(ManagerError) -> UInt64 {
        guard index >= 0 else { throw .indexOutOfRange(index: index, count: -1) }
        return UInt64(index)
    }
}
