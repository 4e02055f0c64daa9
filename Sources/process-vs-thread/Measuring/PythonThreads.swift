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

/// Python's threads against its global interpreter lock, on this machine:
/// `Benchmarks/Python/gil_peer.py` counts primes like ``PrimeCount``,
/// serially and on a `ThreadPoolExecutor`, with the `python3` on `PATH`.
/// Skipped, with a note saying why, when there is no `python3` or no script
/// (a demo executable copied away from its checkout).
enum PythonThreads {
    /// What the script prints (one JSON object).
    struct Timings: Codable, Equatable {
        var python: String
        var jobs: Int
        var threads: Int
        var start: Int
        var lengthEach: Int
        var serialSeconds: Double
        var threadsSeconds: Double
        var serialAnswer: Int
        var threadsAnswer: Int

        var threadSpeedup: Double { serialSeconds / threadsSeconds }

        /// The ranges the script counted, as the demo's own jobs.
        var jobsAsPrimeCounts: [PrimeCount] { CPUSpeedup.jobs(count: jobs, lengthEach: lengthEach, start: start) }
    }

    enum Outcome: Equatable {
        case measured(Timings)
        /// Not measured, and why ("python3 is not installed").
        case skipped(String)
    }

    /// The script, found from this source file's place in the checkout.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/Python/gil_peer.py").path

    /// Runs the script for `jobs` jobs of about `milliseconds` each on
    /// `threads` threads, and checks its answers against ``PrimeCount``'s.
    ///
    /// - Throws: ``DemoError/wrongAnswer(_:)`` if Python counted other primes
    ///   than Swift on the same ranges. Everything that keeps Python from
    ///   running is a ``Outcome/skipped(_:)`` outcome instead.
    static func measure(
        jobs: Int, threads: Int, milliseconds: Double, python: String = "python3",
        script: String = script
    ) throws -> Outcome {
        guard FileManager.default.fileExists(atPath: script) else { return .skipped("\(script) is missing") }
        let arguments = [script, "--jobs", "\(jobs)", "--threads", "\(threads)", "--milliseconds", "\(milliseconds)"]
        let run: (status: Int32, output: String)
        do {
            run = try Spawn.runCapturingOutput(python, arguments)
        } catch DemoError.system(_, ENOENT) {
            return .skipped("\(python) is not installed")
        }
        let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? ""
        guard run.status == 0 else { return .skipped("\(python) failed (wait status \(run.status)): \(lastLine)") }
        guard let timings = try? JSONDecoder().decode(Timings.self, from: Data(lastLine.utf8)) else {
            return .skipped("\(python) printed no result: \(lastLine)")
        }
        let swiftAnswer = timings.jobsAsPrimeCounts.reduce(0) { $0 + $1.run() }
        guard timings.serialAnswer == swiftAnswer && timings.threadsAnswer == swiftAnswer else {
            throw DemoError.wrongAnswer(
                "Python counted \(timings.serialAnswer) and \(timings.threadsAnswer) primes, Swift \(swiftAnswer)")
        }
        return .measured(timings)
    }
}
