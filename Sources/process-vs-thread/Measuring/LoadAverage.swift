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

/// The system's load average, which explains a poor parallel speedup: other
/// programs were running.
enum LoadAverage {
    /// The 1-minute load average from `/proc/loadavg`, or `nil` if unreadable.
    static func oneMinute() -> Double? {
        ProcFiles.read("/proc/loadavg")?.split(separator: " ").first.flatMap { Double($0) }
    }
}
