// pool-benchmark: ProcessPool against Python's ProcessPoolExecutor and
// multiprocessing.Pool, side by side in one run (2 workers, f(x) = x + 1).
//
//     swift run -c release pool-benchmark [--runs 5] [--quick] [--json]
//
// Swift is measured first (the fork start method before anything else has
// started a thread), then Benchmarks/Python/pool_peer.py runs as a child
// process and prints its medians as JSON. Every figure is a median of RUNS runs.

import Foundation
import Multiprocessing

// MARK: Jobs (found by the workers, copies of this executable, by mangled name)

struct AddOne: Job {
    var x: Int
    func run() -> Int { x + 1 }
}

/// CPU-bound work: `iterations` rounds of integer arithmetic.
struct Busy: Job {
    var iterations: Int
    func run() -> Int {
        var total = 0
        for i in 0 ..< iterations { total = (total &+ i &* i) % 1_000_003 }
        return total
    }
}

struct SleepForever: Job {
    func run() -> Int {
        while true { sleep(3600) }
    }
}

// MARK: Options

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
        return fallback
    }
    return value
}
let quick = arguments.contains("--quick")
let runs = option("--runs", quick ? 3 : 5)
let submits = option("--submits", quick ? 20_000 : 100_000)
let pythonSubmits = option("--python-submits", quick ? 2_000 : 5_000)
let maps = option("--maps", quick ? 200_000 : 1_000_000)

// MARK: Measuring

let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func measure(_ body: () async throws -> Double) async throws -> Double {
    var values: [Double] = []
    for _ in 0 ..< runs { values.append(try await body()) }
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
    _ = try (0 ..< 4).map { try pool.submit(AddOne(x: $0)) }.map { try $0.wait() }
    let start = clock.now
    let futures = try (0 ..< submits).map { try pool.submit(AddOne(x: $0)) }
    for future in futures { _ = try future.wait() }
    let elapsed = clock.now - start
    pool.shutdown(wait: true)
    return Double(submits) / seconds(elapsed)
}

func mapRate() async throws -> Double {
    let pool = try ProcessPool(workers: 2)
    _ = try await pool.map((0 ..< 4).map { AddOne(x: $0) })
    let jobs = (0 ..< maps).map { AddOne(x: $0) }
    let start = clock.now
    let outputs = try await pool.map(jobs)
    let elapsed = clock.now - start
    precondition(outputs.count == maps && outputs.last == maps)
    await pool.shutdown()
    return Double(maps) / seconds(elapsed)
}

func calibrateBusy(seconds target: Double) -> Int {
    var iterations = 100_000
    while true {
        let start = clock.now
        _ = Busy(iterations: iterations).run()
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

func runPythonPeer() -> [String: Double]? {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Python/pool_peer.py").path
    let process = Foundation.Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script, "--runs", "\(runs)", "--submits", "\(pythonSubmits)", "--maps", "\(maps)"]
    let output = Foundation.Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        print("(python3 not available: \(error))")
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Double]
}

// MARK: Main

print("pool-benchmark: \(runs) runs per figure, medians; 2 workers unless said\n")
let startFork = try await measure { try startToFirstResult(.fork) }
let startSpawn = try await measure { try startToFirstResult(.spawn) }
let submitPerSecond = try await measure { try submitRate() }
let mapPerSecond = try await measure { try await mapRate() }
let iterations = calibrateBusy(seconds: 0.1)
let speedup = try await measure { try await busySpeedup(iterations: iterations) }
let death = try await measure { try await deathToError() }

print("Swift measured; running Python 3's peer (this takes a while)...")
let python = runPythonPeer() ?? [:]

func row(_ name: String, _ swift: Double, _ pythonValue: Double?, unit: String, higherIsBetter: Bool, target: String) {
    let ratio = pythonValue.map { higherIsBetter ? swift / $0 : $0 / swift }
    let pythonText = pythonValue.map { String(format: "%12.1f", $0) } ?? "         n/a"
    let ratioText = ratio.map { String(format: "%7.2fx", $0) } ?? "     n/a"
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%12.1f", swift)) \(pythonText) \(ratioText)  \(unit.padding(toLength: 8, withPad: " ", startingAt: 0)) \(target)")
}

print("\nworkload                                            Swift       Python   better   unit     target")
row("submit, one job each (vs ProcessPoolExecutor)", submitPerSecond, python["submit_jobs_per_s"], unit: "jobs/s", higherIsBetter: true, target: ">= 10x")
row("map, automatic chunking (vs Pool.map)", mapPerSecond, python["map_jobs_per_s"], unit: "jobs/s", higherIsBetter: true, target: ">= 1x")
row("start to first result, fork", startFork, python["start_fork_ms"], unit: "ms", higherIsBetter: false, target: "<= 2 ms")
row("start to first result, spawn", startSpawn, python["start_spawn_ms"], unit: "ms", higherIsBetter: false, target: "<= 10 ms")
row("start to first result, spawn (vs forkserver)", startSpawn, python["start_forkserver_ms"], unit: "ms", higherIsBetter: false, target: "")
row("worker death to caller's error", death, python["death_to_error_ms"], unit: "ms", higherIsBetter: false, target: "<= 5 ms")
let pythonSpeedup = python["busy_serial_s"].flatMap { serial in python["busy_pool_s"].map { serial / $0 } }
row("8 CPU-bound jobs of 0.1 s, speedup", speedup, pythonSpeedup, unit: "x serial", higherIsBetter: true, target: ">= 1.9x")

if arguments.contains("--json") {
    let swift: [String: Double] = [
        "submit_jobs_per_s": submitPerSecond, "map_jobs_per_s": mapPerSecond, "start_fork_ms": startFork,
        "start_spawn_ms": startSpawn, "death_to_error_ms": death, "busy_speedup": speedup,
    ]
    let json = try JSONSerialization.data(withJSONObject: ["swift": swift, "python": python], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}
