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

// codec-benchmark: the package's binary Codable wire format against the
// serialisers a Swift user would pick instead -- Foundation's JSONEncoder /
// JSONDecoder and PropertyListEncoder / PropertyListDecoder (binary) -- and
// against Python's pickle on the same values, side by side in one run.
//
//     swift run -c release codec-benchmark [--quick] [--only TEXT]
//
// `--only TEXT` measures only the payloads whose name contains TEXT (for
// example `--only "[UInt8]"`), without pickle, for chasing one row in
// alternating runs.
//
// For each payload it prints the encoded sizes and the median time per
// operation (encode, decode, encode + decode) of each serialiser, then
// Benchmarks/Python/codec_peer.py runs as a child process and gives pickle's
// medians for the same values. `BENCH` lines (ours against each peer) go to
// Benchmarks/run-all.

import Foundation
import Multiprocessing

// MARK: Payloads (the same values as codec_peer.py's PAYLOADS)

struct Message: Codable, Equatable {
    var id: Int
    var name: String
    var values: [Double]
    var flag: Bool?
}

struct Point: Codable, Equatable {
    var x: Double
    var y: Double
}

struct Record: Codable, Equatable {
    var id: Int
    var name: String
    var tags: [String]
    var position: Point
    var score: Double?
    var kind: Kind

    enum Kind: Codable, Equatable {
        case plain
        case weighted(Double)
        case labeled(String, count: Int)
    }
}

/// The shape of a small `ProcessPool` job.
struct AddOne: Codable, Equatable {
    var x: Int
}

let message = Message(id: 42, name: "job-42", values: (0..<8).map { Double($0) * 1.5 }, flag: true)
let addOne = AddOne(x: 12_345)
let addOnes = (0..<10_000).map { AddOne(x: $0) }
let bytes4K = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
let data4K = Data(bytes4K)
let names = (0..<10_000).map { "dir\($0 % 100)/file_\($0).txt" }
let records = (0..<1000).map { index in
    Record(
        id: index, name: "record \(index)", tags: ["a", "tag-\(index % 7)"],
        position: Point(x: Double(index) * 0.5, y: -Double(index)),
        score: index % 3 == 0 ? nil : Double(index) / 7,
        kind: [.plain, .weighted(Double(index)), .labeled("l", count: index)][index % 3])
}

// MARK: Measuring

let quick = CommandLine.arguments.contains("--quick")
let onlyPayloadsNamed = CommandLine.arguments.firstIndex(of: "--only").flatMap { index in
    CommandLine.arguments.indices.contains(index + 1) ? CommandLine.arguments[index + 1] : nil
}

/// Keeps the optimizer from dropping a result.
@inline(never)
func blackHole<T>(_ value: T) -> Int {
    withUnsafePointer(to: value) { Int(bitPattern: $0) & 1 }
}

/// Median nanoseconds per call of `body`, over `samples` timed batches.
func medianNanoseconds(
    samples: Int = quick ? 7 : 31, targetBatch: Duration = .milliseconds(quick ? 2 : 10),
    _ body: () throws -> Int
) rethrows -> Double {
    let clock = ContinuousClock()
    var sink = 0
    defer { if sink == 42 { print("") } }
    // Size the batch so one sample takes about `targetBatch`.
    var iterations = 1
    while true {
        let start = clock.now
        for _ in 0..<iterations { sink &+= try body() }
        if clock.now - start >= targetBatch / 4 || iterations >= 1 << 24 { break }
        iterations *= 2
    }
    iterations *= 4
    var times: [Double] = []
    for _ in 0..<samples {
        let start = clock.now
        for _ in 0..<iterations { sink &+= try body() }
        let elapsed = clock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        times.append(nanoseconds / Double(iterations))
    }
    times.sort()
    return times[times.count / 2]
}

func format(_ nanoseconds: Double) -> String {
    switch nanoseconds {
    case ..<1_000: String(format: "%8.0f ns", nanoseconds)
    case ..<1_000_000: String(format: "%8.2f µs", nanoseconds / 1_000)
    default: String(format: "%8.2f ms", nanoseconds / 1_000_000)
    }
}

/// A serialiser under test: its name in reports and its three operations on one value.
struct Contender {
    var name: String
    var size: Int
    var encode: () throws -> Int
    var decode: () throws -> Int
    var roundTrip: () throws -> Int
}

