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
    import Glibc
#endif

/// Whole-buffer reads and writes on a stream socket: partial transfers are
/// continued, `EINTR` is retried, and a write to a vanished peer is the error
/// `EPIPE`, never the signal `SIGPIPE` (`MSG_NOSIGNAL`). Every byte the IPC
/// layer moves goes through here; the calls that carry descriptors beside the
/// bytes (`SCM_RIGHTS`) are in SocketIO+Descriptors.swift.
package enum SocketIO {
    /// Writes all of `first`, then all of `second`, gathering both into as few
    /// system calls as the kernel allows.
    ///
    /// - Throws: the `Errno` of the failed call (`EPIPE` or `ECONNRESET` when the peer is gone).
    ///
    /// The corresponding C functions are `send` and `sendmsg` (with `MSG_NOSIGNAL`).
    package static func writeAll(
        _ socket: Int32,
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(Errno) {
        if second.isEmpty {  // one buffer: `send` is a little cheaper than a message of vectors
            var offset = 0
            while offset < first.count {
                offset += try valueOrErrno {
                    send(socket, first.baseAddress! + offset, first.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            return
        }
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        try withUnsafeMutableBytes(of: &vectors) { raw throws(Errno) in
            let iov = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
            var index = advance(iov, from: 0, by: 0)  // skips empty buffers
            while index < 2 {
                var message = msghdr()
                message.msg_iov = iov + index
                message.msg_iovlen = 2 - index
                let written = try valueOrErrno { sendmsg(socket, &message, Int32(MSG_NOSIGNAL)) }
                index = advance(iov, from: index, by: written)
            }
        }
    }

    /// Reads at most `buffer.count` bytes and returns how many it read: 0 only
    /// at end of stream. Blocks until at least one byte is available, unless
    /// `nonBlocking`, which throws `Errno.wouldBlock` instead.
    ///
    /// The corresponding C function is `recv`.
    package static func readSome(
        _ socket: Int32, into buffer: UnsafeMutableRawBufferPointer, nonBlocking: Bool = false
    ) throws(Errno) -> Int {
        guard buffer.count > 0 else { return 0 }
        return try valueOrErrno {
            recv(socket, buffer.baseAddress, buffer.count, nonBlocking ? Int32(MSG_DONTWAIT) : 0)
        }
    }

    /// Skips the `written` bytes in the vectors from `index` on; returns the first vector with bytes left.
    private static func advance(_ iov: UnsafeMutablePointer<iovec>, from index: Int, by written: Int) -> Int {
        var index = index
        var written = written
        while index < 2 {
            let length = iov[index].iov_len
            if written < length {
                iov[index].iov_base = iov[index].iov_base.map { $0 + written }
                iov[index].iov_len = length - written
                return index
            }
            written -= length
            index += 1
        }
        return index
    }
}
