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

@Suite("Binary wire format: containers", .timeLimit(.minutes(1)))
struct WireFormatContainerTests {
    @Test("keys are found in any order, unknown keys are skipped, nil keys are omitted")
    func keyLookup() throws {
        let message = WireMessage(id: 1, name: "n", values: [], flag: nil)
        let bytes = try BinaryEncoder().encode(message)
        #expect(
            try BinaryDecoder().decode(WireReversed.self, from: bytes)
                == WireReversed(flag: nil, values: [], name: "n", id: 1))
        #expect(try BinaryDecoder().decode(WireIDOnly.self, from: bytes).id == 1)
        // `flag: nil` is not written at all.
        #expect(!BinaryDecoder.describe(bytes).contains("flag"))
        #expect(wireDecodingError(WireFlagRequired.self, bytes)?.isKeyNotFound == true)
    }

    @Test("nested containers and superEncoder in unkeyed and keyed containers")
    func nestedContainers() throws {
        let value = WireNestedContainers(numbers: [1, 2, 3], label: "x", inner: WireBase(base: 9))
        #expect(try wireRoundTrip(value) == value)
        #expect(try wireRoundTrip([value, value]) == [value, value])
    }

    @Test("unkeyed count and currentIndex follow the elements, byte runs counted by byte")
    func unkeyedCount() throws {
        let counted = try wireRoundTrip(WireCounted(elements: [1, 2, 3], bytes: [7, 8]))
        #expect(counted.seenCount == 6)
        #expect(counted.elements == [1, 2, 3] && counted.bytes == [7, 8])
    }
}

struct WireReversed: Decodable, Equatable {
    var flag: Bool?, values: [Double], name: String, id: Int
    init(flag: Bool?, values: [Double], name: String, id: Int) {
        (self.flag, self.values, self.name, self.id) = (flag, values, name, id)
    }
    enum CodingKeys: CodingKey { case id, name, values, flag }
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        flag = try container.decodeIfPresent(Bool.self, forKey: .flag)
        values = try container.decode([Double].self, forKey: .values)
        name = try container.decode(String.self, forKey: .name)
        id = try container.decode(Int.self, forKey: .id)
    }
}

struct WireIDOnly: Decodable { var id: Int }
struct WireFlagRequired: Decodable { var flag: Bool }

/// Uses nested keyed and unkeyed containers and `superEncoder` of both kinds.
struct WireNestedContainers: Codable, Equatable {
    var numbers: [Int]
    var label: String
    var inner: WireBase

    enum Key: CodingKey { case list, meta, label, inner }

    init(numbers: [Int], label: String, inner: WireBase) {
        (self.numbers, self.label, self.inner) = (numbers, label, inner)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        for number in numbers { try list.encode(number) }
        var meta = list.nestedContainer(keyedBy: Key.self)
        try meta.encode(label, forKey: .label)
        try inner.encode(to: list.superEncoder())
        try inner.encode(to: container.superEncoder(forKey: .inner))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var list = try container.nestedUnkeyedContainer(forKey: .list)
        numbers = []
        for _ in 0..<3 { numbers.append(try list.decode(Int.self)) }
        label = try list.nestedContainer(keyedBy: Key.self).decode(String.self, forKey: .label)
        let fromList = try WireBase(from: list.superDecoder())
        inner = try WireBase(from: container.superDecoder(forKey: .inner))
        guard fromList == inner, list.isAtEnd else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "mismatch"))
        }
    }
}

/// Writes ints and a byte run into one unkeyed container and reads back its count.
struct WireCounted: Codable {
    var elements: [Int]
    var bytes: [UInt8]
    var seenCount = -1

    init(elements: [Int], bytes: [UInt8]) { (self.elements, self.bytes) = (elements, bytes) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(elements.count)
        for element in elements { try container.encode(element) }
        try container.encode(contentsOf: bytes)
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        seenCount = container.count ?? -1
        let count = try container.decode(Int.self)
        elements = try (0..<count).map { _ in try container.decode(Int.self) }
        bytes = []
        while !container.isAtEnd { bytes.append(try container.decode(UInt8.self)) }
        guard container.currentIndex == seenCount else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "index \(container.currentIndex)"))
        }
    }
}
