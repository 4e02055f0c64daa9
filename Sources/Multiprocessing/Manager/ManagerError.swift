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

/// Why a ``Manager`` or one of its proxies (``SharedDictionary``,
/// ``SharedList``, ``ManagedQueue``) failed. A queue's own conditions are
/// ``QueueError`` (`empty`, `full`, `shutDown`), as for every queue; an
/// error neither side could encode or decode is reported as itself here.
///
/// It is an enum for the reasons ``ProcessPoolError`` gives.
public enum ManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manager's server cannot be reached, or went away in the middle of
    /// the call (it was shut down, killed, or its owner ended): the
    /// connection's error says how. A call whose request was sent may or may
    /// not have taken effect.
    case serverUnavailable(ConnectionError)
    /// An object of that name exists with another kind or element types.
    case typeMismatch(name: String, existing: String, requested: String)
    /// No object of that name exists on the server.
    case noSuchObject(String)
    /// A ``SharedList`` index outside `0 ..< count`.
    case indexOutOfRange(index: Int, count: Int)
    /// A key, value or element could not be encoded; nothing was sent.
    case encodingFailed(type: String, description: String)
    /// A value from the server does not decode as the proxy's type.
    case decodingFailed(type: String, description: String)
    /// The server's reply is not a reply of this protocol (a server of
    /// another version, or not a manager at all).
    case malformedReply(String)

    public var description: String {
        switch self {
        case let .serverUnavailable(error): "the manager's server is unavailable: \(error)"
        case let .typeMismatch(name, existing, requested):
            "the manager's object '\(name)' is a \(existing), not a \(requested)"
        case let .noSuchObject(name): "the manager has no object named '\(name)'"
        case let .indexOutOfRange(index, count): "index \(index) is out of range for a shared list of \(count) elements"
        case let .encodingFailed(type, description): "a value of type \(type) could not be encoded: \(description)"
        case let .decodingFailed(type, description): "a value does not decode as \(type): \(description)"
        case let .malformedReply(reason): "malformed reply from the manager: \(reason)"
        }
    }
}
