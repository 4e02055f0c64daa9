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

/// Python's `multiprocessing.connection` authentication as a state machine
/// without I/O: what to send first, and what to answer to each message
/// received. `HandshakeSession` moves its messages over a socket.
///
/// The protocol (CPython `Lib/multiprocessing/connection.py`, 3.12+, which
/// also speaks to 3.11 and older): each side in turn *delivers* a challenge
/// and *answers* the other's; the listener delivers first, the client answers
/// first. To deliver: send `#CHALLENGE#{sha256}` and 40 random bytes; receive
/// the answer, `{sha256}` and the HMAC-SHA256 under the key of everything
/// after `#CHALLENGE#` (or, from 3.11 and older, a bare 16-byte HMAC-MD5);
/// reply `#WELCOME#` if it is right, else `#FAILURE#`. To answer: receive the
/// challenge; a bare 20-byte one comes from 3.11 and older and gets a bare
/// HMAC-MD5, a `{digest}` one gets `{digest}` and that HMAC; then receive the
/// verdict. Every message is one frame of at most 256 bytes.
///
/// One liberty, invisible to the peer: a client sends its own challenge
/// right behind its answer, without waiting for the verdict. A listener
/// (Python's or ours) reads its messages one frame at a time, so the
/// challenge waits in the socket until the listener answers challenges;
/// the handshake takes four messages in flight instead of six.
struct Handshake {
    /// Which side delivers first.
    enum Role: Sendable { case listener, client }

    /// What the peer's last message leads to.
    enum Outcome: Equatable {
        case needsMore
        case authenticated
        case failed(AuthenticationFailure)
    }

    /// The largest handshake message either side accepts (Python's `recv_bytes(256)`).
    static let maximumMessageCount = 256
    static let challengePrefix = Array("#CHALLENGE#".utf8)
    static let welcome = Array("#WELCOME#".utf8)
    static let failure = Array("#FAILURE#".utf8)
    /// Random bytes in a challenge (Python's `MESSAGE_LENGTH`).
    static let challengeRandomCount = 40
    /// The length of a bare challenge from Python 3.11 and older.
    static let legacyChallengeCount = 20

    private indirect enum Step {
        /// We sent `challenge`; the peer's answer is next.
        case awaitingAnswer(challenge: [UInt8], then: Step)
        /// The peer's challenge is next; a client then delivers its own at once.
        case awaitingChallenge(thenDeliver: Bool)
        /// We answered; the peer's verdict is next.
        case awaitingVerdict(then: Step)
        case finished
    }

    private let key: AuthenticationKey
    private let role: Role
    private var step = Step.finished

    init(role: Role, key: AuthenticationKey) {
        self.key = key
        self.role = role
    }

    /// The messages to send before anything is received (the listener's challenge).
    mutating func start() -> [[UInt8]] {
        switch role {
        case .listener:
            let challenge = Self.makeChallenge()
            step = .awaitingAnswer(challenge: challenge, then: .awaitingChallenge(thenDeliver: false))
            return [Self.challengePrefix + challenge]
        case .client:
            step = .awaitingChallenge(thenDeliver: true)
            return []
        }
    }

    /// Handles the peer's next message: the messages to send in reply (sent
    /// even when the outcome is a failure), and where the handshake stands.
    mutating func receive(_ message: [UInt8]) -> (replies: [[UInt8]], outcome: Outcome) {
        switch step {
        case let .awaitingAnswer(challenge, next):
            if let failure = Self.verify(answer: message, to: challenge, key: key) {
                step = .finished
                return ([Self.failure], .failed(failure))
            }
            step = next
            return ([Self.welcome], outcome)
        case let .awaitingChallenge(thenDeliver):
            switch Self.answer(challenge: message, key: key) {
            case let .success(answer):
                guard thenDeliver else {
                    step = .awaitingVerdict(then: .finished)
                    return ([answer], .needsMore)
                }
                let challenge = Self.makeChallenge()
                step = .awaitingVerdict(then: .awaitingAnswer(challenge: challenge, then: .finished))
                return ([answer, Self.challengePrefix + challenge], .needsMore)
            case let .failure(failure):
                step = .finished
                return ([], .failed(failure))
            }
        case let .awaitingVerdict(next):
            guard message == Self.welcome else {
                step = .finished
                return ([], .failed(.rejectedByPeer))
            }
            step = next
            return ([], outcome)
        case .finished:
            preconditionFailure("a message after the handshake ended")
        }
    }

