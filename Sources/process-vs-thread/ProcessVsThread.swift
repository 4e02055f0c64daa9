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

import ArgumentParser
import Foundation
import Multiprocessing

/// `swift run process-vs-thread`: measures, on this machine, how processes and
/// threads differ, and prints each result with the lesson it teaches.
///
/// The command is synchronous on purpose: it blocks on `JobFuture.wait()`
/// rather than awaiting, so Swift's cooperative thread pool never starts and
/// the experiments that fork can wait until the process is single-threaded
/// (see ``ForkSafety``).
@main
struct ProcessVsThread: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process-vs-thread",
        abstract: "Processes or threads? Measured live on this machine.",
        discussion: """
            Runs eight experiments — CPU-bound speedup (beside Python's threads, when \
            python3 is installed), I/O-bound waiting, per-job overhead, start-up, memory \
            isolation, crash isolation, memory footprint, communication cost — and prints \
            each result with its lesson. Under 30 s on 2 cores; --quick in about 2 s.
            """)

    @Flag(help: "Fewer repetitions and smaller jobs: a rougher answer in a fraction of the time.")
    var quick = false

    @Flag(help: "Print the results as JSON on standard output (progress goes to standard error).")
    var json = false

    @Option(
        name: .customLong("chart"),
        help: ArgumentHelp("Also draw the results as an SVG bar chart into this file.", valueName: "FILE.svg"))
    var chartPath: String?

    @Option(
        help: ArgumentHelp(
            "Run only these experiments (comma-separated ids: \(Experiment.all.map(\.id).joined(separator: ","))).",
            valueName: "ids"))
    var only: String?

    func validate() throws {
        if let only {
            let unknown = Set(only.split(separator: ",").map(String.init)).subtracting(Experiment.all.map(\.id))
            guard unknown.isEmpty else {
                throw ValidationError("unknown experiment id(s): \(unknown.sorted().joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        let settings = DemoSettings(quick: quick)
        let progress = Progress(destination: json ? .standardError : .standardOutput)
        let selected = only.map { Set($0.split(separator: ",").map(String.init)) }
        let started = ContinuousClock.now
        #if DEBUG
            progress.write(
                "Debug build: encoding and computation run several times slower than in release.\n"
                    + "For production figures: swift run -c release process-vs-thread\n")
        #endif
        var findings: [Finding] = []
        for experiment in Experiment.all where selected?.contains(experiment.id) ?? true {
            progress.starting(experiment.title)
            let finding = try experiment.run(settings, progress)
            findings.append(finding)
            progress.finished(finding)
        }
        let report = Report(findings: findings, settings: settings)
        progress.write(
            "\nDone in \(Wording.fixed((ContinuousClock.now - started).microseconds / 1e6, decimals: 1)) s.\n")
        if let chartPath {
            try BarChart(report: report).svg().write(toFile: chartPath, atomically: true, encoding: .utf8)
            progress.write("Chart written to \(chartPath).\n")
        }
        if json { print(try report.json()) }
    }
}
