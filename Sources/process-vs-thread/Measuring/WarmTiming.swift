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

import Multiprocessing

/// Times jobs on a pool that is already started: what a pool costs to start
/// is the start-up experiment's subject, not the others'.
enum WarmTiming {
    /// Runs `warmUp` on `executor` first (one small job per worker starts
    /// every thread or worker process), then times `jobs`, submitted all at
    /// once and awaited in order: the seconds they took, and their outputs.
    static func seconds<J: Job>(_ jobs: [J], warmUp: [J], on executor: some JobExecutor) throws -> (
        seconds: Double, outputs: [J.Output]
    ) {
        _ = try runAll(warmUp, on: executor)
        var outputs: [J.Output] = []
        let seconds = try Stopwatch.seconds { outputs = try runAll(jobs, on: executor) }
        return (seconds, outputs)
    }

    /// Submits every job, then waits for each: their outputs in input order.
    static func runAll<J: Job>(_ jobs: [J], on executor: some JobExecutor) throws -> [J.Output] {
        let futures = try jobs.map { try executor.submit($0) }
        return try futures.map { try $0.wait() }
    }
}
