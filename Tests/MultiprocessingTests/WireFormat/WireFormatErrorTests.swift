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

import Multiprocessing
import Testing

@Suite("Binary wire format: errors and hostile input", .timeLimit(.minutes(1)))
struct WireFormatErrorTests {
    /// Encodings that the truncation and mutation tests cut up.
    static func samples() throws -> [[UInt8]] {
        [
            try BinaryEncoder().encode(WireEverything(message: wireSampleMessage())),
            try BinaryEncoder().encode(wireSampleMessage()),
        ]
    }

    @Test("every truncation of a valid encoding throws")
    func truncation() throws {
        let bytes = try BinaryEncoder().encode(WireEverything(message: wireSampleMessage()))
        for length in 0..<bytes.count {
            #expect(
                wireDecodingError(WireEverything.self, Array(bytes[..<length])) != nil,
                "prefix of \(length) bytes decoded")
        }
        let message = try BinaryEncoder().encode(wireSampleMessage())
        for length in 0..<message.count {
            let error = wireDecodingError(WireMessage.self, Array(message[..<length]))
            #expect(error?.isDataCorrupted == true, "prefix of \(length) bytes: \(String(describing: error))")
        }
    }

    @Test("random bytes throw or decode, never crash")
    func randomBytes() {
        var generator = WireSeededGenerator(seed: 0x5EED)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...64, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty, Bool.random(using: &generator) { bytes[0] = 0xB1 }
            wireDecodingError(WireEverything.self, bytes)
            wireDecodingError(WireMessage.self, bytes)
            wireDecodingError([WireShape].self, bytes)
            wireDecodingError([String: [Int?]].self, bytes)
            wireDecodingError(Int???.self, bytes)
        }
    }

    @Test("mutated valid encodings throw or decode, never crash")
    func mutations() throws {
        var generator = WireSeededGenerator(seed: 99)
        for sample in try Self.samples() {
            for _ in 0..<3000 {
                var bytes = sample
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 1..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
                wireDecodingError(WireEverything.self, bytes)
                wireDecodingError(WireMessage.self, bytes)
            }
        }
    }

    @Test("huge claimed lengths throw without allocating")
    func hugeLengths() throws {
        let varintMax: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        let cases: [(String, [UInt8])] = [
            ("string", [0xB1, 0x07] + varintMax),
            ("bytes", [0xB1, 0x08] + varintMax),
            ("keyed", [0xB1, 0x09, 0xFF, 0xFF, 0xFF, 0xFF]),
            ("unkeyed", [0xB1, 0x0A, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]),
            ("scalars", [0xB1, 0x0D, 0x09] + varintMax),
            (
                "scalars, count times width overflows",
                [0xB1, 0x0D, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F]
            ),
        ]
        for (name, bytes) in cases {
            #expect(wireDecodingError(String.self, bytes)?.isDataCorrupted == true, "\(name)")
            #expect(wireDecodingError([UInt8].self, bytes)?.isDataCorrupted == true, "\(name)")
            #expect(wireDecodingError([Double].self, bytes)?.isDataCorrupted == true, "\(name)")
            #expect(wireDecodingError([String: Int].self, bytes)?.isDataCorrupted == true, "\(name)")
        }
        // An over-long varint (11 bytes) and one that overflows 64 bits.
        #expect(
            wireDecodingError(Int.self, [0xB1, 0x03] + [UInt8](repeating: 0x80, count: 10) + [0x01])?.isDataCorrupted
                == true)
        #expect(
            wireDecodingError(UInt64.self, [0xB1, 0x04] + [UInt8](repeating: 0xFF, count: 9) + [0x02])?.isDataCorrupted
                == true)
        #expect(
            try BinaryDecoder().decode(UInt64.self, from: [0xB1, 0x04] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
                == .max)
    }

    @Test("a depth bomb throws instead of overflowing the stack")
    func depthBomb() throws {
        // 100,000 nested unkeyed containers, built by hand.
        let depth = 100_000
        var bytes: [UInt8] = [0xB1]
        for level in 0..<depth {
            let inner = UInt32((depth - level - 1) * 5)
            bytes += [
                0x0A, UInt8(truncatingIfNeeded: inner), UInt8(truncatingIfNeeded: inner >> 8),
                UInt8(truncatingIfNeeded: inner >> 16), UInt8(truncatingIfNeeded: inner >> 24),
            ]
        }
        let error = wireDecodingError(WireDepth.self, bytes)
        #expect(error?.isDataCorrupted == true)
        #expect(error?.context?.debugDescription.contains("512") == true)
        // Exactly at the limit still decodes.
        #expect(try wireRoundTrip(WireDepth(levels: 500)).levels == 500)
        // A run of a million `some` tags.
        let someBomb = [0xB1] + [UInt8](repeating: 0x0F, count: 1_000_000) + [0x00]
        #expect(wireDecodingError(Int???.self, someBomb) != nil)
    }

    @Test("encoding deeper than the limit throws EncodingError")
    func encodingDepth() {
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(WireDepth(levels: 600)) }
    }

    @Test("trailing bytes, empty input and a wrong header are dataCorrupted")
    func framing() throws {
        let bytes = try BinaryEncoder().encode(wireSampleMessage())
        let trailing = wireDecodingError(WireMessage.self, bytes + [0])
        #expect(trailing?.isDataCorrupted == true)
        #expect(trailing?.context?.debugDescription.contains("trailing") == true)
        #expect(wireDecodingError(WireMessage.self, [])?.isDataCorrupted == true)
        var otherVersion = bytes
        otherVersion[0] = 0xB2
        #expect(wireDecodingError(WireMessage.self, otherVersion)?.context?.debugDescription.contains("header") == true)
        #expect(wireDecodingError(Int.self, [0xB1, 0x7F])?.isDataCorrupted == true)  // unknown tag
    }

    @Test("a value of another type is typeMismatch, with the coding path")
    func typeMismatch() throws {
        let string = try BinaryEncoder().encode("42")
        #expect(wireDecodingError(Int.self, string)?.isTypeMismatch == true)
        #expect(wireDecodingError(Bool.self, try BinaryEncoder().encode(1))?.isTypeMismatch == true)
        #expect(wireDecodingError(Double.self, try BinaryEncoder().encode(1))?.isTypeMismatch == true)
        #expect(wireDecodingError([Int].self, string)?.isTypeMismatch == true)
        #expect(wireDecodingError(WireMessage.self, try BinaryEncoder().encode([1, 2]))?.isTypeMismatch == true)

        let box = WireBox(value: wireSampleMessage(), list: [], optional: nil)
        let error = wireDecodingError(WireBox<WireOtherMessage>.self, try BinaryEncoder().encode(box))
        #expect(error?.isTypeMismatch == true)
        #expect(error?.context?.codingPath.map(\.stringValue) == ["value", "name"])
        let listError = wireDecodingError(
            [[String]].self, try BinaryEncoder().encode([["a"], ["b", "c"]].map { $0.map { [$0] } }))
        #expect(listError?.isTypeMismatch == true)
    }

    @Test("nil where a value is needed is valueNotFound; a missing key is keyNotFound")
    func missingValues() throws {
        #expect(wireDecodingError(Int.self, try BinaryEncoder().encode(Int?.none))?.isValueNotFound == true)
        let error = wireDecodingError(WireMessage.self, try BinaryEncoder().encode(["id": 1]))
        #expect(error?.isKeyNotFound == true)
        #expect(wireDecodingError(WireTwoInts.self, try BinaryEncoder().encode([5]))?.isValueNotFound == true)
        #expect(
            wireDecodingError(WireTwoInts.self, try BinaryEncoder().encode([Int?.some(5)]))?.isValueNotFound == true)
    }

    @Test("numbers that do not fit the type asked for are dataCorrupted")
    func overflow() throws {
        let error = wireDecodingError(UInt8.self, try BinaryEncoder().encode(300))
        #expect(error?.isDataCorrupted == true)
        #expect(error?.context?.debugDescription.contains("300") == true)
        #expect(wireDecodingError(UInt.self, try BinaryEncoder().encode(-1))?.isDataCorrupted == true)
        #expect(wireDecodingError(Int64.self, try BinaryEncoder().encode(UInt64.max))?.isDataCorrupted == true)
        #expect(wireDecodingError(Int64.self, try BinaryEncoder().encode(Int128.max))?.isDataCorrupted == true)
        #expect(wireDecodingError(Float.self, try BinaryEncoder().encode(1e300))?.isDataCorrupted == true)
        #expect(wireDecodingError([Int32].self, try BinaryEncoder().encode([Int64.max])) != nil)
    }

    @Test("invalid UTF-8 in a string is dataCorrupted")
    func invalidUTF8() {
        #expect(wireDecodingError(String.self, [0xB1, 0x07, 0x02, 0xC3, 0x28])?.isDataCorrupted == true)
        #expect(wireDecodingError(String.self, [0xB1, 0x07, 0x01, 0xFF])?.isDataCorrupted == true)
    }

    @Test("writing to a container after its parent moved on throws EncodingError")
    func containerMisuse() {
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(WireInterleaved()) }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(WireTwoSingleValues()) }
        #expect(throws: EncodingError.self) { try BinaryEncoder().encode(WireKeyedThenUnkeyed()) }
    }

    @Test("a decoder or encoder kept past its call reads and writes nothing")
    func staleCoders() throws {
        let stash = WireStash()
        var encoder = BinaryEncoder()
        encoder.userInfo[WireStash.key] = stash
        var decoder = BinaryDecoder()
        decoder.userInfo[WireStash.key] = stash
        let bytes = try encoder.encode(WireStashing(value: 5))
        #expect(try decoder.decode(WireStashing.self, from: bytes).value == 5)

        let staleDecoder = try #require(stash.decoder)
        #expect(throws: DecodingError.self) { try staleDecoder.singleValueContainer().decode(Int.self) }
        #expect(throws: DecodingError.self) { try staleDecoder.unkeyedContainer() }
        #expect(throws: DecodingError.self) { try staleDecoder.container(keyedBy: WireIndexlessKey.self) }
        var container = try #require(stash.encoder).singleValueContainer()
        #expect(throws: EncodingError.self) { try container.encode(1) }
    }

    @Test("an error thrown by encode(to:) reaches the caller unchanged")
    func userErrors() {
        #expect(throws: WireUserError.self) { try BinaryEncoder().encode([WireThrowing()]) }
    }
}

