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

import Foundation

/// Runs `body` `runs` times and returns the median of what it reports.
func median(runs: Int, _ body: () throws -> Double) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(try body()) }
    samples.sort()
    return samples[samples.count / 2]
}

/// Async flavour of ``median(runs:_:)``.
func median(runs: Int, _ body: () async throws -> Double) async rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs { samples.append(try await body()) }
    samples.sort()
    return samples[samples.count / 2]
}

/// Seconds taken by `body`, on the monotonic clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func asyncSeconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// The Python peer's medians, from `Benchmarks/Python/threading_peer.py`.
struct PythonFigures: Decodable {
    var pool_submit_jobs_per_s: Double
    var pool_map_jobs_per_s: Double
    var lock_uncontended_ns: Double
    var lock_contended_ns: Double
    var queue_handoff_ns: Double
}

/// Runs the Python peer as a subprocess and decodes its JSON line; `nil`
/// (with a note on standard error) when python3 is missing or fails.
func runPythonPeer(runs: Int) -> PythonFigures? {
    let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../Python/threading_peer.py").standardized
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, "--runs", String(runs)]
    let output = Pipe()
    process.standardOutput = output
    do {
        try process.run()
    } catch {
        FileHandle.standardError.write(Data("python3 could not be started: \(error)\n".utf8))
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        FileHandle.standardError.write(Data("the Python peer failed (\(process.terminationStatus))\n".utf8))
        return nil
    }
    return try? JSONDecoder().decode(PythonFigures.self, from: data)
}

func format(_ value: Double, _ unit: String) -> String {
    switch unit {
    case "jobs/s":
        value >= 1e6 ? String(format: "%.2fM jobs/s", value / 1e6) : String(format: "%.1fk jobs/s", value / 1e3)
    default:
        String(format: "%.1f %@", value, unit)
    }
}

/// CPU time (user + system) of the whole process so far, in seconds.
/// The corresponding C function is `getrusage(RUSAGE_SELF)`.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func toSeconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return toSeconds(usage.ru_utime) + toSeconds(usage.ru_stime)
}

/// One run of a pool workload: wall-clock throughput, and CPU time spent per
/// job by every thread of the process (less sensitive to a busy machine).
struct PoolSample {
    var jobsPerSecond: Double
    var cpuNanosecondsPerJob: Double
}

func poolSample(jobs: Int, _ body: () throws -> Void) rethrows -> PoolSample {
    let cpu = processCPUSeconds()
    let elapsed = try seconds(body)
    let spent = processCPUSeconds() - cpu
    return PoolSample(jobsPerSecond: Double(jobs) / elapsed, cpuNanosecondsPerJob: spent / Double(jobs) * 1e9)
}

func poolSample(jobs: Int, _ body: () async throws -> Void) async rethrows -> PoolSample {
    let cpu = processCPUSeconds()
    let elapsed = try await asyncSeconds(body)
    let spent = processCPUSeconds() - cpu
    return PoolSample(jobsPerSecond: Double(jobs) / elapsed, cpuNanosecondsPerJob: spent / Double(jobs) * 1e9)
}
