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

package import SystemPackage

#if canImport(Glibc)
    package import Glibc
#endif

/// A socket address ready for `bind(2)` and `connect(2)`: a Unix-domain path,
/// a Linux abstract name, or an IPv4 or IPv6 address and port, held in a
/// `sockaddr_storage` with its length.
package struct SocketAddress: Sendable {
    /// Why an address could not be made.
    package enum Failure: Error, Sendable, Equatable {
        /// The path or abstract name does not fit in `sun_path` (108 bytes,
        /// a path's terminating NUL included).
        case tooLong(limit: Int)
        /// The path or name contains a NUL byte, or is empty.
        case invalidName
        /// `getaddrinfo` did not resolve the host; `reason` is its `gai_strerror` text.
        case unresolvable(reason: String)
    }

    private var storage = sockaddr_storage()
    package private(set) var length: socklen_t

    /// The address family: `AF_UNIX`, `AF_INET` or `AF_INET6`.
    package var family: Int32 { Int32(storage.ss_family) }

    private init(length: socklen_t) {
        self.length = length
    }

    /// The bytes `sun_path` holds at most.
    private static let unixPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// A Unix-domain socket at a path in the file system.
    package static func unix(path: String) throws(Failure) -> SocketAddress {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else { throw .invalidName }
        guard bytes.count < unixPathCapacity else { throw .tooLong(limit: unixPathCapacity - 1) }
        return unixAddress(pathBytes: bytes)
    }

    /// A socket in Linux's abstract namespace: no file, gone with its last
    /// descriptor. The name is stored after a leading NUL byte.
    package static func abstract(name: String) throws(Failure) -> SocketAddress {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else { throw .invalidName }
        guard bytes.count < unixPathCapacity else { throw .tooLong(limit: unixPathCapacity - 1) }
        return unixAddress(pathBytes: [0] + bytes)
    }

    private static func unixAddress(pathBytes: [UInt8]) -> SocketAddress {
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        // A path is counted with its terminating NUL; an abstract name is not
        // terminated: its length is part of the name.
        let terminated = pathBytes.first != 0
        var address = SocketAddress(length: socklen_t(pathOffset + pathBytes.count + (terminated ? 1 : 0)))
        withUnsafeMutableBytes(of: &address.storage) { raw in
            raw.storeBytes(of: sa_family_t(AF_UNIX), toByteOffset: 0, as: sa_family_t.self)
            raw.baseAddress!.advanced(by: pathOffset).copyMemory(from: pathBytes, byteCount: pathBytes.count)
        }
        return address
    }

    /// The IPv4 and IPv6 addresses of `host` (a name or a numeric literal),
    /// in `getaddrinfo`'s order, with `port`. With `passive` (for a listener),
    /// an empty host means every local address.
    ///
    /// The corresponding C function is `getaddrinfo`.
    package static func resolve(host: String, port: UInt16, passive: Bool) throws(Failure) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : AI_ADDRCONFIG)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard rc == 0 else {
            let reason = rc == EAI_SYSTEM ? "\(Errno(rawValue: errno))" : String(cString: gai_strerror(rc))
            throw .unresolvable(reason: reason)
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard info.ai_family == AF_INET || info.ai_family == AF_INET6, let source = info.ai_addr,
                Int(info.ai_addrlen) <= MemoryLayout<sockaddr_storage>.size
            else { continue }
            var address = SocketAddress(length: info.ai_addrlen)
            withUnsafeMutableBytes(of: &address.storage) { raw in
                raw.baseAddress!.copyMemory(from: source, byteCount: Int(info.ai_addrlen))
            }
            addresses.append(address)
        }
        guard !addresses.isEmpty else { throw .unresolvable(reason: "no IPv4 or IPv6 address") }
        return addresses
    }

    /// The address a socket is bound to.
    /// The corresponding C function is `getsockname`.
    package static func local(of socket: Int32) throws(Errno) -> SocketAddress {
        var address = SocketAddress(length: socklen_t(MemoryLayout<sockaddr_storage>.size))
        try withUnsafeMutableBytes(of: &address.storage) { raw throws(Errno) in
            let pointer = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            try nothingOrErrno { getsockname(socket, pointer, &address.length) }
        }
        return address
    }

    /// The port of an IPv4 or IPv6 address; `nil` for a Unix-domain one.
    package var port: UInt16? {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            case AF_INET6: UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            default: nil
            }
        }
    }

    /// The numeric host of an IPv4 or IPv6 address ("127.0.0.1", "::1");
    /// `nil` for a Unix-domain one. The corresponding C function is `inet_ntop`.
    package var numericHost: String? {
        withUnsafeBytes(of: storage) { raw -> String? in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            let ok: Bool
            switch family {
            case AF_INET:
                var host = raw.load(as: sockaddr_in.self).sin_addr
                ok = inet_ntop(AF_INET, &host, &text, socklen_t(text.count)) != nil
            case AF_INET6:
                var host = raw.load(as: sockaddr_in6.self).sin6_addr
                ok = inet_ntop(AF_INET6, &host, &text, socklen_t(text.count)) != nil
            default:
                return nil
            }
            return ok ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        }
    }

    /// Calls `body` with the address as the `sockaddr` pointer and length the socket calls take.
    package func withSockaddr<R, E: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R
    ) throws(E) -> R {
        var copy = storage
        return try withUnsafeBytes(of: &copy) { raw throws(E) in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
