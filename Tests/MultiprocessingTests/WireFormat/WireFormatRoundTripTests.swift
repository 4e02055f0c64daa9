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

import Foundation
import Multiprocessing
import Testing

@Suite("Binary wire format: round trips", .timeLimit(.minutes(1)))
struct WireFormatRoundTripTests {
    @Test("integers keep their extreme values", arguments: [Int.min, -1, 0, 1, 127, 128, 300, Int.max])
    func integers(_ value: Int) throws {
        #expect(try wireRoundTrip(value) == value)
        #expect(try wireRoundTrip(Int64(value)) == Int64(value))
        #expect(try wireRoundTrip(Int128(value) * Int128(Int64.max)) == Int128(value) * Int128(Int64.max))
    }

    @Test("every fixed-width integer type keeps its min and max")
    func fixedWidthExtremes() throws {
        #expect(try wireRoundTrip([Int8.min, Int8.max]) == [Int8.min, Int8.max])
        #expect(try wireRoundTrip(Int8.min) == Int8.min)
        #expect(try wireRoundTrip(Int16.min) == Int16.min)
        #expect(try wireRoundTrip(Int32.max) == Int32.max)
        #expect(try wireRoundTrip(UInt8.max) == UInt8.max)
        #expect(try wireRoundTrip(UInt16.max) == UInt16.max)
        #expect(try wireRoundTrip(UInt32.max) == UInt32.max)
        #expect(try wireRoundTrip(UInt64.max) == UInt64.max)
        #expect(try wireRoundTrip(UInt.max) == UInt.max)
        #expect(try wireRoundTrip(Int128.min) == Int128.min)
        #expect(try wireRoundTrip(Int128.max) == Int128.max)
        #expect(try wireRoundTrip(UInt128.max) == UInt128.max)
        #expect(try wireRoundTrip([UInt64.max, 0]) == [UInt64.max, 0])
        #expect(try wireRoundTrip([Int16.min, Int16.max]) == [Int16.min, Int16.max])
        #expect(try wireRoundTrip([UInt16.max]) == [UInt16.max])
        #expect(try wireRoundTrip([Int32.min]) == [Int32.min])
        #expect(try wireRoundTrip([UInt32.max]) == [UInt32.max])
        #expect(try wireRoundTrip([UInt.max]) == [UInt.max])
        #expect(try wireRoundTrip([Int64.min]) == [Int64.min])
    }

    @Test("floating point keeps NaN, infinities, signed zero and extremes")
    func floatingPoint() throws {
        let doubles: [Double] = [0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .pi]
        for value in doubles {
            #expect(try wireRoundTrip(value).bitPattern == value.bitPattern)
            #expect(try wireRoundTrip(Float(value)).bitPattern == Float(value).bitPattern)
        }
        #expect(try wireRoundTrip(Double.nan).isNaN)
        #expect(try wireRoundTrip(Float.nan).isNaN)
        #expect(try wireRoundTrip(doubles).map(\.bitPattern) == doubles.map(\.bitPattern))
        #expect(try wireRoundTrip([Double.nan])[0].isNaN)
        // A Float reads back as a Double too.
        #expect(try BinaryDecoder().decode(Double.self, from: BinaryEncoder().encode(Float(1.5))) == 1.5)
    }

    @Test("strings: empty, unicode, NUL and long")
    func strings() throws {
        for value in ["", "a", "héllo wörld", "🧪👩‍👩‍👧", "nul\u{0}inside", String(repeating: "x", count: 100_000)] {
            #expect(try wireRoundTrip(value) == value)
        }
        #expect(try wireRoundTrip(["", "é"]) == ["", "é"])
    }

    @Test("Bool and nil")
    func boolAndNil() throws {
        #expect(try wireRoundTrip(true) == true)
        #expect(try wireRoundTrip(false) == false)
        #expect(try wireRoundTrip(Int?.none) == nil)
        #expect(try wireRoundTrip([Int?.none, 1, nil]) == [nil, 1, nil])
    }

