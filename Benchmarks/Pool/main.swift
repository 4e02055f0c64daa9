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

// pool-benchmark: ProcessPool against Python's ProcessPoolExecutor and
// multiprocessing.Pool, side by side in one run (2 workers).
//
//     swift run -c release pool-benchmark [--runs 5] [--quick] [--json] [--only-transfer]
//
// Swift is measured first (the fork start method before anything else has
// started a thread), then Benchmarks/Python/pool_peer.py runs as a child
// process and prints its medians as JSON. Every figure is a median of RUNS runs.
//
// Transfer rows (issue 10): `map` of MAPS jobs (default 200,000) of four
// shapes -- `{x: Int}` as bytes (`BitwiseTransferable`) and through Codable
// against `Pool.map` of ints, `{s: String}` file names against strings, a
// `{name, x, tags}` record against a dataclass -- on the same data; f is
// x + 1, `len`, and x + len(tags). `--codec-cost` prints the codec work per
// job of each row in this process; `--profile ROW COUNT REPEATS` runs only
// that work, for callgrind (see Transfer.swift); `--map-row ROW COUNT` runs
// one map of a row, for `perf stat` (CPU time of the parent and its workers).

import BenchmarkSupport
import Foundation
import Multiprocessing

// MARK: Options

let arguments = benchmarkArguments
let quick = quickBenchmark
let runs = option("--runs", quick ? 3 : 5)
let submits = option("--submits", quick ? 20_000 : 100_000)
let pythonSubmits = option("--python-submits", quick ? 2_000 : 5_000)
let maps = option("--maps", quick ? 50_000 : 200_000)

// MARK: Measuring

let clock = ContinuousClock()

func measure(_ body: () async throws -> Double) async throws -> Double {
    var values: [Double] = []
    for _ in 0..<runs { values.append(try await body()) }
    return median(values)
}

func startToFirstResult(_ method: ProcessPool.StartMethod) throws -> Double {
    let start = clock.now
    let pool = try ProcessPool(workers: 2, options: .init(startMethod: method))
    _ = try pool.submit(AddOne(x: 1)).wait()
    let elapsed = clock.now - start
    pool.terminate()
    pool.shutdown(wait: true)
    return seconds(elapsed) * 1000
}

func submitRate() throws -> Double {
    let pool = try ProcessPool(workers: 2)
    _ = try (0..<4).map { try pool.submit(AddOne(x: $0)) }.map { try $0.wait() }
    let start = clock.now
    let futures = try (0..<submits).map { try pool.submit(AddOne(x: $0)) }
    for future in futures { _ = try future.wait() }
    let elapsed = clock.now - start
    pool.shutdown(wait: true)
    return Double(submits) / seconds(elapsed)
}

/// Keeps the optimizer from dropping work whose result is otherwise unused.
@inline(never)
func keep(_ value: Int) {
    if value == -42 { print("") }
}

func calibrateBusy(seconds target: Double) -> Int {
    var iterations = 100_000
    while true {
        let start = clock.now
        keep(Busy(iterations: iterations).run())
        let elapsed = seconds(clock.now - start)
        if elapsed > 0.02 { return Int(Double(iterations) * target / elapsed) }
        iterations *= 2
    }
}

func busySpeedup(iterations: Int) async throws -> Double {
    let jobs = Array(repeating: Busy(iterations: iterations), count: 8)
    let serialStart = clock.now
    var sink = 0
    for job in jobs { sink &+= job.run() }
    let serial = seconds(clock.now - serialStart)
    let pool = try ProcessPool(workers: 2)
    _ = try await pool.run(AddOne(x: 0))
    let poolStart = clock.now
    let outputs = try await pool.map(jobs)
    let parallel = seconds(clock.now - poolStart)
    precondition(outputs.reduce(0, &+) == sink)
    await pool.shutdown()
    return serial / parallel
}

func deathToError() async throws -> Double {
    let pool = try ProcessPool(workers: 1)
    _ = try await pool.run(AddOne(x: 0))
    let pid = pool.workerPIDs[0]
    let future = try pool.submit(SleepForever())
    try await Task.sleep(for: .milliseconds(50))
    let start = clock.now
    kill(pid, SIGKILL)
    do {
        _ = try await future.value
        preconditionFailure("a killed worker's job succeeded")
    } catch {
        let elapsed = clock.now - start
        await pool.shutdown()
        return seconds(elapsed) * 1000
    }
}

// MARK: Python

func runPythonPeer(onlyTransfer: Bool) -> [String: Double]? {
    let figures = pythonFigures(
        "pool_peer.py",
        ["--runs", "\(runs)", "--submits", "\(pythonSubmits)", "--maps", "\(maps)"]
            + (onlyTransfer ? ["--only-transfer"] : []))
    if figures == nil { print("(python3's peer failed or is not available: Python's rows are skipped)") }
    return figures
}

// MARK: Main

if arguments.contains("--codec-cost") {
    for (row, nanoseconds) in try codecCost(runs: runs) {
        print(
            "\(row.name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(String(format: "%7.1f", nanoseconds)) ns of codec work per job"
        )
    }
    exit(0)
}

if let index = arguments.firstIndex(of: "--profile"), index + 3 < arguments.count,
    let row = Int(arguments[index + 1]), let count = Int(arguments[index + 2]), let repeats = Int(arguments[index + 3])
{
    try profile(row: row, count: count, repeats: repeats)
    exit(0)
}

if let index = arguments.firstIndex(of: "--map-row"), index + 2 < arguments.count,
    let row = Int(arguments[index + 1]), let count = Int(arguments[index + 2])
{
    // One map of one transfer row, for `perf stat` (CPU time of all processes).
    print(try await transferRows[row].map(count))
    exit(0)
}

