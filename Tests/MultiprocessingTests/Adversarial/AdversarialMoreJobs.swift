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

#if canImport(Glibc)
    import Glibc
#endif

/// Stops its own worker with SIGSTOP; the test continues it with SIGCONT.
struct AdvStopSelf: Job {
    func run() -> Int32 {
        raise(SIGSTOP)
        return getpid()
    }
}

/// Closes the worker's own socket to the pool (descriptor 3).
struct AdvCloseSocket: Job {
    func run() -> Int {
        close(3)
        return 1
    }
}

struct AdvWide: Job {
    func run() -> [UInt128] { [0, 1, UInt128.max] }
}

struct AdvWideSigned: Job {
    var value: Int128
    func run() -> Int128 { value &+ 1 }
}

struct AdvFloat16: Job {
    func run() -> [Float16] { [1.5, -0.0, .infinity] }
}

indirect enum AdvDeep: Codable, Sendable {
    case leaf
    case node(AdvDeep)
    var depth: Int {
        var d = 0
        var current = self
        while case .node(let inner) = current {
            d += 1
            current = inner
        }
        return d
    }
    static func make(_ depth: Int) -> AdvDeep {
        var value = AdvDeep.leaf
        for _ in 0..<depth { value = .node(value) }
        return value
    }
}

struct AdvDeepJob: Job {
    var value: AdvDeep
    func run() -> Int { value.depth }
}

/// Custom coding that uses nested containers, super encoders and nils.
struct AdvCustomCoded: Codable, Sendable, Equatable {
    var a: Int
    var b: [String?]
    var c: [String: [Int]]
    enum Keys: String, CodingKey { case a, inner, list, sup }
    enum InnerKeys: String, CodingKey { case c }
    init(a: Int, b: [String?], c: [String: [Int]]) {
        self.a = a
        self.b = b
        self.c = c
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(a, forKey: .a)
        var inner = container.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
        try inner.encode(c, forKey: .c)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        for item in b {
            if let item { try list.encode(item) } else { try list.encodeNil() }
        }
        let sup = container.superEncoder(forKey: .sup)
        var single = sup.singleValueContainer()
        try single.encode(a * 2)
    }
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        a = try container.decode(Int.self, forKey: .a)
        let inner = try container.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
        c = try inner.decode([String: [Int]].self, forKey: .c)
        var list = try container.nestedUnkeyedContainer(forKey: .list)
        var items: [String?] = []
        while !list.isAtEnd {
            if try list.decodeNil() { items.append(nil) } else { items.append(try list.decode(String.self)) }
        }
        b = items
        let doubled = try Int(from: container.superDecoder(forKey: .sup))
        guard doubled == a * 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "super"))
        }
    }
}

struct AdvEchoCustom: Job {
    var value: AdvCustomCoded
    func run() -> AdvCustomCoded { value }
}

/// A plain-looking struct whose decoding validates (which runs in the worker:
/// only `BitwiseTransferable` types skip their Codable code).
struct AdvValidated: Job {
    var value: Int
    init(value: Int) { self.value = value }
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = try container.decode(Int.self)
        if value < 0 { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "negative")) }
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
    func run() -> Int { value }
}

struct AdvPlainPair: Job {
    var x: Int32
    var y: Double
    var flag: Bool
    func run() -> AdvPlainOut { AdvPlainOut(sum: Double(x) + y, flag: !flag, nan: .nan) }
}

struct AdvPlainOut: Codable, Sendable {
    var sum: Double
    var flag: Bool
    var nan: Double
}

struct AdvStrings: Job {
    var dictionary: [String: Int]
    var set: Set<String>
    func run() -> [String] { dictionary.keys.sorted() + set.sorted() }
}