    @Test("nested optionals keep every level, also .some(nil)")
    func nestedOptionals() throws {
        let values: [Int??] = [.none, .some(.none), .some(.some(5))]
        for value in values {
            #expect(try wireRoundTrip(value) == value)
            #expect(
                try wireRoundTrip(WireBox(value: value, list: [value], optional: value))
                    == WireBox(value: value, list: [value], optional: value))
        }
        #expect(try wireRoundTrip(values) == values)
        let triple: Int??? = .some(.some(.none))
        #expect(try wireRoundTrip(triple) == triple)
    }

    @Test("the benchmark message and random messages")
    func messages() throws {
        var generator = WireSeededGenerator(seed: 7)
        for index in 0..<200 {
            var message = wireSampleMessage(id: Int.random(in: .min ... .max, using: &generator))
            message.values = (0..<Int.random(in: 0...20, using: &generator)).map { _ in
                Double.random(in: -1e9...1e9, using: &generator)
            }
            message.flag = [true, false, nil][index % 3]
            #expect(try wireRoundTrip(message) == message)
        }
    }

    @Test("enums with associated values")
    func enums() throws {
        let shapes: [WireShape] = [
            .empty, .circle(radius: 1), .rectangle(-2, 3),
            .labeled("outer", inner: .labeled("inner", inner: nil)),
            .group([.empty, .group([]), .circle(radius: .infinity)]),
        ]
        for shape in shapes { #expect(try wireRoundTrip(shape) == shape) }
        #expect(try wireRoundTrip(shapes) == shapes)
    }

    @Test("dictionaries with String, Int and other keys")
    func dictionaries() throws {
        let byString = [
            "": 0, "a": 1, "1": 2, "01": 3, "-0": 4, "-5": 5, "+1": 6, "super": 7,
            "99999999999999999999": 8, "\(Int.min)": 9, "é": 10,
        ]
        #expect(try wireRoundTrip(byString) == byString)
        let byInt = [Int.min: "min", -1: "minus one", 0: "zero", Int.max: "max"]
        #expect(try wireRoundTrip(byInt) == byInt)
        let byDouble = [0.5: "half", -1: "minus one"]
        #expect(try wireRoundTrip(byDouble) == byDouble)
        let byBool = [true: [1], false: []]
        #expect(try wireRoundTrip(byBool) == byBool)
        let nested = ["outer": [1: ["inner": [Int8(-1)]]]]
        #expect(try wireRoundTrip(nested) == nested)
        #expect(try wireRoundTrip([String: Int]()) == [:])
    }

    @Test("arrays: empty, nested, sets and contiguous arrays")
    func arrays() throws {
        #expect(try wireRoundTrip([Int]()) == [])
        #expect(try wireRoundTrip([UInt8]()) == [])
        #expect(try wireRoundTrip([[Int]]()) == [])
        #expect(try wireRoundTrip([[1, 2], [], [3]]) == [[1, 2], [], [3]])
        #expect(try wireRoundTrip(Set([1, 5, 9])) == Set([1, 5, 9]))
        #expect(try wireRoundTrip(ContiguousArray<UInt8>([1, 2, 3])) == [1, 2, 3])
        #expect(try wireRoundTrip(ContiguousArray<Double>([1, 2])) == [1, 2])
        let bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try wireRoundTrip(bytes) == bytes)
        #expect(try wireRoundTrip([bytes, [], [7]]) == [bytes, [], [7]])
    }

    @Test("packed arrays read element by element, with another width or container type")
    func packedArraysElementwise() throws {
        let doubles: [Double] = [1.5, -2, .infinity]
        #expect(
            try BinaryDecoder().decode(ContiguousArray<Double>.self, from: BinaryEncoder().encode(doubles))
                == ContiguousArray(doubles))
        #expect(
            try BinaryDecoder().decode([Int].self, from: BinaryEncoder().encode([Int32.min, 7])) == [Int(Int32.min), 7])
        #expect(try BinaryDecoder().decode([Int16].self, from: BinaryEncoder().encode([UInt8(200)])) == [200])
        #expect(try BinaryDecoder().decode([Double].self, from: BinaryEncoder().encode([Float(0.25)])) == [0.25])
        #expect(try BinaryDecoder().decode(Set<Int>.self, from: BinaryEncoder().encode([3, 3, 4])) == [3, 4])
        #expect(try BinaryDecoder().decode([Int?].self, from: BinaryEncoder().encode([1, 2])) == [1, 2])
        #expect(
            try BinaryDecoder().decode([WireWrapped].self, from: BinaryEncoder().encode([5.5])) == [
                WireWrapped(raw: 5.5)
            ])
        #expect(wireDecodingError([Float].self, try BinaryEncoder().encode([0.5, 1e300]))?.isDataCorrupted == true)
        #expect(
            try BinaryDecoder().decode([Float].self, from: BinaryEncoder().encode([0.5, .infinity])) == [
                0.5, .infinity,
            ])
        let error = wireDecodingError([Int8].self, try BinaryEncoder().encode([Int.max]))
        #expect(error?.isDataCorrupted == true)
        #expect(wireDecodingError([String].self, try BinaryEncoder().encode([1.0]))?.isTypeMismatch == true)
    }

    @Test("[UInt8] is one blob, not one element per byte")
    func byteArrayIsCompact() throws {
        let bytes = [UInt8](repeating: 0xAB, count: 4096)
        #expect(try BinaryEncoder().encode(bytes).count <= 4096 + 4)
        let doubles = [Double](repeating: 1, count: 512)
        #expect(try BinaryEncoder().encode(doubles).count <= 512 * 8 + 6)
    }

    @Test("Data round trips, compactly, and reads as [UInt8] and back")
    func foundationData() throws {
        let data = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0) })
        let encoded = try BinaryEncoder().encode(data)
        #expect(encoded.count <= 1000 + 12)
        #expect(try BinaryDecoder().decode(Data.self, from: encoded) == data)
        #expect(try BinaryDecoder().decode([UInt8].self, from: encoded) == Array(data))
        #expect(try BinaryDecoder().decode(Data.self, from: BinaryEncoder().encode(Array(data))) == data)
        #expect(try wireRoundTrip(Data()) == Data())
        #expect(try wireRoundTrip([Data([1]), Data()]) == [Data([1]), Data()])
    }

    @Test("nested generics")
    func nestedGenerics() throws {
        let inner = WireBox(value: ["a": 1], list: [[:], ["b": 2]], optional: nil)
        let outer = WireBox(value: inner, list: [inner, inner], optional: inner)
        #expect(try wireRoundTrip(outer) == outer)
    }

    @Test("classes encode their superclass through superEncoder or a shared container")
    func classes() throws {
        let derived = WireDerived(base: 3, name: "three")
        #expect(try wireRoundTrip(derived) == derived)
        let sharing = WireSharingDerived(base: 4, extra: [4, 4])
        #expect(try wireRoundTrip(sharing) == sharing)
        #expect(try wireRoundTrip([derived]) == [derived])
    }

    @Test("everything at once")
    func everything() throws {
        let value = WireEverything(message: wireSampleMessage())
        #expect(try wireRoundTrip(value) == value)
    }

    @Test("random values of every kind round trip (seeded)")
    func randomValues() throws {
        var generator = WireSeededGenerator(seed: 2026)
        for _ in 0..<300 {
            let value = WireEverything.random(using: &generator)
            #expect(try wireRoundTrip(value) == value)
        }
    }

    @Test("appendingTo keeps what the buffer held and leaves it unchanged on error")
    func appending() throws {
        var buffer: [UInt8] = [9, 9, 9, 9]
        try BinaryEncoder().encode(wireSampleMessage(), appendingTo: &buffer)
        #expect(buffer[..<4] == [9, 9, 9, 9])
        let decoded = try buffer.withUnsafeBytes {
            try BinaryDecoder().decode(WireMessage.self, from: UnsafeRawBufferPointer(rebasing: $0[4...]))
        }
        #expect(decoded == wireSampleMessage())
        var untouched: [UInt8] = [1, 2]
        #expect(throws: EncodingError.self) {
            try BinaryEncoder().encode(WireDepth(levels: 600), appendingTo: &untouched)
        }
        #expect(untouched == [1, 2])
    }

    @Test("integers read back with another width or signedness when they fit")
    func integerWidths() throws {
        let small = try BinaryEncoder().encode(Int8(-5))
        #expect(try BinaryDecoder().decode(Int64.self, from: small) == -5)
        let unsigned = try BinaryEncoder().encode(UInt64(200))
        #expect(try BinaryDecoder().decode(Int16.self, from: unsigned) == 200)
        #expect(try BinaryDecoder().decode(Int128.self, from: unsigned) == 200)
    }

    @Test("userInfo reaches encode(to:) and init(from:)")
    func userInfo() throws {
        let key = CodingUserInfoKey(rawValue: "wire.test")!
        var encoder = BinaryEncoder()
        encoder.userInfo[key] = 5
        var decoder = BinaryDecoder()
        decoder.userInfo[key] = 7
        let bytes = try encoder.encode(WireUserInfoProbe(seen: 0))
        #expect(try decoder.decode(WireUserInfoProbe.self, from: bytes).seen == 5 * 100 + 7)
    }

    @Test("a value that encodes nothing reads back as an empty keyed value")
    func emptyValue() throws {
        #expect(try wireRoundTrip(WireNothing()) == WireNothing())
        #expect(try wireRoundTrip([WireNothing(), WireNothing()]).count == 2)
    }
}

