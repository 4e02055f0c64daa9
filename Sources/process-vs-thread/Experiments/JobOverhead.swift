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

/// The smallest useful job: its cost is almost all the executor's overhead.
struct Increment: Job {
    var x: Int
    func run() -> Int { x + 1 }
}

extension Experiment {
    /// Many tiny jobs: what each executor adds per job.
    static let jobOverhead = Experiment(id: "job-overhead", title: "(c) Tiny jobs: the per-job overhead of each pool") {
        settings, progress in
        let count = settings.tinyJobs
        progress.step("InlineExecutor (runs each job on the caller: the baseline)")
        let inline = try JobOverhead.microsecondsPerJob(on: InlineExecutor(), count: count)
        progress.step("ThreadPool(threads: \(settings.workers))")
        let threadPool = ThreadPool(threads: settings.workers)
        let threaded = try JobOverhead.microsecondsPerJob(on: threadPool, count: count)
        threadPool.shutdown(wait: true)
        progress.step("ProcessPool(workers: \(settings.workers))")
        let processPool = try ProcessPool(workers: settings.workers)
        defer { processPool.shutdown(wait: true) }
        let processes = try JobOverhead.microsecondsPerJob(on: processPool, count: count)
        return JobOverhead.finding(inline: inline, threadPool: threaded, processPool: processes, count: count)
    }
}

/// The job-overhead experiment's measuring code.
enum JobOverhead {
    /// Submits `count` ``Increment`` jobs one by one, then waits for them all,
    /// and returns the elapsed time divided by `count`, in microseconds.
    /// One warm-up job per call is not timed. Checks every output.
    static func microsecondsPerJob(on executor: some JobExecutor, count: Int) throws -> Double {
        precondition(count > 0, "at least one job")
        _ = try executor.submit(Increment(x: 0)).wait()
        var sum = 0
        let seconds = try Stopwatch.seconds {
            let futures = try (0..<count).map { try executor.submit(Increment(x: $0)) }
            sum = try futures.reduce(0) { $0 + (try $1.wait()) }
        }
        let expected = count * (count + 1) / 2  // 1 + 2 + … + count
        guard sum == expected else {
            throw DemoError.wrongAnswer("\(count) increments summed to \(sum), not \(expected)")
        }
        return seconds * 1e6 / Double(count)
    }

    static func finding(inline: Double, threadPool: Double, processPool: Double, count: Int) -> Finding {
        Finding(
            id: "job-overhead",
            title: "Tiny jobs (\(count) each, submitted one by one)",
            measurements: [
                Measurement(label: "InlineExecutor", value: inline, unit: "µs/job", quantity: "cost per job"),
                Measurement(label: "ThreadPool", value: threadPool, unit: "µs/job", quantity: "cost per job"),
                Measurement(label: "ProcessPool", value: processPool, unit: "µs/job", quantity: "cost per job"),
            ],
            lesson:
                "A ProcessPool job cost \(Wording.microseconds(processPool)), \(Wording.ratio(processPool / threadPool)) a ThreadPool job "
                + "(\(Wording.microseconds(threadPool))): give each process job well over \(Wording.microseconds(processPool * 100)) of work, or batch with map."
        )
    }
}
