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

/// A proxy of a dictionary held by a ``Manager``'s server: Python's
/// `Manager().dict()`. Get one from ``Manager/dictionary(_:of:)``, or decode
/// one sent inside a `Job` or a message.
///
/// Every call is one round trip to the server, atomic there: two processes
/// that set the same key leave one of the two values, never a mixture. A
/// read-modify-write (`d[k] += 1`) made of a get and a set is not atomic; use
/// ``update(_:_:)``.
///
/// The subscript is for convenience: it cannot throw, so a failure (the
/// server gone) traps with a message that says so; ``value(forKey:)`` and
/// ``setValue(_:forKey:)`` throw instead.
public final class SharedDictionary<Key: Codable & Hashable & Sendable, Value: Codable & Sendable>: Sendable, Codable {
    private let core: ProxyCore

    /// The dictionary's name on the server.
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

    /// The value for `key`, or `nil` if there is none (not an error).
    ///
    /// - Throws: ``ManagerError`` (the server unreachable, a value that does not decode).
    public func value(forKey key: Key) throws -> Value? {
        let current = try entry(key)
        return try current.value.map { try core.decoded(Value.self, $0) }
    }

    /// Sets the value for `key`.
    ///
    /// - Throws: ``ManagerError``.
    public func setValue(_ value: Value, forKey key: Key) throws {
        try core.perform(.dictionarySet(key: try core.encoded(key), value: try core.encoded(value)))
    }

    /// Removes `key` and returns its value, or `nil` if it had none (not an error).
    ///
    /// - Throws: ``ManagerError``.
    @discardableResult
    public func removeValue(forKey key: Key) throws -> Value? {
        let removed = try core.call(.dictionaryRemove(key: try core.encoded(key))) { reply -> [UInt8]?? in
            if case let .entry(_, value) = reply { value } else { nil }
        }
        return try removed.map { try core.decoded(Value.self, $0) }
    }

    /// Changes the value for `key` atomically: `body` gets the current value
    /// (`nil` if none) and changes it (`nil` removes the key); the result is
    /// stored only if nobody changed the entry meanwhile, and otherwise
    /// `body` runs again on the newer value (compare-and-swap on the server).
    /// So `body` may run more than once: keep it free of side effects.
    ///
    /// ```swift
    /// try hits.update("/index.html") { $0 = ($0 ?? 0) + 1 }
    /// ```
    ///
    /// - Returns: the value stored.
    /// - Throws: ``ManagerError``.
    @discardableResult
    public func update(_ key: Key, _ body: (inout Value?) throws -> Void) throws -> Value? {
        let encodedKey = try core.encoded(key)
        var current = try entry(key)
        while true {
            var value = try current.value.map { try core.decoded(Value.self, $0) }
            try body(&value)
            let operation = ManagerRequest.Operation.dictionaryCompareAndSet(
                key: encodedKey, expectedVersion: current.version, value: try value.map { try core.encoded($0) })
            let conflict = try core.call(operation) { reply -> (version: UInt64, value: [UInt8]?)?? in
                switch reply {
                case .done: .some(nil)
                case let .conflict(version, value): (version, value)
                default: nil
                }
            }
            guard let conflict else { return value }
            current = conflict
        }
    }

    /// How many entries there are.
    public var count: Int {
        get throws {
            try core.call(.dictionaryCount) { reply -> Int? in
                if case let .count(count) = reply { Int(clamping: count) } else { nil }
            }
        }
    }

    /// The keys, in no particular order.
    public var keys: [Key] {
        get throws { try pairs().map { try core.decoded(Key.self, $0.0) } }
    }

    /// A copy of the whole dictionary, taken atomically.
    ///
    /// - Throws: ``ManagerError``.
    public func snapshot() throws -> [Key: Value] {
        var result: [Key: Value] = [:]
        for (key, value) in try pairs() {
            result[try core.decoded(Key.self, key)] = try core.decoded(Value.self, value)
        }
        return result
    }

    /// The value for `key`; setting `nil` removes it. A failure traps (see
    /// the type's discussion): use ``value(forKey:)``, ``setValue(_:forKey:)``
    /// and ``removeValue(forKey:)`` to handle errors.
    public subscript(key: Key) -> Value? {
        get {
            do { return try value(forKey: key) } catch { core.subscriptFailure(error, "value(forKey:)") }
        }
        set {
            do {
                if let newValue { try setValue(newValue, forKey: key) } else { try removeValue(forKey: key) }
            } catch {
                core.subscriptFailure(error, "setValue(_:forKey:)")
            }
        }
    }

    // MARK: Internals

    private func entry(_ key: Key) throws -> (version: UInt64, value: [UInt8]?) {
        try core.call(.dictionaryGet(key: try core.encoded(key))) { reply -> (version: UInt64, value: [UInt8]?)? in
            if case let .entry(version, value) = reply { (version, value) } else { nil }
        }
    }

    private func pairs() throws -> [([UInt8], [UInt8])] {
        try core.call(.dictionaryItems) { reply -> [([UInt8], [UInt8])]? in
            if case let .pairs(pairs) = reply { pairs } else { nil }
        }
    }
}
