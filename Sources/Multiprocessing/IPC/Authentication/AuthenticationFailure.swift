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

/// Why the authentication handshake of a ``Listener`` or of
/// ``Connection/connect(to:authKey:timeout:)`` failed: the payload of
/// ``ConnectionError/authenticationFailed(_:)``.
///
/// Both sides prove that they hold the same key, without sending it, with
/// Python's `multiprocessing.connection` challenge and response (HMAC-SHA256,
/// or HMAC-MD5 with Python 3.11 and older). A failure never leaves either
/// side waiting: the one that notices says `#FAILURE#` and closes.
public enum AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The peer's answer to our challenge does not match our key: the two
    /// sides hold different keys.
    case wrongKey
    /// The peer refused our answer to its challenge (it said `#FAILURE#`, or
    /// anything but `#WELCOME#`): the two sides hold different keys.
    case rejectedByPeer
    /// This side has no key, and the peer sent an authentication challenge:
    /// the peer requires a key. Found at the first receive of a connection
    /// made without a key.
    case peerRequiresKey
    /// This side has a key, and the peer's first message is not a challenge:
    /// the peer has no key (or speaks another protocol).
    case peerSentNoChallenge
    /// The peer asked for (or answered with) a digest this package does not
    /// compute. Python names `md5`, `sha256`, `sha384`, `sha3_256` and
    /// `sha3_384`; its listeners and clients only ever use `sha256` and, up
    /// to 3.11, `md5`, which are the two this package speaks.
    case unsupportedDigest(String)
    /// A handshake message is not what the protocol allows (too short, too
    /// long, not a frame): the peer is not a `multiprocessing.connection` peer.
    case malformed(String)
    /// The peer closed the connection during the handshake.
    case peerClosed

    public var description: String {
        switch self {
        case .wrongKey: "the peer's answer does not match this side's key"
        case .rejectedByPeer: "the peer rejected this side's key"
        case .peerRequiresKey: "the peer requires an authentication key and none was given"
        case .peerSentNoChallenge: "the peer sent no authentication challenge: it has no key"
        case let .unsupportedDigest(name): "unsupported digest '\(name)' (md5 and sha256 are supported)"
        case let .malformed(reason): "malformed handshake: \(reason)"
        case .peerClosed: "the peer closed the connection during the handshake"
        }
    }
}
