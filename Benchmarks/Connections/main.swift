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

// connection-benchmark: Listener and Connection.connect, and Manager's
// SharedDictionary, against Python's multiprocessing.connection and
// Manager().dict(), and against this package's own Pipe and raw Connection
// round trips, side by side in one run.
//
//     swift run -c release connection-benchmark [--runs 5] [--quick] [--no-python]
//
// Workloads (each a median of RUNS runs):
// - a 32-byte round trip to a forked echo process over a Listener/Client
//   connection on a Unix socket with a key (vs Python's; vs a Pipe);
// - connections accepted and authenticated per second, CLIENTS (4) forked
//   client processes connecting and closing at once (vs Python's Listener
//   and Client, with as many clients);
// - a SharedDictionary set then get (vs Python's Manager().dict(); vs two
//   raw round trips over a Listener/Client connection).
// The forked workloads run first, while this process has one thread (the
// Manager starts a launcher thread). Python's peer is
// Benchmarks/Python/connection_peer.py, run with python3 (3.11 here: the
// HMAC-MD5 handshake; ours answers it the same way).

import BenchmarkSupport
import Foundation
import Multiprocessing
import Synchronization

// MARK: Options

let arguments = benchmarkArguments
let quick = quickBenchmark
let runs = option("--runs", quick ? 3 : 5)
let roundTrips = option("--round-trips", quick ? 5_000 : 20_000)
let connections = option("--connections", quick ? 2_000 : 5_000)
let managerCalls = option("--manager-calls", quick ? 2_000 : 10_000)
let clients = option("--clients", 4)

let clock = ContinuousClock()

enum Bench {
    static let key = Array("connection benchmark key".utf8)
    static let message = [UInt8](repeating: 0x78, count: 32)
    static let counter = Atomic<Int>(0)

    static func freshAddress() -> ConnectionAddress {
        .unix(path: "/tmp/mp-bench-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue).sock")
    }
}

/// Echoes every message on `connection` until the end of the stream.
func echo(_ connection: Connection) {
    while let message = try? connection.receiveBytes() {
        try? connection.sendBytes(message)
    }
}

/// `count` 32-byte round trips on `connection`: µs each (after 100 to warm up).
func roundTrips(_ connection: Connection, _ count: Int) throws -> Double {
    for _ in 0..<100 {
        try connection.sendBytes(Bench.message)
        _ = try connection.receiveBytes()
    }
    let began = clock.now
    for _ in 0..<count {
        try connection.sendBytes(Bench.message)
        _ = try connection.receiveBytes()
    }
    return seconds(clock.now - began) / Double(count) * 1e6
}

// MARK: Swift workloads

/// A round trip over a Listener/Client Unix connection with a key.
func listenerRoundTrip(count: Int) throws -> Double {
    let address = Bench.freshAddress()
    let listener = try Listener(address: address, authKey: Bench.key)
    defer { listener.close() }
    let child = try ChildProcess.fork {
        echo(try Connection.connect(to: address, authKey: Bench.key))
        return 0
    }
    let connection = try listener.accept()
    let result = try roundTrips(connection, count)
    connection.close()
    _ = try child.join()
    return result
}

/// The same round trip over a Pipe.
func pipeRoundTrip(count: Int) throws -> Double {
    let (ours, theirs) = try Multiprocessing.Pipe().ends
    let child = try ChildProcess.fork {
        echo(theirs)
        return 0
    }
    theirs.close()
    let result = try roundTrips(ours, count)
    ours.close()
    _ = try child.join()
    return result
}

/// Connections accepted and authenticated per second, from `clients` client processes.
func acceptRate(connections: Int, clients: Int) throws -> Double {
    let address = Bench.freshAddress()
    let listener = try Listener(address: address, authKey: Bench.key)
    defer { listener.close() }
    let perClient = connections / clients
    let children = try (0..<clients).map { _ in
        try ChildProcess.fork {
            for _ in 0..<perClient { try Connection.connect(to: address, authKey: Bench.key).close() }
            return 0
        }
    }
    var accepted = 0
    var began = clock.now
    while accepted < perClient * clients {
        let connection = try listener.accept()
        if accepted == 0 { began = clock.now }
        accepted += 1
        connection.close()
    }
    let elapsed = clock.now - began
    for child in children {
        let status = try child.join()
        precondition(status == .exited(0))
    }
    return Double(accepted - 1) / seconds(elapsed)
}

