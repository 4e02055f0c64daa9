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
import Multiprocessing

// The `--json` schema (version 2). Tests/ProcessVsThreadTests/ReportTests.swift
// checks it; change both together and bump `schemaVersion` on any change that
// could break a reader. Version 2 added each measurement's "quantity".
//
//     {
//       "schemaVersion": 2,                  // Int
//       "processors": 2,                     // Int: CPUs this process may use
//       "settings": { "quick": false },      // how hard the run worked
//       "findings": [                        // one per experiment, in run order
//         {
//           "id": "cpu-speedup",             // String, stable: see Experiment.all
//           "title": "CPU-bound work",       // String
//           "measurements": [                // one per bar of the chart
//             { "label": "serial", "value": 0.52, "unit": "s", "quantity": "time" }
//           ],                               // String, Number, String, String
//           "lesson": "…"                    // String: one line, numbers from the measurements
//         }
//       ]
//     }

/// One measured value, such as "thread start + join: 35 µs".
struct Measurement: Codable, Sendable, Equatable {
    var label: String
    var value: Double
    var unit: String
    /// What is measured ("time", "speed-up over serial", "resident memory"):
    /// values of one quantity (and unit) are comparable, and the chart gives
    /// each quantity its own axis, never two on one.
    var quantity: String
}

/// What one experiment measured and what it teaches.
struct Finding: Codable, Sendable, Equatable {
    /// A stable identifier (`cpu-speedup`, `startup`…) for scripts reading `--json`.
    var id: String
    var title: String
    var measurements: [Measurement]
    /// One line, derived from the measurements.
    var lesson: String
}

/// The whole run, as printed by `--json`.
struct Report: Codable, Sendable {
    static let schemaVersion = 2

    var schemaVersion = Report.schemaVersion
    var processors = AvailableProcessors.count
    var settings: DemoSettings
    var findings: [Finding]

    init(findings: [Finding], settings: DemoSettings) {
        self.findings = findings
        self.settings = settings
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
