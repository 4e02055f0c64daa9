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

// shared-benchmark: the process-shared objects (ProcessQueue, SharedValue,
// ProcessLock) against Python's multiprocessing.Queue, Value and Lock,
// faster-fifo, and this package's own Connection and Threading.Lock, side by
// side in one run.
//
//     swift run -c release shared-benchmark [--runs 5] [--quick] [--no-python]
//     swift run -c release shared-benchmark --local-queue   # per-element cost in one thread
//
// Swift is measured first (its children are forked while the process is
// still single-threaded), then Benchmarks/Python/shared_peer.py runs as a
// child process and prints its medians as JSON. faster-fifo comes from PyPI
// into a virtual environment under .build/ (made on the first run); without
// network access or pip, that row is skipped with a note. Every figure is a
// median of RUNS runs.

import BenchmarkSupport
import Foundation
import Multiprocessing

// MARK: Options

let arguments = benchmarkArguments
let quick = quickBenchmark
let runs = option("--runs", quick ? 3 : 5)
let streamItems = option("--items", quick ? 200_000 : 1_000_000)
let pythonItems = option("--python-items", quick ? 50_000 : 200_000)
let roundTrips = option("--round-trips", quick ? 5_000 : 20_000)
let adds = option("--adds", quick ? 1_000_000 : 10_000_000)
let pythonAdds = option("--python-adds", quick ? 200_000 : 1_000_000)
let lockPairs = option("--lock-pairs", quick ? 2_000_000 : 20_000_000)

let clock = ContinuousClock()
@inline(never) func keep<T>(_ value: T) { withExtendedLifetime(value) {} }

// MARK: Swift workloads

/// One forked producer puts `items` ints; this process gets them one by one
/// (or, `batched`, up to 256 at a time).
func streamRate(items: Int, batched: Bool = false) throws -> Double {
    let queue = try ProcessQueue<Int>()
    let start = try ProcessEvent()
    let producer = try ChildProcess.fork {
        try start.wait()
        for value in 0..<items { try queue.put(value) }
        return 0
    }
    let began = clock.now
    start.set()
    var sum = 0
    if batched {
        var received = 0
        while received < items {
            let batch = try queue.get(upTo: 256, timeout: nil)
            received += batch.count
            sum = batch.reduce(sum, &+)
        }
    } else {
        for _ in 0..<items { sum &+= try queue.get() }
    }
    let elapsed = clock.now - began
    let status = try producer.join()
    precondition(status == .exited(0) && sum == items * (items - 1) / 2)
    return Double(items) / seconds(elapsed)
}

/// Put into one queue, a forked echo puts it into a second, get it back: µs each.
func queueRoundTrip(count: Int) throws -> Double {
    let requests = try ProcessQueue<Int>()
    let replies = try ProcessQueue<Int>()
    let echo = try ChildProcess.fork {
        while let value = try? requests.get() { try replies.put(value) }
        return 0
    }
    for value in 0..<100 {
        try requests.put(value)
        _ = try replies.get()
    }  // warm up
    let began = clock.now
    for value in 0..<count {
        try requests.put(value)
        let echoed = try replies.get()
        precondition(echoed == value)
    }
    let elapsed = clock.now - began
    requests.shutdown()
    _ = try echo.join()
    return seconds(elapsed) / Double(count) * 1e6
}

/// The same round trip over a duplex Pipe (a Connection each way): µs each.
func connectionRoundTrip(count: Int) throws -> Double {
    let (mine, theirs) = try Multiprocessing.Pipe().ends
    let echo = try ChildProcess.fork {
        while let value = try? theirs.receive(Int.self) { try theirs.send(value) }
        return 0
    }
    for value in 0..<100 {
        try mine.send(value)
        _ = try mine.receive(Int.self)
    }
    let began = clock.now
    for value in 0..<count {
        try mine.send(value)
        let echoed = try mine.receive(Int.self)
        precondition(echoed == value)
    }
    let elapsed = clock.now - began
    mine.close()
    _ = try echo.join()
    return seconds(elapsed) / Double(count) * 1e6
}