/// Encodes the encoder's user info value; decoding combines it with the decoder's.
struct WireUserInfoProbe: Codable {
    var seen: Int
    static let key = CodingUserInfoKey(rawValue: "wire.test")!
    init(seen: Int) { self.seen = seen }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoder.userInfo[Self.key] as? Int ?? -1)
    }
    init(from decoder: any Decoder) throws {
        seen = try decoder.singleValueContainer().decode(Int.self) * 100 + (decoder.userInfo[Self.key] as? Int ?? -1)
    }
}

struct WireNothing: Codable, Equatable {
    func encode(to encoder: any Encoder) throws {}
    init() {}
    init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: WireIndexlessKey.self) }
}

struct WireIndexlessKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A value nested `levels` deep: nested unkeyed containers.
struct WireDepth: Codable {
    var levels: Int
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        if levels > 0 { try container.encode(WireDepth(levels: levels - 1)) }
    }
    init(levels: Int) { self.levels = levels }
    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        levels = container.isAtEnd ? 0 : try container.decode(WireDepth.self).levels + 1
    }
}

/// A single-value wrapper around a number.
struct WireWrapped: Codable, Equatable {
    var raw: Double
    init(raw: Double) { self.raw = raw }
    init(from decoder: any Decoder) throws { raw = try decoder.singleValueContainer().decode(Double.self) }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(raw)
    }
}

