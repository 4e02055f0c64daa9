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
import Synchronization
public import SystemPackage

// Descriptors over a connection: a value's shared objects travel with their
// descriptors (`SCM_RIGHTS`, see SocketIO+Descriptors.swift and the
// descriptor form of `FrameHeader`), one open file travels with
// `send(fileDescriptor:)`, and every receive closes what it does not take.
// Each public descriptor is offered both as a C `Int32` (API.md's names) and
// as swift-system's `FileDescriptor`.

extension Connection {
    /// Sends an open descriptor — a file, a socket, a pipe, a memfd, of any
    /// kind — as one message, received with ``receiveFileDescriptor()``
    /// (swift-system's `FileDescriptor`: ``send(fileDescriptor:)-(FileDescriptor)``). The
    /// receiver gets its own descriptor for the same open file (as `dup`
    /// would make); the sender keeps `fileDescriptor` and still closes it
    /// when done with it.
    ///
    /// - Throws: ``ConnectionError/descriptorPassingUnsupported`` on a
    ///   connection that is not a Unix-domain socket (TCP);
    ///   ``ConnectionError/system(operation:errno:)`` with `EBADF` if
    ///   `fileDescriptor` is not open, or `ETOOMANYREFS` if too many
    ///   descriptors are in flight to processes that have not received them
    ///   yet; otherwise as ``sendBytes(_:)``.
    ///   The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
    public func send(fileDescriptor: Int32) throws(ConnectionError) {
        try withWritableDescriptor { fd throws(ConnectionError) in
            guard try passesDescriptors(fd) else { throw .descriptorPassingUnsupported }
            try sendSide.send(to: fd, descriptor: fileDescriptor)
        }
    }

    /// Receives a descriptor sent with ``send(fileDescriptor:)-(Int32)``,
    /// blocking until the message has arrived. The descriptor is
    /// close-on-exec and the caller's to close (as swift-system's
    /// `FileDescriptor`: ``receiveFileDescriptor(as:)``).
    ///
    /// - Throws: ``ConnectionError/noDescriptor`` when the next message
    ///   carries none, ``ConnectionError/unexpectedDescriptors(count:)`` when
    ///   it is another message that carries descriptors (a value with shared
    ///   objects): either way the message is consumed and what came with it
    ///   closed. ``ConnectionError/descriptorPassingUnsupported`` on a
    ///   connection that is not a Unix-domain socket (nothing is read);
    ///   otherwise as ``receiveBytes()``.
    ///   The corresponding C function is `recvmsg` (with `MSG_CMSG_CLOEXEC`).
    public func receiveFileDescriptor() throws(ConnectionError) -> Int32 {
        guard isReadable else { throw .notReadable }
        try requireDescriptorPassing()
        var result: Result<Int32, ConnectionError> = .failure(.noDescriptor)
        try receiveFrame { frame in
            switch frame.descriptors {
            case .none:
                result = .failure(.noDescriptor)
            case let .failed(error):
                result = .failure(ConnectionError(error))
            case let .received(incoming):
                defer { incoming.closeUnclaimed() }
                let alone = frame.payload.withBytes { $0.isEmpty } && incoming.count == 1
                if alone, let received = incoming.take(0) {
                    result = .success(received)
                } else {
                    result = .failure(.unexpectedDescriptors(count: incoming.count))
                }
            }
        }
        return try result.get()
    }

    // MARK: swift-system forms

    /// The underlying descriptor as swift-system's `FileDescriptor`: the
    /// same descriptor as ``fileDescriptor``, with the same rules (the
    /// connection owns it: do not close it; after ``close()`` the number is
    /// no longer valid).
    ///
    /// ```swift
    /// let descriptor = connection.fileDescriptor(as: FileDescriptor.self)
    /// ```
    ///
    /// Nothing is called: it is the number the connection holds.
    public func fileDescriptor(as _: FileDescriptor.Type) -> FileDescriptor {
        FileDescriptor(rawValue: fileDescriptor)
    }

