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

import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

/// The handshake's hand-written hash functions and HMAC, against the
/// standards' vectors and against Python's `hmac` module.
@Suite("Handshake digests", .timeLimit(.minutes(1)))
struct DigestTests {
    @Test func sha256MatchesFIPS180Vectors() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex(SHA256.hash(bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func md5MatchesRFC1321Vectors() {
        #expect(hex(MD5.hash([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(MD5.hash(bytes("abc"))) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex(MD5.hash(bytes("message digest"))) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            hex(MD5.hash(bytes(String(repeating: "1234567890", count: 8))))
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    /// Blocks absorbed first, then the rest, hash like the whole (as HMAC's prepared key pads do).
    @Test func hashingInPartsEqualsHashingTheWhole() {
        let message = pattern(count: 200, seed: 7)
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 199, 200] {
            var sha256 = SHA256()
            var md5 = MD5()
            let blocks = split / 64 * 64
            message.withUnsafeBytes { bytes in
                for start in stride(from: 0, to: blocks, by: 64) {
                    sha256.compress(UnsafeRawBufferPointer(rebasing: bytes[start..<start + 64]))
                    md5.compress(UnsafeRawBufferPointer(rebasing: bytes[start..<start + 64]))
                }
                let rest = UnsafeRawBufferPointer(rebasing: bytes[blocks...])
                #expect(sha256.finish(rest, absorbedBefore: blocks) == SHA256.hash(message))
                #expect(md5.finish(rest, absorbedBefore: blocks) == MD5.hash(message))
            }
        }
    }

    @Test func hmacSHA256MatchesRFC4231() {
        #expect(
            hex(HMAC<SHA256>.authenticationCode(for: bytes("Hi There"), key: [UInt8](repeating: 0x0B, count: 20)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            hex(HMAC<SHA256>.authenticationCode(for: bytes("what do ya want for nothing?"), key: bytes("Jefe")))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: a key longer than a block is hashed first.
        #expect(
            hex(
                HMAC<SHA256>.authenticationCode(
                    for: bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
                    key: [UInt8](repeating: 0xAA, count: 131)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func hmacMD5MatchesRFC2202() {
        #expect(
            hex(HMAC<MD5>.authenticationCode(for: bytes("Hi There"), key: [UInt8](repeating: 0x0B, count: 16)))
                == "9294727a3638bb1c13f48ef8158bfc9d")
        #expect(
            hex(HMAC<MD5>.authenticationCode(for: bytes("what do ya want for nothing?"), key: bytes("Jefe")))
                == "750c783e6ab0b503eaa86e310a5db738")
        #expect(
            hex(
                HMAC<MD5>.authenticationCode(
                    for: bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
                    key: [UInt8](repeating: 0xAA, count: 80)))
                == "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd")
    }

    /// Random keys and messages of every length around the block size,
    /// against Python's `hmac` (skipped with a note without `python3`).
    @Test func hmacAgreesWithPythonOnRandomInputs() throws {
        var generator = SystemRandomNumberGenerator()
        var cases: [(key: [UInt8], message: [UInt8])] = []
        for length in [0, 1, 20, 55, 56, 63, 64, 65, 100, 127, 128, 129, 300] {
            let keyLength = Int.random(in: 0...150, using: &generator)
            cases.append(
                (
                    (0..<keyLength).map { _ in .random(in: 0...255, using: &generator) },
                    (0..<length).map { _ in .random(in: 0...255, using: &generator) }
                ))
        }
        let script = """
            import hmac, sys
            for line in sys.argv[1:]:
                key, message = (bytes.fromhex(part) for part in line.split(":"))
                print(hmac.new(key, message, "sha256").hexdigest(), hmac.new(key, message, "md5").hexdigest())
            """
        let arguments = cases.map { hex($0.key) + ":" + hex($0.message) }
        guard let python = PythonInterpreter.system else { return }
        let (status, output) = try runProgram(python.path, ["-c", script] + arguments, timeout: .seconds(30))
        try #require(status == 0, "\(output)")
        let lines = output.split(separator: "\n")
        try #require(lines.count == cases.count)
        for (line, testCase) in zip(lines, cases) {
            let expected = line.split(separator: " ").map(String.init)
            #expect(hex(HMAC<SHA256>.authenticationCode(for: testCase.message, key: testCase.key)) == expected[0])
            #expect(hex(HMAC<MD5>.authenticationCode(for: testCase.message, key: testCase.key)) == expected[1])
        }
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(constantTimeEqual([], []))
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
