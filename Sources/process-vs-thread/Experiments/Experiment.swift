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

/// One question the demo answers by measuring.
///
/// Each experiment is two parts: an enum with the measuring code (small
/// functions that return numbers and are tested on small inputs), and an
/// `Experiment` value that runs it at the size `DemoSettings` asks for and
/// turns the numbers into a ``Finding`` with a lesson quoting them.
struct Experiment: Sendable {
    var id: String
    var title: String
    var run: @Sendable (DemoSettings, Progress) throws -> Finding

    /// Every experiment, in the order shown.
    ///
    /// Fork safety: experiments that fork (start-up, memory isolation, crash
    /// isolation, footprint, communication) call
    /// ``ForkSafety/waitUntilSingleThreaded(timeout:)`` first, so they fork only
    /// after the pools of earlier experiments are gone; within an experiment,
    /// every fork happens before any pool starts.
    static let all: [Experiment] = [
        .cpuSpeedup,
        .ioBound,
        .jobOverhead,
        .startupCost,
        .memoryIsolation,
        .crashIsolation,
        .memoryFootprint,
        .communicationCost,
    ]
}

/// How hard the experiments work.
struct DemoSettings: Codable, Sendable, Equatable {
    var quick: Bool

    /// Worker threads or processes of each pool: one per CPU this process may
    /// use, but at least two so that a pool is a pool even on one CPU.
    var workers: Int { max(2, AvailableProcessors.count) }
    /// How long one CPU-bound job should take.
    var cpuJobMilliseconds: Double { quick ? 15 : 120 }
    /// CPU-bound jobs per worker.
    var cpuJobsPerWorker: Int { 4 }
    /// How long one of Python's CPU-bound jobs should take (Python's threads
    /// against its serial loop: the ratio does not need long jobs).
    var pythonJobMilliseconds: Double { quick ? 8 : 50 }
    /// I/O-bound jobs, each run by a thread of its own in the ThreadPool.
    var ioJobs: Int { quick ? 16 : 64 }
    /// How long each I/O-bound job waits.
    var ioWaitMilliseconds: Int { quick ? 5 : 20 }
    /// Tiny jobs sent to each pool.
    var tinyJobs: Int { quick ? 500 : 10_000 }
    /// Repetitions of a thread or process start-up measurement.
    var startupRepetitions: Int { quick ? 30 : 400 }
    /// Repetitions of starting a whole pool.
    var poolStartRepetitions: Int { quick ? 3 : 9 }
    /// Idle threads started to measure a thread's footprint.
    var footprintThreads: Int { quick ? 16 : 64 }
    /// Round trips timed per communication channel.
    var roundTrips: Int { quick ? 300 : 5_000 }

    private enum CodingKeys: String, CodingKey { case quick }
}
