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

/// Where a ``Listener`` listens and ``Connection/connect(to:authKey:timeout:)``
/// connects: Python's `multiprocessing.connection` address families.
///
/// ```swift
/// let listener = try Listener(address: .tcp(host: "127.0.0.1", port: 0), authKey: key)
/// print(listener.address)            // tcp://127.0.0.1:40417, the port the system chose
/// ```
///
/// - ``unix(path:)`` is a socket file: reachable by every process that may
///   open the path, removed by ``Listener/close()``. Python's
///   `'/tmp/service.sock'` (`AF_UNIX`).
/// - ``abstract(name:)`` is a socket in Linux's abstract namespace: no file,
///   nothing to remove, gone with the listener; reachable by every process
///   of the same network namespace. Python's `'\0name'`.
/// - ``tcp(host:port:)`` is a TCP socket; `host` is a name (`localhost`) or
///   an IPv4 or IPv6 literal (`127.0.0.1`, `::1`). Python's `('host', port)`
///   (`AF_INET`). Port 0 asks the system for a free port.
///
/// A path or name holds at most 107 bytes of UTF-8 (the kernel's limit).
public enum ConnectionAddress: Sendable, Hashable, CustomStringConvertible {
    /// A Unix-domain socket file at `path`.
    case unix(path: String)
    /// A Unix-domain socket named `name` in Linux's abstract namespace.
    case abstract(name: String)
    /// A TCP socket at `host` (a name, or an IPv4 or IPv6 literal) and `port`.
    case tcp(host: String, port: UInt16)

    /// `unix:///path`, `unix-abstract:name` or `tcp://host:port` (IPv6 hosts in brackets).
    public var description: String {
        switch self {
        case let .unix(path): "unix://\(path)"
        case let .abstract(name): "unix-abstract:\(name)"
        case let .tcp(host, port) where host.contains(":"): "tcp://[\(host)]:\(port)"
        case let .tcp(host, port): "tcp://\(host):\(port)"
        }
    }
}

/// A proxy of a ``Manager`` carries its address across processes.
extension ConnectionAddress: Codable {}
