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

public import SystemPackage

/// Why a ``Listener`` could not be made or could not accept.
///
/// It is an enum for the reasons ``ProcessPoolError`` gives.
public enum ListenerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another listener holds the address: a live listener's socket file at
    /// the path (it answered a probe), or a TCP port already bound. Nothing
    /// was removed.
    case addressInUse(ConnectionAddress)
    /// The path names something that is not a socket (a regular file, a
    /// directory): it is left as it was.
    case pathIsNotASocket(String)
    /// The address cannot be used: a path or name too long, a host that does
    /// not resolve.
    case invalidAddress(String)
    /// ``Listener/close()`` was called (before or during the accept).
    case closed
    /// A system call failed for a reason not covered above (for instance
    /// `accept` with `EMFILE`: this process is out of descriptors; the
    /// listener stays usable).
    case system(operation: String, errno: Errno)

    public var description: String {
        switch self {
        case let .addressInUse(address): "\(address) is in use by another listener"
        case let .pathIsNotASocket(path): "\(path) exists and is not a socket; it was left alone"
        case let .invalidAddress(reason): "invalid address: \(reason)"
        case .closed: "the listener is closed"
        case let .system(operation, errno): "\(operation) failed: \(errno)"
        }
    }
}