struct WireOtherMessage: Codable, Equatable {
    var id: Int
    var name: Int
}

struct WireTwoInts: Decodable {
    var a: Int, b: Int
    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        a = try container.decode(Int.self)
        b = try container.decode(Int.self)
    }
}

/// Writes to a nested container after writing to its parent again.
struct WireInterleaved: Encodable {
    enum Key: String, CodingKey { case a, b }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        var nested = container.nestedUnkeyedContainer(forKey: .a)
        try nested.encode(1)
        try container.encode(2, forKey: .b)
        try nested.encode(3)
    }
}

struct WireTwoSingleValues: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
        try container.encode(2)
    }
}

struct WireKeyedThenUnkeyed: Encodable {
    enum Key: CodingKey { case a }
    func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: Key.self)
        try keyed.encode(1, forKey: .a)
        var unkeyed = encoder.unkeyedContainer()
        try unkeyed.encode(2)
    }
}

struct WireUserError: Error {}

struct WireThrowing: Encodable {
    func encode(to encoder: any Encoder) throws { throw WireUserError() }
}

/// Where `WireStashing` keeps the encoder and decoder it was given.
final class WireStash: @unchecked Sendable {
    static let key = CodingUserInfoKey(rawValue: "wire.stash")!
    var encoder: (any Encoder)?
    var decoder: (any Decoder)?
}

/// Keeps its encoder and decoder, to use them after the call.
struct WireStashing: Codable {
    var value: Int
    init(value: Int) { self.value = value }
    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int.self)
        (decoder.userInfo[WireStash.key] as? WireStash)?.decoder = decoder
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
        (encoder.userInfo[WireStash.key] as? WireStash)?.encoder = encoder
    }
}
