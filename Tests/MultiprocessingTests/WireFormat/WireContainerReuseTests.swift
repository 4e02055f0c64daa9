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

/// The coders hand kept keyed containers out again (WireContainerReuse.swift)
/// and remember each key type's keys (WireLearnedKey.swift). These check that
/// neither is ever seen: a container a type keeps stays its own, and keys in
/// any order, number or form read back as written.
@Suite("Wire format: kept containers and learned keys", .timeLimit(.minutes(1)))
struct WireContainerReuseTests {
    /// Where a type keeps the containers it was given.
    final class Stash: @unchecked Sendable {
        static let key = CodingUserInfoKey(rawValue: "wire.container.stash")!
        var encoding: KeyedEncodingContainer<Keys>?
        var decoding: KeyedDecodingContainer<Keys>?
    }

    enum Keys: String, CodingKey { case a, b, c }

    /// Keeps its keyed containers; with `writeThroughKept`, also writes `b`
    /// through the container the previous value kept.
    struct Keeper: Codable, Equatable {
        var a: Int
        var writeThroughKept = false

        init(a: Int, writeThroughKept: Bool = false) {
            self.a = a
            self.writeThroughKept = writeThroughKept
        }

        func encode(to encoder: any Encoder) throws {
            let stash = encoder.userInfo[Stash.key] as! Stash
            if writeThroughKept, var kept = stash.encoding { try kept.encode(99, forKey: .b) }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(a, forKey: .a)
            stash.encoding = container
        }

        init(from decoder: any Decoder) throws {
            let stash = decoder.userInfo[Stash.key] as! Stash
            let container = try decoder.container(keyedBy: Keys.self)
            // What the previous value's kept container reads now: still its own `a`.
            if let kept = stash.decoding { _ = try kept.decode(Int.self, forKey: .a) }
            a = try container.decode(Int.self, forKey: .a)
            stash.decoding = container
        }
    }

    private func coders(_ stash: Stash) -> (BinaryEncoder, BinaryDecoder) {
        var encoder = BinaryEncoder()
        encoder.userInfo[Stash.key] = stash
        var decoder = BinaryDecoder()
        decoder.userInfo[Stash.key] = stash
        return (encoder, decoder)
    }

    @Test func aKeptEncodingContainerIsNeverHandedOutAgain() throws {
        let stash = Stash()
        let (encoder, decoder) = coders(stash)
        let values = (0..<20).map { Keeper(a: $0) }
        let bytes = try encoder.encode(values)
        #expect(try decoder.decode([Keeper].self, from: bytes) == values)
        // The last value's container, kept past the encoding: writes throw.
        var kept = try #require(stash.encoding)
        #expect(throws: EncodingError.self) { try kept.encode(1, forKey: .c) }
        // Later encodings are not disturbed by it.
        let again = try encoder.encode(values)
        #expect(again == bytes)
        #expect(throws: EncodingError.self) { try kept.encode(1, forKey: .c) }
    }

