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

/// Timing helpers: every figure the demo prints is a median of repetitions,
/// because single runs on a shared machine are noisy.
enum Stopwatch {
    /// Runs `body` `repetitions` times and returns the median duration in microseconds.
    static func medianMicroseconds(repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
        precondition(repetitions > 0, "at least one repetition")
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(repetitions)
        for _ in 0..<repetitions {
            let elapsed = try clock.measure(body)
            samples.append(elapsed.microseconds)
        }
        return median(samples)
    }

    static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the median of nothing")
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}

extension Duration {
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}

extension Stopwatch {
    /// Runs `body` once and returns how long it took, in seconds.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        try ContinuousClock().measure(body).microseconds / 1e6
    }
}
