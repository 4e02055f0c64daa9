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

/// Many values in one buffer, one coder state for all (what a pool's batches are).
@Suite("Wire format: sequences", .timeLimit(.minutes(1)))
struct WireSequenceTests {
    struct Item: Codable, Equatable {
        var name: String
        var count: Int
        var tags: [String]
        var ratio: Double?
    }

    /// Fails to encode, or to decode, for the values it is told to.
    struct Fragile: Codable, Equatable {
        var n: Int
        init(n: Int) { self.n = n }
        init(from decoder: any Decoder) throws {
            n = try decoder.singleValueContainer().decode(Int.self)
            if n == 4 { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "4 is refused")) }
        }
        func encode(to encoder: any Encoder) throws {
            if n == 2 { throw EncodingError.invalidValue(n, .init(codingPath: [], debugDescription: "2 is refused")) }
            var container = encoder.singleValueContainer()
            try container.encode(n)
        }
    }

    /// Keeps the encoder its `encode(to:)` is given, in `stash`.
    struct Keeper: Encodable {
        final class Stash: @unchecked Sendable {
            var encoder: (any Encoder)?
        }
        var n: Int
        var stash: Stash
        func encode(to encoder: any Encoder) throws {
            stash.encoder = encoder
            var container = encoder.singleValueContainer()
            try container.encode(n)
        }
    }

    private func encode<T: Encodable>(_ values: [T]) throws -> [UInt8] {
        var out: [UInt8] = []
        try BinaryEncoder().encodeSequence(appendingTo: &out) { writer in
            for value in values { try writer.append(value) }
        }
        return out
    }

    private func decode<T: Decodable>(_: T.Type, _ count: Int, from bytes: [UInt8]) throws -> [T] {
        try bytes.withUnsafeBytes { bytes in
            try BinaryDecoder().decodeSequence(count, from: bytes) { reader in
                var values: [T] = []
                while reader.remaining > 0 { values.append(try reader.next(T.self)) }
                return values
            }
        }
    }

    @Test func valuesRoundTripAndEachIsAWholeValue() throws {
        let items = (0..<300).map {
            Item(name: "item \($0)", count: $0 * 7 - 100, tags: ["t\($0 % 3)", ""], ratio: $0 % 2 == 0 ? nil : 0.5)
        }
        let bytes = try encode(items)
        #expect(try decode(Item.self, items.count, from: bytes) == items)
        // A sequence is the header, then each value exactly as a message of its own holds it.
        var expected: [UInt8] = [0xB1]
        for item in items { expected += try BinaryEncoder().encode(item).dropFirst() }
        #expect(bytes == expected)
        #expect(try decode(Item.self, 0, from: [0xB1]).isEmpty)
    }

    @Test func aValueThatFailsToEncodeLeavesNothingAndTheWriterGoesOn() throws {
        var out: [UInt8] = [9, 9]
        var failures: [Int] = []
        BinaryEncoder().encodeSequence(appendingTo: &out) { writer in
            for n in 0..<4 {
                do { try writer.append(Fragile(n: n)) } catch { failures.append(n) }
            }
        }
        #expect(failures == [2])
        #expect(out.prefix(2) == [9, 9], "the sequence was appended after what the buffer held")
        #expect(try decode(Fragile.self, 3, from: Array(out.dropFirst(2))).map(\.n) == [0, 1, 3])
    }

    @Test func aValueThatFailsToDecodeFailsAloneAndTheReaderGoesOn() throws {
        let bytes = try encode((0..<6).map { Fragile(n: $0 == 2 ? 20 : $0) })
        let results: [Result<Int, any Error>] = try bytes.withUnsafeBytes { bytes in
            try BinaryDecoder().decodeSequence(6, from: bytes) { reader in
                var results: [Result<Int, any Error>] = []
                while reader.remaining > 0 { results.append(Result { try reader.next(Fragile.self).n }) }
                return results
            }
        }
        #expect(results.compactMap { try? $0.get() } == [0, 1, 20, 3, 5])
        guard case .failure(let error) = results[4], case DecodingError.dataCorrupted(let context) = error else {
            Issue.record("unexpected \(results[4])")
            return
        }
        #expect(context.debugDescription == "4 is refused")
    }

    @Test func anEncoderKeptFromAValueThrowsOnceTheSequenceIsDone() throws {
        let stash = Keeper.Stash()
        let bytes = try encode((0..<3).map { Keeper(n: $0, stash: stash) })
        #expect(try decode(Int.self, 3, from: bytes) == [0, 1, 2])
        let kept = try #require(stash.encoder)
        #expect(kept.codingPath.isEmpty)
        var single = kept.singleValueContainer()
        #expect(throws: EncodingError.self) { try single.encode(7) }
        var keyed = kept.container(keyedBy: KeptKey.self)
        #expect(throws: EncodingError.self) { try keyed.encode(7, forKey: .a) }
        var unkeyed = kept.unkeyedContainer()
        #expect(throws: EncodingError.self) { try unkeyed.encode(7) }
        // A later sequence is not disturbed.
        #expect(try decode(Int.self, 2, from: encode([5, 6])) == [5, 6])
    }

    enum KeptKey: String, CodingKey { case a }

    /// Keeps the decoder its `init(from:)` is given, in `stash`; reads `a`
    /// through the decoder the previous value kept, if told to.
    struct DecoderKeeper: Decodable {
        final class Stash: @unchecked Sendable {
            static let key = CodingUserInfoKey(rawValue: "wire.sequence.stash")!
            var decoder: (any Decoder)?
            var readThroughKept = false
        }
        var a: Int
        init(from decoder: any Decoder) throws {
            let stash = decoder.userInfo[Stash.key] as! Stash
            if stash.readThroughKept, let kept = stash.decoder {
                _ = try kept.container(keyedBy: KeptKey.self).decode(Int.self, forKey: .a)
            }
            a = try decoder.container(keyedBy: KeptKey.self).decode(Int.self, forKey: .a)
            stash.decoder = decoder
        }
    }

    struct Keyed: Encodable {
        var a: Int
    }

    @Test func aDecoderKeptFromAValueReadsNothingAfterIt() throws {
        let stash = DecoderKeeper.Stash()
        var decoder = BinaryDecoder()
        decoder.userInfo[DecoderKeeper.Stash.key] = stash
        let bytes = try encode((0..<3).map { Keyed(a: $0 * 5) })
        func decodeAll() throws -> [Int] {
            try bytes.withUnsafeBytes { bytes in
                try decoder.decodeSequence(3, from: bytes) { reader in
                    var values: [Int] = []
                    while reader.remaining > 0 { values.append(try reader.next(DecoderKeeper.self).a) }
                    return values
                }
            }
        }
        #expect(try decodeAll() == [0, 5, 10])
        // After the sequence, and after its state is reused by another one.
        let kept = try #require(stash.decoder)
        #expect(throws: DecodingError.self) { try kept.container(keyedBy: KeptKey.self) }
        #expect(throws: DecodingError.self) { try kept.singleValueContainer().decode(Int.self) }
        #expect(try decodeAll() == [0, 5, 10])
        #expect(throws: DecodingError.self) { try kept.container(keyedBy: KeptKey.self) }
        // While a later message is read by a plain decode on the same thread
        // (whose state the sequence's went back to).
        _ = try decodeAll()
        stash.readThroughKept = true
        #expect(throws: DecodingError.self) {
            try decoder.decode(DecoderKeeper.self, from: try BinaryEncoder().encode(Keyed(a: 99)))
        }
        // While a later value of the same sequence is read.
        stash.decoder = nil
        #expect(throws: DecodingError.self) { try decodeAll() }
    }

    @Test func aSequenceWithTheWrongFramingIsRefusedBeforeAnyValueIsRead() throws {
        let bytes = try encode([1, 2, 3].map { Item(name: "\($0)", count: $0, tags: [], ratio: nil) })
        for (count, input) in [
            (4, bytes), (2, bytes), (3, Array(bytes.dropLast())), (3, bytes + [0]), (3, [0xB0] + bytes.dropFirst()),
        ] {
            var read = 0
            #expect(throws: DecodingError.self) {
                try input.withUnsafeBytes { input in
                    try BinaryDecoder().decodeSequence(count, from: input) { _ in read += 1 }
                }
            }
            #expect(read == 0)
        }
    }
}
