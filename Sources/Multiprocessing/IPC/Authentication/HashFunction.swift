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

// Hand-written on purpose: the handshake of Python's multiprocessing.connection
// needs HMAC with two hash functions, SHA-256 and MD5 (the latter only for
// Python 3.11 and older). swift-crypto has both, but on Linux it compiles
// BoringSSL (some 370 C and assembly files) into every program that links
// this library, for two functions of a few dozen lines each. So they are
// written here, from FIPS 180-4 and RFC 1321, and tested against the
// standards' vectors (RFC 4231, RFC 2202, RFC 1321) and against Python's
// `hmac` module on random keys and messages. They are not general-purpose
// cryptography: nothing outside the handshake uses them.

/// A Merkle–Damgård hash function with 64-byte blocks, as HMAC needs it.
protocol HashFunction: Sendable {
    /// The digest's size in bytes.
    static var digestCount: Int { get }
    /// The algorithm's name in Python's handshake (`{sha256}`, `md5`).
    static var pythonName: String { get }
    /// Whether the padding's bit count is big-endian (SHA-2) or little-endian (MD5).
    static var lengthIsBigEndian: Bool { get }

    /// The initial state.
    init()
    /// Absorbs one 64-byte block.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// Appends the state as the digest's bytes.
    func appendDigest(to out: inout [UInt8])
}

extension HashFunction {
    static var blockCount: Int { 64 }

    /// The digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state = Self()
        return message.withUnsafeBytes { state.finish($0, absorbedBefore: 0) }
    }

    /// Absorbs `message`, pads, and returns the digest; `absorbedBefore`
    /// bytes (whole blocks) went into the state already.
    mutating func finish(_ message: UnsafeRawBufferPointer, absorbedBefore: Int) -> [UInt8] {
        var offset = 0
        while message.count - offset >= Self.blockCount {
            compress(UnsafeRawBufferPointer(rebasing: message[offset..<offset + Self.blockCount]))
            offset += Self.blockCount
        }
        // The tail, 0x80, zeros, and the bit count fill one or two blocks.
        let tailCount = message.count - offset
        let bitCount = UInt64(absorbedBefore + message.count) &* 8
        withUnsafeTemporaryAllocation(byteCount: 2 * Self.blockCount, alignment: 8) { tail in
            tail.initializeMemory(as: UInt8.self, repeating: 0)
            tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: message[offset...]))
            tail[tailCount] = 0x80
            let total = tailCount + 9 <= Self.blockCount ? Self.blockCount : 2 * Self.blockCount
            let length = Self.lengthIsBigEndian ? bitCount.bigEndian : bitCount.littleEndian
            tail.storeBytes(of: length, toByteOffset: total - 8, as: UInt64.self)
            for start in stride(from: 0, to: total, by: Self.blockCount) {
                compress(UnsafeRawBufferPointer(rebasing: tail[start..<start + Self.blockCount]))
            }
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestCount)
        appendDigest(to: &digest)
        return digest
    }
}

/// HMAC (RFC 2104) over a ``HashFunction``, with the key's two padded
/// blocks absorbed once: each code then costs the message's blocks and one
/// more, not two more.
struct HMAC<Hash: HashFunction>: Sendable {
    private var inner = Hash()
    private var outer = Hash()

    init(key: [UInt8]) {
        var block = key.count > Hash.blockCount ? Hash.hash(key) : key
        block += [UInt8](repeating: 0, count: Hash.blockCount - block.count)
        (block.map { $0 ^ 0x36 }).withUnsafeBytes { inner.compress($0) }
        (block.map { $0 ^ 0x5C }).withUnsafeBytes { outer.compress($0) }
    }

    /// The message authentication code of `message`.
    func authenticationCode(for message: [UInt8]) -> [UInt8] {
        var inner = self.inner
        let innerDigest = message.withUnsafeBytes { inner.finish($0, absorbedBefore: Hash.blockCount) }
        var outer = self.outer
        return innerDigest.withUnsafeBytes { outer.finish($0, absorbedBefore: Hash.blockCount) }
    }

    /// The code of `message` under `key`, for a single use of the key.
    static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        HMAC(key: key).authenticationCode(for: message)
    }
}

/// A handshake key, prepared once for both digests (a listener prepares it
/// once for every client).
struct AuthenticationKey: Sendable {
    let sha256: HMAC<SHA256>
    let md5: HMAC<MD5>

    init(_ key: [UInt8]) {
        sha256 = HMAC(key: key)
        md5 = HMAC(key: key)
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a
/// peer cannot learn a correct prefix of a code from how long a refusal takes.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
