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

#if canImport(Glibc)
    import Glibc
#endif

/// The baseline: a socket pair configured as `Pipe` configures its sockets,
/// and the same length-prefixed framing written directly with `sendmsg` and
/// `recv` into buffers reused across messages — what a careful C program
/// would do, with no library in between.
struct RawChannel {
    let fd: Int32

    /// A connected pair with the options `Pipe` uses (close-on-exec, send buffer).
    static func makePair() -> (RawChannel, RawChannel) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            fatalError("socketpair: \(errno)")
        }
        var size: Int32 = 2 << 20
        for fd in fds {
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        return (RawChannel(fd: fds[0]), RawChannel(fd: fds[1]))
    }

    func close() { _ = Glibc.close(fd) }

    /// Sends a 4-byte big-endian length (Python's short header) and the payload in one `sendmsg`.
    func send(_ payload: UnsafeRawBufferPointer) {
        var header = UInt32(payload.count).bigEndian
        withUnsafeMutableBytes(of: &header) { head in
            var vectors = [
                iovec(iov_base: head.baseAddress, iov_len: 4),
                iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress), iov_len: payload.count),
            ]
            var remaining = 4 + payload.count
            var index = 0
            while remaining > 0 {
                let written = vectors.withUnsafeMutableBufferPointer { iov -> Int in
                    var message = msghdr()
                    message.msg_iov = iov.baseAddress! + index
                    message.msg_iovlen = 2 - index
                    return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    fatalError("sendmsg: \(errno)")
                }
                remaining -= written
                var skip = written
                while index < 2 && skip >= vectors[index].iov_len {
                    skip -= vectors[index].iov_len
                    index += 1
                }
                if index < 2 {
                    vectors[index].iov_base += skip
                    vectors[index].iov_len -= skip
                }
            }
        }
    }

    /// Receives one frame into `buffer` (grown if needed); returns its length, or nil at end of stream.
    func receive(into buffer: inout [UInt8]) -> Int? {
        var header: UInt32 = 0
        let got = withUnsafeMutableBytes(of: &header) { readExactly($0) }
        guard got else { return nil }
        let count = Int(UInt32(bigEndian: header))
        if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
        let complete = buffer.withUnsafeMutableBytes {
            readExactly(UnsafeMutableRawBufferPointer(rebasing: $0[..<count]))
        }
        return complete ? count : nil
    }

    private func readExactly(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = recv(fd, buffer.baseAddress! + offset, buffer.count - offset, 0)
            if count < 0 {
                if errno == EINTR { continue }
                fatalError("recv: \(errno)")
            }
            if count == 0 { return false }
            offset += count
        }
        return true
    }
}
