// pool-benchmark: ProcessPool against Python's ProcessPoolExecutor and
// multiprocessing.Pool, side by side in one run (2 workers, f(x) = x + 1).
//
//     swift run -c release pool-benchmark [--runs 5] [--quick] [--json]
//
// Swift is measured first (the fork start method before anything else has
// started a thread), then Benchmarks/Python/pool_peer.py runs as a child
// process and prints its medians as JSON. Every figure is a median of RUNS runs.
//
// `map` is measured twice: with `AddOne`, a plain value that travels as its
// bytes (what a user's `struct { var x: Int }` job does), and with the same
// job forced through its Codable conformance (`RequiresCodableTransfer`).

import Foundation
import Multiprocessing

// MARK: Jobs (found by the workers, copies of this executable, by mangled name)

struct AddOne: Job {
    var x: Int
    func run() -> Int { x + 1 }
}

/// The same job made to travel through its (synthesized) Codable conformance
/// rather than as its bytes, to show what Codable costs per job.
struct AddOneViaCodable: Job, RequiresCodableTransfer {
    var x: Int
    func run() -> Int { x + 1 }
}

/// CPU-bound work: `iterations` rounds of integer arithmetic.
struct Busy: Job {
    var iterations: Int
    @inline(never)
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
    try await mapRate(AddOne.init)
}

