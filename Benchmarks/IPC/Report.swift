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

/// The median of `values` (the mean of the middle two for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
}

/// The table of medians and ratios, with the issue's targets.
struct Report {
    struct Row {
        var name: String
        var unit: String
        var higherIsBetter: Bool
        var ours: Double
        var raw: Double
        var python: Double?

        /// How many times slower ours is than the raw baseline (≥ 1 means slower).
        var oursOverRaw: Double { higherIsBetter ? raw / ours : ours / raw }
        /// How many times faster ours is than Python.
        var speedupOverPython: Double? {
            python.map { higherIsBetter ? ours / $0 : $0 / ours }
        }
    }

    var pinned: Bool
    var runs: Int
    var python: String?
    /// One encode plus one decode of the record alone (four happen per round trip of (a)).
    var codecMicroseconds: Double

    func print(_ rows: [Row]) {
        Swift.print(
            "IPC benchmark, \(pinned ? "pinned to CPU 0" : "unpinned"), medians of \(runs) runs"
                + (python.map { ", Python \($0)" } ?? ""))
        Swift.print(
            pad("workload", 36) + pad("ours", 10) + pad("raw", 10) + pad("python", 10)
                + pad("ours/raw cost", 15) + "ours vs python")
        for row in rows {
            Swift.print(
                pad("\(row.name) (\(row.unit))", 36) + pad(format(row.ours), 10) + pad(format(row.raw), 10)
                    + pad(row.python.map(format) ?? "-", 10) + pad(format(row.oursOverRaw) + "×", 15)
                    + (row.speedupOverPython.map { format($0) + "× faster" } ?? "-"))
        }
        Swift.print(
            "binary coder alone, one encode + one decode of the struct: \(format(codecMicroseconds)) µs "
                + "(a round trip of (a) does two of each)")
        for row in rows {  // the summary lines Benchmarks/run-all collects
            let better = row.higherIsBetter ? "higher" : "lower"
            Swift.print(
                "BENCH\tipc\t\(row.name)\t\(row.unit)\t\(better)\t\(row.ours)\traw socketpair, same framing\t\(row.raw)"
            )
            if let python = row.python {
                Swift.print(
                    "BENCH\tipc\t\(row.name)\t\(row.unit)\t\(better)\t\(row.ours)\tPython multiprocessing.Pipe\t\(python)"
                )
            }
        }
        let small = rows[0]
        let stream = rows[2]
        Swift.print(
            "targets: (a) ours/raw ≤ 1.3: \(verdict(small.oursOverRaw <= 1.3)), "
                + "≥ 1.5× Python: \(verdict((small.speedupOverPython ?? 0) >= 1.5)); "
                + "(c) ≥ 4 GB/s: \(verdict(stream.ours >= 4)), ≥ 4× Python: \(verdict((stream.speedupOverPython ?? 0) >= 4))"
        )
    }

    private func verdict(_ met: Bool) -> String { met ? "met" : "MISSED" }

    private func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return "\(rounded)"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
