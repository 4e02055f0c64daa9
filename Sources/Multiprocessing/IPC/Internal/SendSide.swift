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

internal import MultiprocessingPlatform
import SystemPackage

/// The sending half of a connection: the lock that keeps two sending threads
/// from interleaving their frames, and a reusable buffer in which a Codable
/// value is encoded in place behind its header (``FrameWriter``), so that
/// header and payload leave in one system call without a copy.
///
/// On a Unix-domain socket, a value is encoded with a ``DescriptorCollector``:
/// the shared objects it holds attach their descriptors to it, and they
/// leave with the frame's first bytes (`SCM_RIGHTS`).
final class SendSide: @unchecked Sendable {
    /// A buffer that grew past this is released after its message, so one
    /// large message does not pin its memory for the connection's lifetime.
    static let retainedCapacity = 1 << 20

    private let lock = PThreadMutex()
    private var buffer: [UInt8] = []
    /// Collects the descriptors of the value being encoded (message after
    /// message, under the lock).
    private let outgoing = OutgoingDescriptors()

    /// Sends one frame whose payload `encode` appends to the buffer it is
    /// given, collecting descriptors if `passingDescriptors`.
    func send(
        to fd: Int32, passingDescriptors: Bool,
        encode: (inout [UInt8], DescriptorCollector) throws(ConnectionError) -> Void
    ) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        defer {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
        }
        let collector = DescriptorCollector(outgoing: passingDescriptors ? outgoing : nil)
        defer { if passingDescriptors { outgoing.removeAll() } }
        try FrameWriter.append(to: &buffer, descriptors: passingDescriptors ? outgoing.count : 0) {
            buffer throws(ConnectionError) in
            try encode(&buffer, collector)
        }
        let descriptors = passingDescriptors ? outgoing.descriptors : []
        try buffer.withBytes { bytes throws(ConnectionError) in
            if descriptors.isEmpty {
                try write(fd, bytes)
            } else {
                try write(fd, bytes, attaching: descriptors)
            }
        }
    }

    /// Sends `payload` as one frame: the header and the caller's bytes leave
    /// together in one gathering write, with no copy.
    func send(to fd: Int32, payload: UnsafeRawBufferPointer) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        var header = (UInt64(0), UInt32(0))
        try withUnsafeMutableBytes(of: &header) { raw throws(ConnectionError) in
            let count = FrameHeader.encode(payloadCount: payload.count, into: raw.baseAddress!)
            try write(fd, UnsafeRawBufferPointer(rebasing: raw[..<count]), payload)
        }
    }

    /// Sends a frame with no payload that carries `descriptor` (the caller keeps it).
    func send(to fd: Int32, descriptor: Int32) throws(ConnectionError) {
        lock.lock()
        defer { lock.unlock() }
        var header = (UInt64(0), UInt64(0))
        try withUnsafeMutableBytes(of: &header) { raw throws(ConnectionError) in
            let count = FrameHeader.encode(payloadCount: 0, descriptors: 1, into: raw.baseAddress!)
            try write(fd, UnsafeRawBufferPointer(rebasing: raw[..<count]), attaching: [descriptor])
        }
    }

    private func write(
        _ fd: Int32,
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    ) throws(ConnectionError) {
        do {
            try SocketIO.writeAll(fd, first, second)
        } catch {
            throw Self.sendError(error, operation: "send")
        }
    }

    /// Writes the frame `bytes` with `descriptors` attached to its first bytes.
    private func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, attaching descriptors: [Int32])
        throws(ConnectionError)
    {
        do {
            let attachments = try DescriptorAttachment.spreading(descriptors, overMessageAt: 0, count: bytes.count)
            try SocketIO.writeAll(fd, bytes, attachments: attachments)
        } catch {
            throw Self.sendError(error, operation: "sendmsg")
        }
    }

    private static func sendError(_ error: Errno, operation: String) -> ConnectionError {
        error == .brokenPipe || error == .connectionReset ? .peerClosed : .system(operation: operation, errno: error)
    }
}
