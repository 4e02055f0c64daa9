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

// Types and helpers shared by the wire format tests.

/// The small struct of the benchmark.
struct WireMessage: Codable, Equatable, Sendable {
    var id: Int
    var name: String
    var values: [Double]
    var flag: Bool?
}

indirect enum WireShape: Codable, Equatable {
    case empty
    case circle(radius: Double)
    case rectangle(Double, Double)
    case labeled(String, inner: WireShape?)
    case group([WireShape])
}

struct WireBox<T: Codable & Equatable>: Codable, Equatable {
    var value: T
    var list: [T]
    var optional: T?
}

class WireBase: Codable, Equatable {
    var base: Int
    init(base: Int) { self.base = base }
    static func == (lhs: WireBase, rhs: WireBase) -> Bool { lhs.isEqual(to: rhs) }
    func isEqual(to other: WireBase) -> Bool { base == other.base && type(of: self) == type(of: other) }
}

/// A subclass that encodes its superclass through `superEncoder()`.
final class WireDerived: WireBase {
    var name: String
    init(base: Int, name: String) {
        self.name = name
        super.init(base: base)
    }
    private enum CodingKeys: String, CodingKey { case name }
    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        try super.init(from: container.superDecoder())
    }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try super.encode(to: container.superEncoder())
    }
    override func isEqual(to other: WireBase) -> Bool {
        guard let other = other as? WireDerived else { return false }
        return name == other.name && super.isEqual(to: other)
    }
}

/// A subclass that shares its encoder's keyed container with its superclass.
final class WireSharingDerived: WireBase {
    var extra: [Int]
    init(base: Int, extra: [Int]) {
        self.extra = extra
        super.init(base: base)
    }
    private enum CodingKeys: String, CodingKey { case extra }
    required init(from decoder: any Decoder) throws {
        extra = try decoder.container(keyedBy: CodingKeys.self).decode([Int].self, forKey: .extra)
        try super.init(from: decoder)
    }
    override func encode(to encoder: any Encoder) throws {
        try super.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(extra, forKey: .extra)
    }
    override func isEqual(to other: WireBase) -> Bool {
        guard let other = other as? WireSharingDerived else { return false }
        return extra == other.extra && super.isEqual(to: other)
    }
}

/// Nearly every kind of value in one type: the target of the corruption tests.
struct WireEverything: Codable, Equatable {
    var message: WireMessage
    var int8: Int8 = .min
    var uint16: UInt16 = .max
    var int128: Int128 = .min
    var uint128: UInt128 = .max
    var float: Float = 1.5
    var bytes: [UInt8] = [0, 1, 2, 255]
    var ints: [Int] = [.min, 0, .max]
    var floats: [Float] = [.infinity, -0.0]
    var strings: [String] = ["", "é", "🧪"]
    var nested: [[Int8]] = [[1], [], [-1, 2]]
    var optionalOptional: Int?? = .some(nil)
    var shapes: [WireShape] = [.circle(radius: 2), .labeled("x", inner: .rectangle(1, 2)), .empty]
    var byString: [String: Int] = ["a": 1, "10": 2, "010": 3]
    var byInt: [Int: String] = [-3: "minus three", 7: "seven"]
    var byDouble: [Double: Bool] = [0.5: true]
    var box: WireBox<String> = WireBox(value: "v", list: ["l"], optional: nil)
}

func wireSampleMessage(id: Int = 42) -> WireMessage {
    WireMessage(id: id, name: "sample-\(id)", values: (0..<8).map { Double($0) * 1.25 }, flag: id % 2 == 0)
}

/// SplitMix64: a small seeded generator, so random tests are reproducible.
struct WireSeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Encodes and decodes `value` with the binary coder.
func wireRoundTrip<T: Codable>(_ value: T) throws -> T {
    try BinaryDecoder().decode(T.self, from: BinaryEncoder().encode(value))
}

/// Decodes `bytes` as `T`; returns the `DecodingError` thrown, or `nil` if it decoded.
/// Any other error is recorded as a test failure.
@discardableResult
func wireDecodingError<T: Decodable>(_: T.Type, _ bytes: [UInt8]) -> DecodingError? {
    do {
        _ = try BinaryDecoder().decode(T.self, from: bytes)
        return nil
    } catch let error as DecodingError {
        return error
    } catch {
        Issue.record("expected a DecodingError, got \(error)")
        return nil
    }
}

extension DecodingError {
    var isDataCorrupted: Bool { if case .dataCorrupted = self { true } else { false } }
    var isTypeMismatch: Bool { if case .typeMismatch = self { true } else { false } }
    var isValueNotFound: Bool { if case .valueNotFound = self { true } else { false } }
    var isKeyNotFound: Bool { if case .keyNotFound = self { true } else { false } }

    var context: Context? {
        switch self {
        case .dataCorrupted(let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context), .keyNotFound(_, let context):
            context
        @unknown default: nil
        }
    }
}
