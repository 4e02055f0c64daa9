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

internal import CMultiprocessingPlatform
package import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

// Descriptors travelling beside a stream socket's bytes (`SCM_RIGHTS`), as
// Linux's Unix-domain stream sockets carry them:
//
// - Sending: the descriptors of one `sendmsg` are attached to the first byte
//   it sends. They went if and only if the call sent a byte; a call that
//   fails (`EAGAIN` included) sent neither bytes nor descriptors.
// - Receiving: a `recvmsg` returns the descriptors attached to a byte it
//   returns, with that read. It may return bytes sent before that byte
//   (without descriptors), but it stops at the end of the first buffer that
//   carried descriptors, so one read never brings the descriptors of two
//   `sendmsg` calls (`unix_stream_read_generic` in net/unix/af_unix.c).
//   Which of the bytes read they belong to is up to the protocol above (the
//   framing says how many descriptors each frame carries).
// - At most 253 descriptors (`SCM_MAX_FD`) travel per `sendmsg`.
// - A receiver at its open-file limit gets fewer than were sent and the flag
//   `MSG_CTRUNC`; the kernel closes the rest.

/// Descriptors to send with one byte of an outgoing stream: the `sendmsg`
/// that starts at ``offset`` carries them and sends no byte at or past
/// ``end``, so that they arrive with a read that ends at or before ``end``
/// (a read stops at the end of the buffer that carried them: the framing
/// above ties them to a frame by that).
package struct DescriptorAttachment: Sendable, Equatable {
    /// The byte the descriptors travel with, as an offset in the outgoing bytes.
    package var offset: Int
    /// Where the call that carries them stops: the end of their message.
    package var end: Int
    /// At most ``maximumPerCall`` descriptors; the sender keeps them (the
    /// receiver gets duplicates).
    package var descriptors: ArraySlice<Int32>

    /// The most descriptors one `sendmsg` carries (the kernel's `SCM_MAX_FD`).
    package static let maximumPerCall = Int(CMPP_MAX_DESCRIPTORS_PER_CALL)

    package init(offset: Int, end: Int, descriptors: ArraySlice<Int32>) {
        self.offset = offset
        self.end = end
        self.descriptors = descriptors
    }

    /// The attachments that carry `descriptors` with the `count` bytes of a
    /// message at `offset`: one with the message, or, past
    /// ``maximumPerCall``, one batch with each of its first bytes (one
    /// `sendmsg` of one byte each, the last one with the rest).
    ///
    /// - Throws: `Errno.invalidArgument` (what the kernel answers to too many
    ///   descriptors) if the message has fewer bytes than batches.
    package static func spreading(_ descriptors: [Int32], overMessageAt offset: Int, count: Int)
        throws(Errno) -> [DescriptorAttachment]
    {
        let starts = Array(stride(from: 0, to: descriptors.count, by: maximumPerCall))
        guard starts.count <= count else { throw .invalidArgument }
        return starts.enumerated().map { index, start in
            DescriptorAttachment(
                offset: offset + index,
                end: index == starts.count - 1 ? offset + count : offset + index + 1,
                descriptors: descriptors[start..<min(start + maximumPerCall, descriptors.count)])
        }
    }
}

/// Descriptors that arrived with one read.
package struct ArrivedDescriptors: Sendable {
    /// Close-on-exec, owned by the caller from now on.
    package var descriptors: [Int32]
    /// The kernel could not install every descriptor sent (`MSG_CTRUNC`:
    /// the open-file limit); `descriptors` holds those it did.
    package var truncated: Bool
}

extension SocketIO {
    /// Sends what the socket takes of `bytes[offset...]` (without blocking if
    /// `nonBlocking`: a full buffer throws `Errno.wouldBlock`) in one call,
    /// which stops short of the next attachment's byte, or carries the
    /// attachment at `offset` and stops at its end. Removes the attachment
    /// that went from the front of `attachments`, which is sorted by offset
    /// and has none before `offset`. Returns the number of bytes sent.
    ///
    /// The corresponding C functions are `send` and `sendmsg` with
    /// `SCM_RIGHTS` (with `MSG_NOSIGNAL`).
    package static func sendSome(
        _ socket: Int32, _ bytes: UnsafeRawBufferPointer, from offset: Int,
        attachments: inout [DescriptorAttachment], nonBlocking: Bool
    ) throws(Errno) -> Int {
        let flags = Int32(MSG_NOSIGNAL) | (nonBlocking ? Int32(MSG_DONTWAIT) : 0)
        guard let first = attachments.first, first.offset == offset else {
            let end = attachments.first?.offset ?? bytes.count
            return try valueOrErrno { send(socket, bytes.baseAddress! + offset, end - offset, flags) }
        }
        let end = min(first.end, bytes.count)
        let sent = try first.descriptors.withUnsafeBufferPointer { descriptors throws(Errno) in
            try valueOrErrno {
                cmpp_send_with_descriptors(
                    socket, bytes.baseAddress! + offset, end - offset,
                    descriptors.baseAddress, Int32(descriptors.count), flags)
            }
        }
        attachments.removeFirst()
        return sent
    }

    /// Writes all of `bytes`, each attachment's descriptors with its byte;
    /// partial writes are continued and `EINTR` is retried.
    ///
    /// - Throws: the `Errno` of the failed call (`EPIPE` or `ECONNRESET` when
    ///   the peer is gone; `ETOOMANYREFS` when too many descriptors are in
    ///   flight to processes that have not read them yet).
    ///
    /// The corresponding C function is `sendmsg` with `SCM_RIGHTS` (with `MSG_NOSIGNAL`).
    package static func writeAll(
        _ socket: Int32, _ bytes: UnsafeRawBufferPointer, attachments: [DescriptorAttachment]
    ) throws(Errno) {
        var attachments = attachments
        var offset = 0
        while offset < bytes.count {
            offset += try sendSome(socket, bytes, from: offset, attachments: &attachments, nonBlocking: false)
        }
    }

    /// ``readSome(_:into:nonBlocking:)`` that also receives the descriptors
    /// travelling with the bytes read: `nil` when none came (and the kernel
    /// dropped none).
    ///
    /// The corresponding C function is `recvmsg` (with `MSG_CMSG_CLOEXEC`).
    package static func readSome(
        _ socket: Int32, into buffer: UnsafeMutableRawBufferPointer, nonBlocking: Bool,
        arrived: inout ArrivedDescriptors?
    ) throws(Errno) -> Int {
        guard buffer.count > 0 else { return 0 }
        let flags = nonBlocking ? Int32(MSG_DONTWAIT) : 0
        return try withUnsafeTemporaryAllocation(of: Int32.self, capacity: DescriptorAttachment.maximumPerCall) {
            received throws(Errno) in
            var count: Int32 = 0
            var truncated: Int32 = 0
            let read = try valueOrErrno {
                cmpp_receive_with_descriptors(
                    socket, buffer.baseAddress, buffer.count, flags,
                    received.baseAddress, &count, &truncated)
            }
            if count > 0 || truncated != 0 {
                arrived = ArrivedDescriptors(descriptors: Array(received[..<Int(count)]), truncated: truncated != 0)
            }
            return read
        }
    }
}