extension WireEverything {
    static func random(using generator: inout WireSeededGenerator) -> WireEverything {
        func string() -> String {
            let alphabet = Array("aé€🧪\u{0}Z9 -")
            return String(
                (0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        func shape(_ depth: Int) -> WireShape {
            switch Int.random(in: 0...(depth > 3 ? 2 : 4), using: &generator) {
            case 0: return .empty
            case 1: return .circle(radius: .random(in: -1e6...1e6, using: &generator))
            case 2: return .rectangle(.random(in: -1...1, using: &generator), .random(in: -1...1, using: &generator))
            case 3: return .labeled(string(), inner: Bool.random(using: &generator) ? shape(depth + 1) : nil)
            default: return .group((0..<Int.random(in: 0...3, using: &generator)).map { _ in shape(depth + 1) })
            }
        }
        var value = WireEverything(
            message: WireMessage(
                id: .random(in: .min ... .max, using: &generator), name: string(),
                values: (0..<Int.random(in: 0...9, using: &generator)).map { _ in
                    .random(in: -1e300...1e300, using: &generator)
                },
                flag: [true, false, nil][Int.random(in: 0...2, using: &generator)]))
        value.int8 = .random(in: .min ... .max, using: &generator)
        value.uint16 = .random(in: .min ... .max, using: &generator)
        value.int128 =
            Int128(Int64.random(in: .min ... .max, using: &generator)) << Int.random(in: 0...63, using: &generator)
        value.uint128 =
            UInt128(UInt64.random(in: .min ... .max, using: &generator)) << Int.random(in: 0...64, using: &generator)
        value.float = .random(in: -1e30...1e30, using: &generator)
        value.bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
            .random(in: 0...255, using: &generator)
        }
        value.ints = (0..<Int.random(in: 0...20, using: &generator)).map { _ in
            .random(in: .min ... .max, using: &generator)
        }
        value.strings = (0..<Int.random(in: 0...5, using: &generator)).map { _ in string() }
        value.nested = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
            (0..<Int.random(in: 0...4, using: &generator)).map { _ in .random(in: .min ... .max, using: &generator) }
        }
        value.optionalOptional =
            [.none, .some(.none), .some(.some(.random(in: -9...9, using: &generator)))][
                Int.random(in: 0...2, using: &generator)]
        value.shapes = (0..<Int.random(in: 0...4, using: &generator)).map { _ in shape(0) }
        value.byString = Dictionary(
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                (
                    Bool.random(using: &generator) ? string() : String(Int.random(in: -99...99, using: &generator)),
                    Int.random(in: 0...9, using: &generator)
                )
            }, uniquingKeysWith: { first, _ in first })
        value.byInt = Dictionary(
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                (Int.random(in: .min ... .max, using: &generator), string())
            }, uniquingKeysWith: { first, _ in first })
        value.box = WireBox(
            value: string(), list: [string()], optional: Bool.random(using: &generator) ? string() : nil)
        return value
    }
}
