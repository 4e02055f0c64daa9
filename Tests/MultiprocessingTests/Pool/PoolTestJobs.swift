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

// Jobs the pool tests send to workers. They live in the test module on
// purpose: a spawned worker (a fresh copy of the test runner) must find them
// by their mangled names, which is what "spawn works inside the test runner" means.

struct AddOne: Job {
    var x: Int
    func run() -> Int { x + 1 }
}

struct Greeting: Job {
    var name: String
    func run() -> String { "hello, \(name)" }
}

/// Spends `milliseconds` of wall-clock time: the stand-in for long work in
/// the tests' jobs (a job that outlives a time limit, a busy worker). The
/// one sleep of the tests' jobs; tests never sleep to order events.
func takeTime(milliseconds: Int) {
    if milliseconds > 0 { usleep(UInt32(milliseconds) * 1000) }
}

/// Returns the worker's pid, after `milliseconds`.
struct WorkerPID: Job {
    var milliseconds = 0
    func run() -> Int32 {
        takeTime(milliseconds: milliseconds)
        return getpid()
    }
}

struct Sleep: Job {
    var milliseconds: Int
    func run() -> Int {
        takeTime(milliseconds: milliseconds)
        return milliseconds
    }
}

/// Never returns (until its worker is killed).
struct Forever: Job {
    func run() -> Int {
        while true { pause() }
    }
}

enum ParseFailure: Error, Codable, Equatable {
    case badDigit(Character.UTF8View.Element)
    case empty
}

struct Parse: Job {
    var text: String
    func run() throws -> Int {
        guard !text.isEmpty else { throw ParseFailure.empty }
        var value = 0
        for byte in text.utf8 {
            guard (48...57).contains(byte) else { throw ParseFailure.badDigit(byte) }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}

/// An error that cannot travel as itself.
struct OpaqueFailure: Error, CustomStringConvertible {
    var code: Int
    var description: String { "opaque failure \(code)" }
}

struct ThrowOpaque: Job {
    var code: Int
    func run() throws -> Int { throw OpaqueFailure(code: code) }
}

/// Ends its worker the way `how` says.
struct Crash: Job {
    enum How: String, Codable { case trap, exit, kill, memoryFault }
    var how: How
    func run() -> Int {
        switch how {
        case .trap: fatalError("a job that traps")
        case .exit: exit(3)
        case .kill: kill(getpid(), SIGKILL)
        case .memoryFault: raise(SIGSEGV)  // what reading a main.swift String global in a spawned worker does
        }
        return 0
    }
}

/// An output whose encoding fails.
struct Unencodable: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(0, .init(codingPath: [], debugDescription: "refuses to be encoded"))
    }
}

struct MakeUnencodable: Job {
    func run() -> Unencodable { Unencodable() }
}

/// An output that encodes but refuses to be decoded in the parent.
struct Undecodable: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "refuses to be decoded"))
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
    }
}

struct MakeUndecodable: Job {
    func run() -> Undecodable { Undecodable() }
}

/// Worker-global state set by an initializer.
nonisolated(unsafe) var initializedValue = 0

struct SetGlobal: Job {
    var value: Int
    func run() -> Int {
        initializedValue = value
        return value
    }
}

struct ReadGlobal: Job {
    func run() -> Int { initializedValue }
}

struct FailingInitializer: Job {
    func run() throws -> Int { throw ParseFailure.empty }
}

/// Writes a frame the pool cannot understand to the worker's private socket.
struct CorruptTheChannel: Job {
    func run() -> Int {
        let garbage: [UInt8] = [0, 0, 0, 1, 0xEE]  // a one-byte frame of an unknown kind
        _ = garbage.withUnsafeBytes { send(3, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return 1
    }
}

/// An initializer that takes `milliseconds`.
struct SlowInitializer: Job {
    var milliseconds: Int
    func run() -> Int {
        takeTime(milliseconds: milliseconds)
        return milliseconds
    }
}
