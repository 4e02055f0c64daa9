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

/// What went wrong with a ``Connection``: every failure of a send, a receive, a
/// poll or a wait is one of these cases, and none of them crashes the process.
///
/// After some errors the connection can still be used, after others it cannot:
///
/// | error | the connection afterwards |
/// |---|---|
/// | ``decodingFailed(type:description:)`` | usable: the message was consumed whole, the next `receive` reads the next message |
/// | ``encodingFailed(type:description:)`` | usable: nothing was sent |
/// | ``endOfStream`` | nothing more will arrive; sending may still work on a duplex pipe whose peer only shut down its writing side |
/// | ``truncatedMessage(expected:received:)`` | nothing more will arrive |
/// | ``messageTooLarge(size:limit:)``, ``malformedFrame(_:)`` | unusable for receiving: the position in the stream is lost, and every later receive throws the same error |
/// | ``noDescriptor``, ``unexpectedDescriptors(count:)``, ``missingDescriptors(expected:received:)``, ``descriptorsTruncated`` | usable: the message was consumed whole, and every descriptor that came with it was closed |
/// | ``descriptorPassingUnsupported`` | usable: nothing was sent or received |
/// | ``peerClosed`` | unusable for sending |
/// | ``notReadable``, ``notWritable`` | usable in its own direction |
/// | ``closed`` | closed by ``Connection/close()`` in this process |
/// | ``system(operation:errno:)`` | depends on the error |
/// | ``authenticationFailed(_:)``, ``timedOut(operation:)``, ``invalidAddress(_:)`` | never made: ``Connection/connect(to:authKey:timeout:)`` failed (or, for a connection made without a key, the peer asked for one: unusable) |
///
/// It is an enum, not an evolvable struct with a `code`, for the reasons
/// ``ProcessPoolError`` gives: the package is not built with library
/// evolution, and `catch ConnectionError.endOfStream` stays one line.
public enum ConnectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer closed its end (or shut down its writing side) between two
    /// messages: no more messages will arrive. This is how a reader learns that
    /// the writer is done; nothing was lost.
    case endOfStream

    /// The peer closed its end in the middle of a message.
    ///
    /// - Parameters:
    ///   - expected: the payload size the frame header announced, or `nil` if
    ///     the stream ended inside the header itself.
    ///   - received: how many bytes of the payload (or of the header, when
    ///     `expected` is `nil`) had arrived.
    case truncatedMessage(expected: Int?, received: Int)

    /// A frame header announced a message larger than the receiving
    /// connection's ``Connection/maximumMessageSize`` or than the machine's
    /// physical memory. Nothing of the claimed size was allocated. The rest of
    /// the message is still in the stream, so the connection can no longer
    /// find the next message: every later receive throws this error again.
    ///
    /// - Parameters:
    ///   - size: the announced size (saturated at `Int.max`).
    ///   - limit: the limit that refused it.
    case messageTooLarge(size: Int, limit: Int)

    /// The bytes in the stream are not a frame of this package's format,
    /// which is Python's `multiprocessing.connection` framing (a negative
    /// length other than the long form's marker, or a long-form length that
    /// should have used the short form). As for
    /// ``messageTooLarge(size:limit:)``, the connection is unusable for receiving.
    case malformedFrame(String)

    /// A complete message arrived but does not decode as the requested type.
    /// The message was consumed, so the connection stays usable: the next
    /// receive returns the next message.
    case decodingFailed(type: String, description: String)

    /// The value to send could not be encoded; nothing was sent.
    case encodingFailed(type: String, description: String)

    /// ``Connection/receiveFileDescriptor()`` found a message that carries no
    /// descriptor. The message was consumed; the connection stays usable.
    case noDescriptor

    /// A message carries descriptors the receive does not take, `count` of
    /// them: ``Connection/receiveBytes()`` takes none,
    /// ``Connection/receive(_:)`` those of the shared objects in the value
    /// it decodes, ``Connection/receiveFileDescriptor()`` exactly one that
    /// came alone. They were closed, and the message was consumed (so the
    /// value decoded from it, if any, is dropped); the connection stays usable.
    case unexpectedDescriptors(count: Int)

    /// A message announced more descriptors than arrived with it (a peer that
    /// wrote the header of a descriptor-carrying frame without sending them,
    /// or sent it over TCP). Those that came were closed and the message was
    /// consumed; the connection stays usable.
    case missingDescriptors(expected: Int, received: Int)

    /// The kernel could not install every descriptor that came with a
    /// message (`MSG_CTRUNC`): this process is at its open-file limit
    /// (`RLIMIT_NOFILE`). Every descriptor that came with the message was
    /// closed and the message was consumed; the connection stays usable.
    case descriptorsTruncated

    /// Descriptors travel over Unix-domain sockets only (a ``Pipe``, a Unix
    /// socket address): this connection is of another kind (TCP). Nothing
    /// was sent or received.
    case descriptorPassingUnsupported

    /// A send found the peer gone (its end closed, its process dead):
    /// `EPIPE` or `ECONNRESET`. The process never receives `SIGPIPE`.
    case peerClosed

    /// A receive or poll on the sending end of a one-way pipe.
    case notReadable

    /// A send on the receiving end of a one-way pipe.
    case notWritable

    /// The connection was closed with ``Connection/close()`` (in this process,
    /// possibly by another thread while the operation was blocked).
    case closed

    /// A system call failed for a reason not covered above.
    case system(operation: String, errno: Errno)

    /// The authentication handshake of ``Connection/connect(to:authKey:timeout:)``
    /// failed (the keys differ, one side has none, the peer is not a
    /// `multiprocessing.connection` peer), or a connection made without a
    /// key received an authentication challenge as its first message.
    case authenticationFailed(AuthenticationFailure)

    /// ``Connection/connect(to:authKey:timeout:)`` did not connect and
    /// authenticate in time; `operation` says which step was waiting
    /// (`connect`, `handshake`).
    case timedOut(operation: String)

    /// ``Connection/connect(to:authKey:timeout:)`` was given an address it
    /// cannot use: a path or name too long, a host that does not resolve.
    case invalidAddress(String)

    public var description: String {
        switch self {
        case .endOfStream:
            "end of stream: the peer closed its end"
        case let .truncatedMessage(expected?, received):
            "truncated message: the peer closed its end after \(received) of \(expected) payload bytes"
        case let .truncatedMessage(nil, received):
            "truncated message: the peer closed its end after \(received) bytes of a frame header"
        case let .messageTooLarge(size, limit):
            "message too large: a frame announced \(size) bytes, the limit is \(limit)"
        case let .malformedFrame(reason):
            "malformed frame: \(reason)"
        case let .decodingFailed(type, description):
            "the message does not decode as \(type): \(description)"
        case let .encodingFailed(type, description):
            "a value of type \(type) could not be encoded: \(description)"
        case .noDescriptor:
            "the message carries no descriptor"
        case let .unexpectedDescriptors(count):
            "the message carries \(count) descriptor\(count == 1 ? "" : "s") this receive does not take (closed)"
        case let .missingDescriptors(expected, received):
            "the message announced \(expected) descriptors, \(received) arrived (closed)"
        case .descriptorsTruncated:
            "the descriptors of the message were truncated: this process is at its open-file limit (all closed)"
        case .descriptorPassingUnsupported:
            "descriptors travel over Unix-domain sockets only, and this connection is not one"
        case .peerClosed:
            "the peer closed its end: nothing more can be sent"
        case .notReadable:
            "this end of a one-way pipe only sends"
        case .notWritable:
            "this end of a one-way pipe only receives"
        case .closed:
            "the connection is closed"
        case let .system(operation, errno):
            "\(operation) failed: \(errno)"
        case let .authenticationFailed(failure):
            "authentication failed: \(failure)"
        case let .timedOut(operation):
            "\(operation) timed out"
        case let .invalidAddress(reason):
            "invalid address: \(reason)"
        }
    }
}
