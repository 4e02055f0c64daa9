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

/// Formats measured numbers for lessons and tables, so that a lesson quotes
/// exactly what was measured.
enum Wording {
    /// `3`, `2.47`, `35.1`, `1234`: integers bare, small values with two decimals.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        let decimals = abs(value) < 10 ? 2 : abs(value) < 100 ? 1 : 0
        return fixed(value, decimals: decimals)
    }

    /// A ratio: `1.93×`.
    static func ratio(_ value: Double) -> String {
        fixed(value, decimals: value < 10 ? 2 : value < 100 ? 1 : 0) + "×"
    }

    /// A duration given in microseconds: `35 µs`, `1.4 ms`, `2.1 s`.
    static func microseconds(_ value: Double) -> String {
        if value < 1_000 { return fixed(value, decimals: value < 10 ? 1 : 0) + " µs" }
        if value < 1_000_000 { return fixed(value / 1_000, decimals: value < 10_000 ? 2 : 1) + " ms" }
        return fixed(value / 1_000_000, decimals: 2) + " s"
    }

    /// A size given in KiB: `12 KiB`, `7.3 MiB`.
    static func kibibytes(_ value: Double) -> String {
        value < 1024 ? fixed(value, decimals: value < 10 ? 1 : 0) + " KiB" : fixed(value / 1024, decimals: 1) + " MiB"
    }

    /// `value` with exactly `decimals` digits after the point (no Foundation needed).
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