if arguments.contains("--only-submit") {
    for _ in 0..<runs { print(String(format: "submit: %.0f jobs/s", try submitRate())) }
    exit(0)
}

if arguments.contains("--trace-busy") {
    let iterations = calibrateBusy(seconds: 0.1)
    let pool = try ProcessPool(workers: 2)
    _ = try await pool.run(AddOne(x: 0))
    for row in try await pool.map(Array(repeating: TracedBusy(iterations: iterations), count: 8)) { print(row) }
    await pool.shutdown()
    exit(0)
}

let onlyTransfer = arguments.contains("--only-transfer")
print("pool-benchmark: \(runs) runs per figure, medians; 2 workers unless said\n")
var startFork = 0.0
var startSpawn = 0.0
var submitPerSecond = 0.0
var speedup = 0.0
var death = 0.0
if !onlyTransfer {
    startFork = try await measure { try startToFirstResult(.fork) }
    startSpawn = try await measure { try startToFirstResult(.spawn) }
    submitPerSecond = try await measure { try submitRate() }
}
var transferRates: [Double] = []
var transferCPU: [Double] = []
for transfer in transferRows {
    var figures: [MapFigures] = []
    for _ in 0..<runs { figures.append(try await transfer.map(maps)) }
    transferRates.append(median(figures.map(\.jobsPerSecond)))
    transferCPU.append(median(figures.map(\.cpuNanosecondsPerJob)))
}
if !onlyTransfer {
    let iterations = calibrateBusy(seconds: 0.1)
    speedup = try await measure { try await busySpeedup(iterations: iterations) }
    death = try await measure { try await deathToError() }
}

print("Swift measured; running Python 3's peer (this takes a while)...")
let python = runPythonPeer(onlyTransfer: onlyTransfer) ?? [:]

@MainActor
func row(
    _ name: String, _ swift: Double, _ pythonValue: Double?, unit: String, higherIsBetter: Bool, target: String,
    peer: String
) {
    if let pythonValue {
        bench.append(
            "BENCH\tpool\t\(name)\t\(unit)\t\(higherIsBetter ? "higher" : "lower")\t\(swift)\t\(peer)\t\(pythonValue)")
    }
    let ratio = pythonValue.map { higherIsBetter ? swift / $0 : $0 / swift }
    let pythonText = pythonValue.map { String(format: "%12.1f", $0) } ?? "         n/a"
    let ratioText = ratio.map { String(format: "%7.2fx", $0) } ?? "     n/a"
    print(
        "\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%12.1f", swift)) \(pythonText) \(ratioText)  \(unit.padding(toLength: 8, withPad: " ", startingAt: 0)) \(target)"
    )
}

var bench: [String] = []
print("\nworkload                                            Swift       Python   better   unit     target")
if !onlyTransfer {
    row(
        "submit, one job each (vs ProcessPoolExecutor)", submitPerSecond, python["submit_jobs_per_s"], unit: "jobs/s",
        higherIsBetter: true, target: ">= 10x", peer: "Python ProcessPoolExecutor.submit")
}
for (transfer, rate) in zip(transferRows, transferRates) {
    row(
        transfer.name, rate, python[transfer.pythonKey], unit: "jobs/s", higherIsBetter: true,
        target: String(format: ">= %gx", transfer.target), peer: transfer.peer)
}
// CPU time per job of all three processes: steadier than rates on a busy machine.
for (transfer, cpu) in zip(transferRows, transferCPU) {
    row(
        "\(transfer.name), CPU", cpu, python[transfer.pythonKey.replacingOccurrences(of: "_per_s", with: "_cpu_ns")],
        unit: "CPU ns", higherIsBetter: false, target: "(info)", peer: transfer.peer)
}
if !onlyTransfer {
    row(
        "start to first result, fork", startFork, python["start_fork_ms"], unit: "ms", higherIsBetter: false,
        target: "<= 2 ms", peer: "Python Pool, fork")
    row(
        "start to first result, spawn", startSpawn, python["start_spawn_ms"], unit: "ms", higherIsBetter: false,
        target: "<= 10 ms", peer: "Python Pool, spawn")
    row(
        "start to first result, spawn (vs forkserver)", startSpawn, python["start_forkserver_ms"], unit: "ms",
        higherIsBetter: false, target: "", peer: "Python Pool, forkserver")
    row(
        "worker death to caller's error", death, python["death_to_error_ms"], unit: "ms", higherIsBetter: false,
        target: "<= 5 ms", peer: "Python ProcessPoolExecutor")
    let pythonSpeedup = python["busy_serial_s"].flatMap { serial in python["busy_pool_s"].map { serial / $0 } }
    row(
        "8 CPU-bound jobs of 0.1 s, speedup", speedup, pythonSpeedup, unit: "x serial", higherIsBetter: true,
        target: ">= 1.9x", peer: "Python Pool.map")
}

print("")
bench.forEach { print($0) }

if arguments.contains("--json") {
    var swift: [String: Double] = [
        "submit_jobs_per_s": submitPerSecond, "start_fork_ms": startFork,
        "start_spawn_ms": startSpawn, "death_to_error_ms": death, "busy_speedup": speedup,
    ]
    for (transfer, rate) in zip(transferRows, transferRates) { swift[transfer.name] = rate }
    for (transfer, cpu) in zip(transferRows, transferCPU) { swift[transfer.name + ", CPU ns per job"] = cpu }
    let json = try JSONSerialization.data(withJSONObject: ["swift": swift, "python": python], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