/// This process and a forked one each add 1, `adds` times in all: adds/s.
func valueAddRate(adds: Int) throws -> Double {
    let value = try SharedValue(0)
    let start = try ProcessEvent()
    let other = try ChildProcess.fork {
        try start.wait()
        for _ in 0..<adds / 2 { value.add(1) }
        return 0
    }
    let began = clock.now
    start.set()
    for _ in 0..<(adds - adds / 2) { value.add(1) }
    _ = try other.join()
    let elapsed = clock.now - began
    precondition(value.load() == adds)
    return Double(adds) / seconds(elapsed)
}

/// Uncontended lock + unlock: ns per pair.
func lockPairNanoseconds(pairs: Int, _ lockUnlock: () throws -> Void) rethrows -> Double {
    let began = clock.now
    for _ in 0..<pairs { try lockUnlock() }
    return seconds(clock.now - began) / Double(pairs) * 1e9
}

// MARK: Python

let packageRoot = pythonPeersFolder.deletingLastPathComponent().deletingLastPathComponent()

func peer(_ python: String, _ extra: [String]) -> [String: Double] {
    pythonFigures("shared_peer.py", ["--runs", "\(runs)"] + extra, python: python) ?? [:]
}

/// A Python with faster-fifo: a virtual environment under .build/, made and
/// filled from PyPI on first use; nil (with the reason printed) if that fails.
func pythonWithFasterFifo() -> String? {
    let environment = packageRoot.appendingPathComponent(".build/shared-benchmark-venv").path
    let python = environment + "/bin/python"
    if runProgram(python, ["-c", "import faster_fifo"]) != nil { return python }
    print("installing faster-fifo from PyPI into \(environment)...")
    guard runProgram("/usr/bin/env", ["python3", "-m", "venv", environment]) != nil,
        runProgram(environment + "/bin/pip", ["install", "--quiet", "faster-fifo"]) != nil,
        runProgram(python, ["-c", "import faster_fifo"]) != nil
    else {
        print("note: faster-fifo could not be installed (no pip, no network or no wheel): its row is skipped")
        return nil
    }
    return python
}

// MARK: Main

if arguments.contains("--local-queue") {
    // One thread puts and gets: the queue's own cost per element, no wake-ups.
    let queue = try ProcessQueue<Int>()
    let count = option("--count", 1_000_000)
    let began = clock.now
    for value in 0..<count {
        try queue.put(value)
        keep(try queue.get())
    }
    print(String(format: "put+get in one thread: %.1f ns", seconds(clock.now - began) / Double(count) * 1e9))
    let coded = clock.now
    for value in 0..<count {
        let bytes = try BinaryEncoder().encode(value)
        keep(try BinaryDecoder().decode(Int.self, from: bytes))
    }
    print(String(format: "encode+decode alone: %.1f ns", seconds(clock.now - coded) / Double(count) * 1e9))
    let lock = try ProcessLock()
    let locked = clock.now
    for _ in 0..<count {
        try lock.lock()
        lock.unlock()
    }
    print(String(format: "lock+unlock alone: %.1f ns", seconds(clock.now - locked) / Double(count) * 1e9))
    exit(0)
}

print("shared-benchmark: \(runs) runs per figure, medians\n")
let stream = try median(runs: runs) { try streamRate(items: streamItems) }
let batchedStream = try median(runs: runs) { try streamRate(items: streamItems, batched: true) }
let queueTrip = try median(runs: runs) { try queueRoundTrip(count: roundTrips) }
let connectionTrip = try median(runs: runs) { try connectionRoundTrip(count: roundTrips) }
let addRate = try median(runs: runs) { try valueAddRate(adds: adds) }
let processLock = try ProcessLock()
let threadLock = Lock()
// Measured with a second thread alive: glibc takes a non-atomic shortcut for
// a private mutex while a process has one thread (`SINGLE_THREAD_P`), which
// would time Threading.Lock in a situation where no lock is needed; a
// process-shared lock can never take it. Alternated run by run, so that
// both see the same machine (frequency, load).
let idle = Event()
let idleThread = PosixThread(name: "idle") { idle.wait() }
try idleThread.start()
var lockTimes: [(process: Double, thread: Double)] = []
for _ in 0..<runs {
    let process = try lockPairNanoseconds(pairs: lockPairs) {
        try processLock.lock()
        processLock.unlock()
    }
    let thread = lockPairNanoseconds(pairs: lockPairs) {
        threadLock.lock()
        threadLock.unlock()
    }
    lockTimes.append((process, thread))
}
let processLockNs = lockTimes.map(\.process).sorted()[runs / 2]
let threadLockNs = lockTimes.map(\.thread).sorted()[runs / 2]
idle.set()
idleThread.join()