    /// Sends an open descriptor as one message, as
    /// ``send(fileDescriptor:)-(Int32)`` does: the receiver gets its own
    /// descriptor for the same open file (receive it with
    /// ``receiveFileDescriptor(as:)`` or ``receiveFileDescriptor()``); the
    /// sender keeps `fileDescriptor` and still closes it when done with it.
    ///
    /// ```swift
    /// let log = try FileDescriptor.open("/var/log/app.log", .writeOnly, options: [.append, .closeOnExec])
    /// try connection.send(fileDescriptor: log)
    /// try log.close()                      // the receiver's copy stays open
    /// ```
    ///
    /// - Throws: as ``send(fileDescriptor:)-(Int32)``.
    ///   The corresponding C function is `sendmsg` with `SCM_RIGHTS`.
    public func send(fileDescriptor: FileDescriptor) throws(ConnectionError) {
        try send(fileDescriptor: fileDescriptor.rawValue)
    }

    /// Receives a descriptor sent with ``send(fileDescriptor:)-(FileDescriptor)``
    /// (or its `Int32` form) as swift-system's `FileDescriptor`, blocking
    /// until the message has arrived. The descriptor is close-on-exec and the
    /// caller's to close.
    ///
    /// ```swift
    /// let log = try connection.receiveFileDescriptor(as: FileDescriptor.self)
    /// defer { try? log.close() }
    /// try log.writeAll("started\n".utf8)
    /// ```
    ///
    /// - Throws: as ``receiveFileDescriptor()``: a message that carries no
    ///   descriptor, or carries another kind of message's, is consumed and
    ///   what came with it closed.
    ///   The corresponding C function is `recvmsg` (with `MSG_CMSG_CLOEXEC`).
    public func receiveFileDescriptor(as _: FileDescriptor.Type) throws(ConnectionError) -> FileDescriptor {
        FileDescriptor(rawValue: try receiveFileDescriptor())
    }

    // MARK: Descriptor internals

    /// Decodes a `T` from a frame and the descriptors that came with it; see
    /// ``receive(_:)`` for the rules.
    @usableFromInline
    static func decode<T: Decodable>(_ type: T.Type, from frame: ReceivedFrame) throws(ConnectionError) -> T {
        let payload = frame.payload
        switch frame.descriptors {
        case .none:
            return try decode(type, from: payload, descriptors: nil)
        case let .failed(error):
            throw ConnectionError(error)
        case let .received(incoming):
            defer { incoming.closeUnclaimed() }
            let value: T
            do {
                value = try decode(type, from: payload, descriptors: incoming)
            } catch {
                // Nothing took a descriptor: the message was not meant for a `T` at all.
                if incoming.unclaimedCount == incoming.count { throw .unexpectedDescriptors(count: incoming.count) }
                throw error
            }
            let unclaimed = incoming.unclaimedCount
            if unclaimed > 0 { throw .unexpectedDescriptors(count: unclaimed) }
            return value
        }
    }

    /// The error for descriptors that came with a message whose receive takes
    /// none (they are closed), or `nil` if none came.
    static func refuse(_ descriptors: FrameDescriptors) -> ConnectionError? {
        switch descriptors {
        case .none:
            return nil
        case let .failed(error):
            return ConnectionError(error)
        case let .received(incoming):
            incoming.closeUnclaimed()
            return .unexpectedDescriptors(count: incoming.count)
        }
    }

    /// Throws ``ConnectionError/descriptorPassingUnsupported`` unless
    /// descriptors can travel over this connection.
    private func requireDescriptorPassing() throws(ConnectionError) {
        let fd = try leaseDescriptor()
        defer { descriptor.release() }
        guard try passesDescriptors(fd) else { throw .descriptorPassingUnsupported }
    }

    /// Whether descriptors can travel over this connection: it is a
    /// Unix-domain socket (asked of the kernel once, with `getsockname`).
    func passesDescriptors(_ fd: Int32) throws(ConnectionError) -> Bool {
        switch socketKind.load(ordering: .relaxed) {
        case .unixDomain: return true
        case .other: return false
        case .unknown:
            let isUnix: Bool
            do {
                isUnix = try isUnixDomainSocket(fd)
            } catch {
                throw .system(operation: "getsockname", errno: error)
            }
            socketKind.store(isUnix ? .unixDomain : .other, ordering: .relaxed)
            return isUnix
        }
    }
}

/// Whether a connection's socket carries descriptors.
enum SocketKind: UInt8, AtomicRepresentable {
    case unknown, unixDomain, other
}