    private var outcome: Outcome {
        if case .finished = step { .authenticated } else { .needsMore }
    }

    /// A challenge to deliver: `{sha256}` and random bytes. `getrandom(2)`
    /// does not fail for so few bytes once the kernel's generator is seeded
    /// (it blocks until then); should it fail, the standard library's
    /// generator (the same source, 8 bytes per call) takes over.
    private static func makeChallenge() -> [UInt8] {
        let prefix = Array("{\(SHA256.pythonName)}".utf8)
        if let random = try? secureRandomBytes(count: challengeRandomCount) { return prefix + random }
        var generator = SystemRandomNumberGenerator()
        return prefix + (0..<challengeRandomCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    // MARK: The two computations (Python's `_verify_challenge` and `_create_response`)

    /// Checks the peer's answer to `challenge`; `nil` if it is right.
    static func verify(answer: [UInt8], to challenge: [UInt8], key: AuthenticationKey) -> AuthenticationFailure? {
        let digest: Digest
        let code: [UInt8]
        switch Digest.parse(answer) {
        case let .success((parsed, payload)):
            (digest, code) = (parsed ?? .md5, payload)
        case let .failure(failure):
            return failure
        }
        return constantTimeEqual(digest.authenticationCode(for: challenge, key: key), code) ? nil : .wrongKey
    }

    /// The answer to a challenge message (`#CHALLENGE#` and what follows).
    static func answer(challenge message: [UInt8], key: AuthenticationKey) -> Result<[UInt8], AuthenticationFailure> {
        guard message.starts(with: challengePrefix) else { return .failure(.peerSentNoChallenge) }
        let challenge = Array(message.dropFirst(challengePrefix.count))
        guard challenge.count >= legacyChallengeCount else {
            return .failure(.malformed("a challenge of \(challenge.count) bytes, fewer than \(legacyChallengeCount)"))
        }
        return Digest.parse(challenge).map { digest, _ in
            guard let digest else { return Digest.md5.authenticationCode(for: challenge, key: key) }
            return Array("{\(digest.name)}".utf8) + digest.authenticationCode(for: challenge, key: key)
        }
    }
}

/// The digests of Python's handshake that this package computes.
enum Digest: Sendable {
    case md5, sha256

    var name: String {
        switch self {
        case .md5: MD5.pythonName
        case .sha256: SHA256.pythonName
        }
    }

    func authenticationCode(for message: [UInt8], key: AuthenticationKey) -> [UInt8] {
        switch self {
        case .md5: key.md5.authenticationCode(for: message)
        case .sha256: key.sha256.authenticationCode(for: message)
        }
    }

    /// Python's digest names, of which ``Digest`` computes two.
    private static let pythonNames: Set<String> = ["md5", "sha256", "sha384", "sha3_256", "sha3_384"]

    /// Python's `_get_digest_name_and_payload`: a message of 16 or 20 bytes
    /// is the legacy protocol (no prefix: `nil` digest, meaning MD5); any
    /// other starts with `{name}`.
    static func parse(_ message: [UInt8]) -> Result<(Digest?, [UInt8]), AuthenticationFailure> {
        if message.count == MD5.digestCount || message.count == Handshake.legacyChallengeCount {
            return .success((nil, message))
        }
        let longestName = pythonNames.map(\.utf8.count).max()!
        guard message.first == UInt8(ascii: "{"),
            let close = message.prefix(longestName + 2).firstIndex(of: UInt8(ascii: "}")), close > 1
        else {
            return .failure(.malformed("a message of \(message.count) bytes without a {digest} prefix"))
        }
        let name = String(decoding: message[1..<close], as: UTF8.self)
        let payload = Array(message[(close + 1)...])
        switch name {
        case MD5.pythonName: return .success((.md5, payload))
        case SHA256.pythonName: return .success((.sha256, payload))
        default:
            return .failure(
                pythonNames.contains(name) ? .unsupportedDigest(name) : .malformed("unknown digest '\(name)'"))
        }
    }
}