var python: [String: Double] = [:]
if !arguments.contains("--no-python") {
    print("Swift measured; running Python 3's peer (this takes a while)...")
    python = peer(
        "/usr/bin/python3",
        ["--items", "\(pythonItems)", "--round-trips", "\(roundTrips / 4)", "--adds", "\(pythonAdds)"])
    if let fasterFifo = pythonWithFasterFifo() {
        python.merge(peer(fasterFifo, ["--faster-fifo", "--items", "\(pythonItems)"])) { $1 }
    }
}

var bench: [String] = []
@MainActor
func row(
    _ name: String, _ ours: Double, _ theirs: Double?, unit: String, higherIsBetter: Bool, target: String, peer: String
) {
    if let theirs {
        bench.append(
            "BENCH\tshared\t\(name)\t\(unit)\t\(higherIsBetter ? "higher" : "lower")\t\(ours)\t\(peer)\t\(theirs)")
    }
    let ratio = theirs.map { higherIsBetter ? ours / $0 : $0 / ours }
    let theirsText = theirs.map { String(format: "%14.2f", $0) } ?? "           n/a"
    let ratioText = ratio.map { String(format: "%8.2fx", $0) } ?? "      n/a"
    print(
        "\(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(String(format: "%14.2f", ours)) \(theirsText) \(ratioText)  \(unit.padding(toLength: 8, withPad: " ", startingAt: 0)) \(target)"
    )
}

print("\nworkload                                                       ours           peer    better  unit     target")
row(
    "ProcessQueue stream, small ints (vs mp.Queue)", stream, python["queue_stream_items_per_s"],
    unit: "items/s", higherIsBetter: true, target: ">= 20x", peer: "Python multiprocessing.Queue")
row(
    "ProcessQueue stream, small ints (vs faster-fifo)", stream, python["faster_fifo_stream_items_per_s"],
    unit: "items/s", higherIsBetter: true, target: ">= 1x", peer: "Python faster_fifo.Queue")
row(
    "ProcessQueue stream, get(upTo: 256) (vs get_many)", batchedStream, python["faster_fifo_batched_items_per_s"],
    unit: "items/s", higherIsBetter: true, target: "(info)", peer: "Python faster_fifo.Queue.get_many")
row(
    "ProcessQueue put+get round trip (vs mp.Queue)", queueTrip, python["queue_round_trip_us"],
    unit: "µs", higherIsBetter: false, target: ">= 2x", peer: "Python multiprocessing.Queue")
row(
    "ProcessQueue round trip (vs Connection round trip)", queueTrip, connectionTrip,
    unit: "µs", higherIsBetter: false, target: ">= 0.83x (at most 1.2x its time)", peer: "Swift Connection")
row(
    "SharedValue<Int>.add, 2 processes (vs mp.Value, lock)", addRate, python["value_adds_per_s"],
    unit: "adds/s", higherIsBetter: true, target: ">= 10x", peer: "Python mp.Value + get_lock")
row(
    "ProcessLock lock+unlock (vs Threading.Lock)", processLockNs, threadLockNs,
    unit: "ns", higherIsBetter: false, target: ">= 0.67x (at most 1.5x its time)", peer: "Swift Threading.Lock")
row(
    "ProcessLock lock+unlock (vs mp.Lock)", processLockNs, python["lock_ns"],
    unit: "ns", higherIsBetter: false, target: "(info)", peer: "Python multiprocessing.Lock")
print("")
bench.forEach { print($0) }
