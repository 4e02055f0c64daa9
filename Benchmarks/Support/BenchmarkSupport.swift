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

// What the benchmark programs share: their command-line counts, medians, and
// running a peer program (Python) for its JSON figures.

public import Foundation

/// The program's arguments.
public let benchmarkArguments = CommandLine.arguments

/// Whether `--quick` was given (fewer runs, smaller workloads).
public let quickBenchmark = benchmarkArguments.contains("--quick")

/// The integer after `name` on the command line, or `fallback`.
public func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = benchmarkArguments.firstIndex(of: name), index + 1 < benchmarkArguments.count,
        let value = Int(benchmarkArguments[index + 1])
    else {
        return fallback
    }
    return value
}

/// `duration` in seconds.
public func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The median of `values` (the mean of the middle two for an even count).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// The median of `runs` runs of `body`.
public func median(runs: Int, _ body: () throws -> Double) rethrows -> Double {
    median(try (0..<runs).map { _ in try body() })
}

/// The folder of the Python peers (Benchmarks/Python).
public let pythonPeersFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Python")

/// Runs `executable` with `arguments` and returns its standard output, or
/// `nil` if it could not start or did not exit with 0 (standard error is
/// discarded unless `showingErrors`).
public func runProgram(_ executable: String, _ arguments: [String], showingErrors: Bool = false) -> Data? {
    let process = Foundation.Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Foundation.Pipe()
    process.standardOutput = output
    if !showingErrors { process.standardError = FileHandle.nullDevice }
    do {
        try process.run()
    } catch {
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? data : nil
}

/// Runs the Python peer `script` (in Benchmarks/Python) with `python` and
/// returns the figures it prints as one JSON object; `nil` if it failed.
public func pythonFigures(_ script: String, _ arguments: [String], python: String = "python3") -> [String: Double]? {
    let path = pythonPeersFolder.appendingPathComponent(script).path
    let command = python.hasPrefix("/") ? (python, [path]) : ("/usr/bin/env", [python, path])
    guard let data = runProgram(command.0, command.1 + arguments, showingErrors: true) else { return nil }
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Double]
}