func mapRate<J: Job>(_ make: (Int) -> J) async throws -> Double where J.Output == Int {
    let pool = try ProcessPool(workers: 2)
    _ = try await pool.map((0 ..< 4).map(make))
    let jobs = (0 ..< maps).map(make)
    let start = clock.now
    let outputs = try await pool.map(jobs)
    let elapsed = clock.now - start
    precondition(outputs.count == maps && outputs.last == maps)
    await pool.shutdown()
    return Double(maps) / seconds(elapsed)
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

if arguments.contains("--codec-cost") {
    let jobs = (0 ..< 4096).map { AddOne(x: $0) }
    let outputs = Array(1 ... 4096)
    var sink = 0
    for _ in 0 ..< 3 {
        var start = clock.now
        for _ in 0 ..< 50 { sink &+= try BinaryEncoder().encode(jobs).count }
        let encodeJobs = seconds(clock.now - start) / 50 / 4096 * 1e9
        let encodedJobs = try BinaryEncoder().encode(jobs)
        start = clock.now
        for _ in 0 ..< 50 { sink &+= try BinaryDecoder().decode([AddOne].self, from: encodedJobs).count }
        let decodeJobs = seconds(clock.now - start) / 50 / 4096 * 1e9
        start = clock.now
        for _ in 0 ..< 50 { sink &+= try BinaryEncoder().encode(outputs).count }
        let encodeOutputs = seconds(clock.now - start) / 50 / 4096 * 1e9
        let encodedOutputs = try BinaryEncoder().encode(outputs)
        start = clock.now
        for _ in 0 ..< 50 { sink &+= try BinaryDecoder().decode([Int].self, from: encodedOutputs).count }
        let decodeOutputs = seconds(clock.now - start) / 50 / 4096 * 1e9
        print(String(format: "ns per job: encode job %.1f, decode job %.1f, encode output %.1f, decode output %.1f (job %d B, output %d B per 4096)",
                     encodeJobs, decodeJobs, encodeOutputs, decodeOutputs, encodedJobs.count, encodedOutputs.count))
    }
    keep(sink)
    exit(0)
}

if arguments.contains("--only-map") {
    for _ in 0 ..< runs { print(String(format: "map: %.0f jobs/s", try await mapRate())) }
    exit(0)
}
if arguments.contains("--only-submit") {
    for _ in 0 ..< runs { print(String(format: "submit: %.0f jobs/s", try submitRate())) }
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

print("pool-benchmark: \(runs) runs per figure, medians; 2 workers unless said\n")
let startFork = try await measure { try startToFirstResult(.fork) }
let startSpawn = try await measure { try startToFirstResult(.spawn) }
let submitPerSecond = try await measure { try submitRate() }
let mapPerSecond = try await measure { try await mapRate() }
let codableMapPerSecond = try await measure { try await mapRate(AddOneViaCodable.init) }
let iterations = calibrateBusy(seconds: 0.1)
let speedup = try await measure { try await busySpeedup(iterations: iterations) }
let death = try await measure { try await deathToError() }

print("Swift measured; running Python 3's peer (this takes a while)...")
let python = runPythonPeer() ?? [:]

@MainActor
func row(_ name: String, _ swift: Double, _ pythonValue: Double?, unit: String, higherIsBetter: Bool, target: String,
         peer: String) {
    if let pythonValue {
        bench.append("BENCH\tpool\t\(name)\t\(unit)\t\(higherIsBetter ? "higher" : "lower")\t\(swift)\t\(peer)\t\(pythonValue)")
    }
    let ratio = pythonValue.map { higherIsBetter ? swift / $0 : $0 / swift }
    let pythonText = pythonValue.map { String(format: "%12.1f", $0) } ?? "         n/a"
    let ratioText = ratio.map { String(format: "%7.2fx", $0) } ?? "     n/a"
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%12.1f", swift)) \(pythonText) \(ratioText)  \(unit.padding(toLength: 8, withPad: " ", startingAt: 0)) \(target)")
}

var bench: [String] = []
print("\nworkload                                            Swift       Python   better   unit     target")
row("submit, one job each (vs ProcessPoolExecutor)", submitPerSecond, python["submit_jobs_per_s"], unit: "jobs/s", higherIsBetter: true, target: ">= 10x", peer: "Python ProcessPoolExecutor.submit")
row("map, automatic chunking (vs Pool.map)", mapPerSecond, python["map_jobs_per_s"], unit: "jobs/s", higherIsBetter: true, target: ">= 1x", peer: "Python Pool.map")
row("map, jobs forced through Codable", codableMapPerSecond, python["map_jobs_per_s"], unit: "jobs/s", higherIsBetter: true, target: "(info)", peer: "Python Pool.map")
row("start to first result, fork", startFork, python["start_fork_ms"], unit: "ms", higherIsBetter: false, target: "<= 2 ms", peer: "Python Pool, fork")
row("start to first result, spawn", startSpawn, python["start_spawn_ms"], unit: "ms", higherIsBetter: false, target: "<= 10 ms", peer: "Python Pool, spawn")
row("start to first result, spawn (vs forkserver)", startSpawn, python["start_forkserver_ms"], unit: "ms", higherIsBetter: false, target: "", peer: "Python Pool, forkserver")
row("worker death to caller's error", death, python["death_to_error_ms"], unit: "ms", higherIsBetter: false, target: "<= 5 ms", peer: "Python ProcessPoolExecutor")
let pythonSpeedup = python["busy_serial_s"].flatMap { serial in python["busy_pool_s"].map { serial / $0 } }
row("8 CPU-bound jobs of 0.1 s, speedup", speedup, pythonSpeedup, unit: "x serial", higherIsBetter: true, target: ">= 1.9x", peer: "Python Pool.map")

print("")
bench.forEach { print($0) }

if arguments.contains("--json") {
    let swift: [String: Double] = [
        "submit_jobs_per_s": submitPerSecond, "map_jobs_per_s": mapPerSecond, "map_codable_jobs_per_s": codableMapPerSecond, "start_fork_ms": startFork,
        "start_spawn_ms": startSpawn, "death_to_error_ms": death, "busy_speedup": speedup,
    ]
    let json = try JSONSerialization.data(withJSONObject: ["swift": swift, "python": python], options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
}

// MARK: Diagnostics

/// `--trace-busy`: where and when each CPU-bound job ran.
struct TracedBusy: Job {
    var iterations: Int
    func run() -> [Int] {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let value = Busy(iterations: iterations).run()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return [Int(getpid()), start.tv_sec * 1000 + start.tv_nsec / 1_000_000, end.tv_sec * 1000 + end.tv_nsec / 1_000_000, value]
    }
}