    @Test func writingThroughAnotherValuesKeptContainerThrows() {
        let stash = Stash()
        let (encoder, _) = coders(stash)
        // The second value writes through the first value's container, whose
        // value is finished: an error, never an entry in the second value.
        #expect(throws: EncodingError.self) {
            try encoder.encode([Keeper(a: 1), Keeper(a: 2, writeThroughKept: true)])
        }
    }

    @Test func aKeptDecodingContainerReadsItsOwnValueOrNothing() throws {
        let stash = Stash()
        let (encoder, decoder) = coders(stash)
        let values = (0..<20).map { Keeper(a: $0 * 3) }
        #expect(try decoder.decode([Keeper].self, from: encoder.encode(values)) == values)
        let kept = try #require(stash.decoding)
        #expect(throws: DecodingError.self) { try kept.decode(Int.self, forKey: .a) }
    }

    /// A tree: containers of one key type nested in each other, all in use at once.
    indirect enum Tree: Codable, Equatable {
        case leaf(Int)
        case node(Tree, Tree)
    }

    @Test func nestedContainersOfOneKeyTypeStayApart() throws {
        func tree(_ depth: Int, _ seed: Int) -> Tree {
            depth == 0 ? .leaf(seed) : .node(tree(depth - 1, seed * 2), tree(depth - 1, seed * 2 + 1))
        }
        let trees = (0..<5).map { tree(8, $0) }  // 25 levels of containers in use at the deepest
        #expect(try BinaryDecoder().decode([Tree].self, from: BinaryEncoder().encode(trees)) == trees)
    }

    struct K0: Codable, Equatable { var v = 0 }
    struct K1: Codable, Equatable { var v = K0() }
    struct K2: Codable, Equatable { var v = K1() }
    struct K3: Codable, Equatable { var v = K2(), w = K0() }
    struct K4: Codable, Equatable { var v = K3(), w = K2() }
    struct Many: Codable, Equatable {
        var a = K4(), b = K4(), c = K3(), d = [K4()], e = ["k": K2()], f = [1: K1()]
        var g: [String: Int] = ["x": 1, "y": 2], h: [Int: String] = [3: "three"], i: K4? = K4()
    }

    @Test func moreKeyTypesThanTheCacheKeeps() throws {
        let values = (0..<50).map { n -> Many in
            var many = Many()
            many.a.v.v.v.v.v = n
            many.d = Array(repeating: many.a, count: n % 4)
            many.i = n % 3 == 0 ? nil : many.a
            return many
        }
        #expect(try BinaryDecoder().decode([Many].self, from: BinaryEncoder().encode(values)) == values)
    }

    /// Writes its keys in an order, and a number of them, that change from value to value.
    struct Shifting: Codable, Equatable {
        var a: Int
        var b: String?
        var c: Double

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            if a % 2 == 0 {
                try container.encode(a, forKey: .a)
                try container.encodeIfPresent(b, forKey: .b)
                try container.encode(c, forKey: .c)
            } else {
                try container.encode(c, forKey: .c)
                try container.encode(a, forKey: .a)
                try container.encodeIfPresent(b, forKey: .b)
            }
        }

        init(a: Int, b: String?, c: Double) { (self.a, self.b, self.c) = (a, b, c) }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            // Asked for in another order than written, half of the time.
            c = try container.decode(Double.self, forKey: .c)
            a = try container.decode(Int.self, forKey: .a)
            b = try container.decodeIfPresent(String.self, forKey: .b)
        }
    }

    @Test func keysInAnyOrderOrNumberReadBackAsWritten() throws {
        let values = (0..<200).map { Shifting(a: $0, b: $0 % 3 == 0 ? nil : "b\($0)", c: Double($0) / 8) }
        #expect(try BinaryDecoder().decode([Shifting].self, from: BinaryEncoder().encode(values)) == values)
        // Missing keys are still keyNotFound, after keys were learned.
        struct OnlyA: Encodable {
            var a: Int
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(a, forKey: .a)
            }
        }
        let bytes = try BinaryEncoder().encode([OnlyA(a: 1)])
        #expect(throws: DecodingError.self) { try BinaryDecoder().decode([Shifting].self, from: bytes) }
    }

    /// Keys whose names are integers, and long names: never learned wrongly.
    struct OddKeys: Codable, Equatable {
        var zero: Int
        var long: Int
        var minus: Int
        enum CodingKeys: String, CodingKey {
            case zero = "0"
            case long = "a key whose name is far longer than sixteen bytes"
            case minus = "-7"
        }
    }

    @Test func integerAndLongKeysReadBackAsWritten() throws {
        let values = (0..<100).map { OddKeys(zero: $0, long: -$0, minus: $0 * 2) }
        #expect(try BinaryDecoder().decode([OddKeys].self, from: BinaryEncoder().encode(values)) == values)
    }
}