func contenders<T: Codable & Equatable>(_ value: T) throws -> [Contender] {
    let binaryEncoder = BinaryEncoder()
    let binaryDecoder = BinaryDecoder()
    let jsonEncoder = JSONEncoder()
    let jsonDecoder = JSONDecoder()
    let plistEncoder = PropertyListEncoder()
    let plistDecoder = PropertyListDecoder()
    plistEncoder.outputFormat = .binary
    let binary = try binaryEncoder.encode(value)
    let json = try jsonEncoder.encode(value)
    let plist = try plistEncoder.encode(value)
    let copies = (
        try binaryDecoder.decode(T.self, from: binary), try jsonDecoder.decode(T.self, from: json),
        try plistDecoder.decode(T.self, from: plist)
    )
    precondition(copies.0 == value && copies.1 == value && copies.2 == value, "a round trip changed the value")
    return [
        Contender(
            name: "binary", size: binary.count,
            encode: { try binaryEncoder.encode(value).count },
            decode: { blackHole(try binaryDecoder.decode(T.self, from: binary)) },
            roundTrip: { blackHole(try binaryDecoder.decode(T.self, from: binaryEncoder.encode(value))) }),
        Contender(
            name: "JSONEncoder/JSONDecoder", size: json.count,
            encode: { try jsonEncoder.encode(value).count },
            decode: { blackHole(try jsonDecoder.decode(T.self, from: json)) },
            roundTrip: { blackHole(try jsonDecoder.decode(T.self, from: jsonEncoder.encode(value))) }),
        Contender(
            name: "PropertyListEncoder (binary)", size: plist.count,
            encode: { try plistEncoder.encode(value).count },
            decode: { blackHole(try plistDecoder.decode(T.self, from: plist)) },
            roundTrip: { blackHole(try plistDecoder.decode(T.self, from: plistEncoder.encode(value))) }),
    ]
}

/// One payload's figures: operation -> contender -> median nanoseconds.
struct PayloadFigures {
    var name: String
    var pythonKey: String
    var sizes: [String: Int] = [:]
    var times: [String: [String: Double]] = [:]
}

let operations = ["encode", "decode", "round trip"]

func measure<T: Codable & Equatable>(_ name: String, python pythonKey: String, _ value: T) throws -> PayloadFigures? {
    if let onlyPayloadsNamed, !name.contains(onlyPayloadsNamed) { return nil }
    var figures = PayloadFigures(name: name, pythonKey: pythonKey)
    for contender in try contenders(value) {
        figures.sizes[contender.name] = contender.size
        for (operation, body) in zip(operations, [contender.encode, contender.decode, contender.roundTrip]) {
            figures.times[operation, default: [:]][contender.name] = try medianNanoseconds(body)
        }
    }
    return figures
}

// MARK: Python

/// pickle's medians for the same values: payload -> operation -> nanoseconds (and "bytes").
func runPythonPeer() -> [String: [String: Double]] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Python/codec_peer.py").path
    let process = Foundation.Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + (quick ? ["--quick"] : [])
    let output = Foundation.Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        print("(python3 not available: \(error))")
        return [:]
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Double]] ?? [:]
}

// MARK: Main

print(
    "codec-benchmark: the binary wire format against JSON, binary property lists and Python's pickle (medians per operation)"
)
let payloads = [
    try measure("small struct (Message, 8 doubles)", python: "message", message),
    try measure("one {x: Int} struct (AddOne)", python: "addone", addOne),
    try measure("10,000 {x: Int} structs ([AddOne])", python: "addones", addOnes),
    try measure("4 KiB [UInt8]", python: "bytes4k", bytes4K),
    try measure("4 KiB Data", python: "bytes4k", data4K),
    try measure("10,000 file names ([String])", python: "names", names),
    try measure("1,000 nested structs ([Record])", python: "records", records),
].compactMap { $0 }
// A run of `--only` payloads chases one row of ours: no pickle.
let python = onlyPayloadsNamed == nil ? runPythonPeerAnnounced() : [:]

func runPythonPeerAnnounced() -> [String: [String: Double]] {
    print("Swift measured; running Python 3's pickle on the same values...")
    return runPythonPeer()
}

let pythonOperation = ["encode": "encode", "decode": "decode", "round trip": "roundtrip"]
let peers = ["JSONEncoder/JSONDecoder", "PropertyListEncoder (binary)", "Python pickle"]
var bench: [String] = []
for payload in payloads {
    let pickleSize = python[payload.pythonKey]?["bytes"].map { Int($0) }
    let sizes =
        ["binary", "JSONEncoder/JSONDecoder", "PropertyListEncoder (binary)"].map { "\($0) \(payload.sizes[$0]!) B" }
        + (pickleSize.map { ["pickle \($0) B"] } ?? [])
    print("\n\(payload.name): \(sizes.joined(separator: ", "))")
    print("  operation          binary          JSON   plist (bin)        pickle   faster than JSON / plist / pickle")
    for operation in operations {
        let ours = payload.times[operation]!["binary"]!
        var peerTimes = [
            payload.times[operation]!["JSONEncoder/JSONDecoder"]!,
            payload.times[operation]!["PropertyListEncoder (binary)"]!,
        ]
        let pickle = python[payload.pythonKey]?[pythonOperation[operation]!]
        peerTimes.append(pickle ?? .nan)
        let times = ([ours] + peerTimes).map { $0.isNaN ? "         n/a" : format($0) }.joined(separator: "   ")
        let ratios = peerTimes.map { $0.isNaN ? "n/a" : String(format: "%.1fx", $0 / ours) }.joined(separator: " / ")
        print("  \(operation.padding(toLength: 12, withPad: " ", startingAt: 0)) \(times)   \(ratios)")
        for (peer, time) in zip(peers, peerTimes) where !time.isNaN {
            bench.append("BENCH\tcodec\t\(payload.name) \(operation)\tns\tlower\t\(ours)\t\(peer)\t\(time)")
        }
    }
}
print("")
bench.forEach { print($0) }