/// Two raw round trips (the cost a set+get on a server cannot go below).
func twoRawRoundTrips(count: Int) throws -> Double {
    try 2 * listenerRoundTrip(count: count)
}

/// A SharedDictionary set then get: µs per pair.
func managerSetGet(_ dictionary: SharedDictionary<Int, Int>, count: Int) throws -> Double {
    for index in 0..<100 {
        try dictionary.setValue(index, forKey: index)
        _ = try dictionary.value(forKey: index)
    }
    let began = clock.now
    for index in 0..<count {
        try dictionary.setValue(index, forKey: index)
        let value = try dictionary.value(forKey: index)
        precondition(value == index)
    }
    return seconds(clock.now - began) / Double(count) * 1e6
}

print("connection-benchmark: \(runs) runs per figure, medians\n")
let listenerTrip = try median(runs: runs) { try listenerRoundTrip(count: roundTrips) }
let pipeTrip = try median(runs: runs) { try pipeRoundTrip(count: roundTrips) }
let accepts = try median(runs: runs) { try acceptRate(connections: connections, clients: clients) }
let rawPair = try median(runs: runs) { try twoRawRoundTrips(count: managerCalls) }
let manager = try Manager()
let dictionary = try manager.dictionary("benchmark", of: [Int: Int].self)
let setGet = try median(runs: runs) { try managerSetGet(dictionary, count: managerCalls) }
manager.shutdown()

// MARK: Python

/// Runs the Python peer; its medians, or an empty table if it failed.
func pythonPeer() -> [String: Double] {
    let figures = pythonFigures(
        "connection_peer.py",
        [
            "--runs", "\(runs)", "--round-trips", "\(roundTrips)", "--connections", "\(connections)",
            "--clients", "\(clients)", "--manager-calls", "\(managerCalls)",
        ])
    if figures == nil { print("note: python3's peer failed or is not available: Python's rows are skipped") }
    return figures ?? [:]
}

var python: [String: Double] = [:]
if !arguments.contains("--no-python") {
    print("Swift measured; running Python 3's peer...")
    python = pythonPeer()
}

// MARK: Report

var bench: [String] = []
@MainActor
func row(
    _ name: String, _ ours: Double, _ theirs: Double?, unit: String, higherIsBetter: Bool, target: String, peer: String
) {
    let ratio = theirs.map { higherIsBetter ? ours / $0 : $0 / ours }
    if let theirs {
        bench.append(
            "BENCH\tconnections\t\(name)\t\(unit)\t\(higherIsBetter ? "higher" : "lower")\t\(ours)\t\(peer)\t\(theirs)")
    }
    let theirsText = theirs.map { String(format: "%14.2f", $0) } ?? String(repeating: " ", count: 11) + "n/a"
    let ratioText = ratio.map { String(format: "%8.2fx", $0) } ?? "        -"
    print(
        "\(name.padding(toLength: 50, withPad: " ", startingAt: 0)) \(String(format: "%14.2f", ours)) \(theirsText) \(ratioText)  \(unit.padding(toLength: 8, withPad: " ", startingAt: 0)) \(target)"
    )
}

print("\nworkload                                                     ours           peer    better  unit     target")
row(
    "Listener/Client round trip, 32 B (vs Python)", listenerTrip, python["listener_round_trip_us"],
    unit: "µs", higherIsBetter: false, target: ">= 1.2x", peer: "Python multiprocessing.connection")
row(
    "Listener/Client round trip, 32 B (vs Pipe)", listenerTrip, pipeTrip,
    unit: "µs", higherIsBetter: false, target: ">= 0.91x (<= 1.1x the Pipe's time)", peer: "Swift Pipe")
row(
    "connections accepted+authenticated, \(clients) clients (vs Python)", accepts, python["accept_rate_per_s"],
    unit: "conn/s", higherIsBetter: true, target: ">= 3x", peer: "Python Listener/Client")
row(
    "SharedDictionary set+get (vs Manager().dict())", setGet, python["manager_set_get_us"],
    unit: "µs", higherIsBetter: false, target: ">= 1.5x", peer: "Python Manager().dict()")
row(
    "SharedDictionary set+get (vs 2 raw round trips)", setGet, rawPair,
    unit: "µs", higherIsBetter: false, target: ">= 0.77x (<= 1.3x the raw time)", peer: "Swift 2 Connection round trips"
)
print("")
bench.forEach { print($0) }
