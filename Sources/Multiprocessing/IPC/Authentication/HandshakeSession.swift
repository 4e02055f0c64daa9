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

/// One connection's authentication handshake over its socket: the
/// ``Handshake`` state machine, with its messages framed by the package's
/// one framing path (``FrameWriter``, ``FrameReader``) and read without
/// blocking, so that one thread can drive many sessions at once (a
/// ``Listener``) or one session against a deadline (a client).
///
/// Whatever the reader took from the socket beyond the handshake (a message
/// the peer sent right after it) stays in ``reader``, which the connection
/// made from the session inherits.
struct HandshakeSession {
    /// Where the handshake stands after ``start()`` or ``advance()``.
    enum Progress: Equatable {
        case pending
        case authenticated
        case failed(ConnectionError)
    }

    let socket: Int32
    private(set) var reader = FrameReader(maximumMessageSize: Handshake.maximumMessageCount)
    private var handshake: Handshake
    private var outgoing: [UInt8] = []

    init(socket: Int32, role: Handshake.Role, key: AuthenticationKey) {
        self.socket = socket
        self.handshake = Handshake(role: role, key: key)
    }

    /// Sends the opening messages (the listener's challenge).
    mutating func start() -> Progress {
        send(handshake.start()) ?? .pending
    }

    /// Handles every whole message the socket has now, without waiting for
    /// more; the replies to all of them leave in one write.
    mutating func advance() -> Progress {
        var replies: [[UInt8]] = []
        while true {
            var message: [UInt8] = []
            let outcome: FrameReader.Outcome
            do {
                outcome = try reader.next(from: socket, nonBlocking: true) { payload, descriptors in
                    descriptors.discard()
                    message = payload.withBytes { Array($0) }
                }
            } catch {
                return send(replies) ?? .failed(Self.failure(error))
            }
            switch outcome {
            case .wouldBlock: return send(replies) ?? .pending
            case .endOfStream: return send(replies) ?? .failed(.authenticationFailed(.peerClosed))
            case .frame: break
            }
            let (answers, result) = handshake.receive(message)
            replies += answers
            switch result {
            case .needsMore:
                continue
            case .authenticated:
                reader.maximumMessageSize = Connection.defaultMaximumMessageSize
                return send(replies) ?? .authenticated
            case let .failed(failure):
                return send(replies) ?? .failed(.authenticationFailed(failure))
            }
        }
    }

    /// Sends `messages`, each as one frame; a failure to send ends the handshake.
    private mutating func send(_ messages: [[UInt8]]) -> Progress? {
        guard !messages.isEmpty else { return nil }
        outgoing.removeAll(keepingCapacity: true)
        for message in messages {
            FrameWriter.append(to: &outgoing) { $0.append(contentsOf: message) }
        }
        do {
            // A few hundred bytes into a fresh socket's buffer: never a partial write.
            try outgoing.withBytes { bytes throws(Errno) in try SocketIO.writeAll(socket, bytes) }
            return nil
        } catch .brokenPipe, .connectionReset {
            return .failed(.authenticationFailed(.peerClosed))
        } catch {
            return .failed(.system(operation: "send", errno: error))
        }
    }

    private static func failure(_ error: FrameError) -> ConnectionError {
        switch error {
        case .truncated:
            .authenticationFailed(.peerClosed)
        case let .tooLarge(size, limit):
            .authenticationFailed(.malformed("a message of \(size) bytes, the handshake allows \(limit)"))
        case let .malformed(reason):
            .authenticationFailed(.malformed(reason))
        case let .readFailed(errno):
            .system(operation: "recv", errno: errno)
        }
    }
}
