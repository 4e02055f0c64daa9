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
import Synchronization

@testable import process_vs_thread

// The demo's measurements run in fresh processes, not in this test runner.
//
// The runner has many threads and runs other suites in parallel: forking it
// risks children that hang on a lock another thread held (the demo's own
// rule is to fork only while single-threaded), a child forked from it keeps a
// stale thread id in `Synchronization.Mutex` (docs-draft/), and its memory and
// descriptor counts change under other tests. A ProcessPool worker is a
// freshly spawned, single-threaded process: there the demo's code runs as it
// does in `swift run process-vs-thread`, and the runner only waits.

/// Runs `job` in a new pool worker (spawned, used for this job only) and
/// returns its output.
func inFreshProcess<J: Job>(_ job: J, timeout: Duration = .seconds(50)) throws -> J.Output {
    let pool = try ProcessPool(workers: 1, options: .init(maxJobsPerWorker: 1, jobTimeout: timeout))
    defer { pool.shutdown(wait: true) }
    return try pool.submit(job).wait(timeout: .seconds(60))
}

/// A path in the temporary directory unique to this process and call.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "process-vs-thread-test-\(getpid())-\(TemporaryNames.next())-\(name)"
}

enum TemporaryNames {
    private static let counter = Mutex(0)
    static func next() -> Int {
        counter.withLock {
            $0 += 1
            return $0
        }
    }
}

/// An error of a job, carried back as itself.
struct JobFailed: Error, Codable, CustomStringConvertible {
    var description: String
}

// MARK: The jobs

struct MeasureCPUSpeedup: Job {
    func run() throws -> CPUSpeedup.Timings {
        try CPUSpeedup.measure(jobs: CPUSpeedup.jobs(count: 4, lengthEach: 2_500, start: 0), workers: 2)
    }
}

/// Per-job overhead on an InlineExecutor, a ThreadPool and a ProcessPool.
struct MeasureJobOverhead: Job {
    func run() throws -> [Double] {
        let threads = ThreadPool(threads: 2)
        defer { threads.shutdown(wait: true) }
        let processes = try ProcessPool(workers: 1)
        defer { processes.shutdown(wait: true) }
        return [
            try JobOverhead.microsecondsPerJob(on: InlineExecutor(), count: 50),
            try JobOverhead.microsecondsPerJob(on: threads, count: 50),
            try JobOverhead.microsecondsPerJob(on: processes, count: 50),
        ]
    }
}

/// Thread, fork, spawn, ThreadPool and ProcessPool(.spawn) start-up.
struct MeasureStartup: Job {
    func run() throws -> [Double] {
        [
            try StartupCost.thread(repetitions: 5),
            try StartupCost.fork(repetitions: 3),
            try StartupCost.spawn(repetitions: 3),
            try StartupCost.threadPoolToFirstResult(workers: 2, repetitions: 2),
            try StartupCost.processPoolToFirstResult(.spawn, workers: 1, repetitions: 1),
        ]
    }
}

/// I/O-bound waits: serial, on a ThreadPool and on a ProcessPool.
struct MeasureIOBound: Job {
    func run() throws -> IOBound.Timings {
        try IOBound.measure(jobs: IOBound.jobs(count: 6, milliseconds: 10), threads: 6, workers: 1)
    }
}

struct MeasureMemoryIsolation: Job {
    func run() throws -> MemoryIsolation.Outcome { try MemoryIsolation.measure() }
}

struct MeasureCrashUnderThreadPool: Job {
    func run() throws -> CrashIsolation.ThreadPoolOutcome {
        try CrashIsolation.underThreadPool(CrashIsolation.jobs(count: 4, trappingIndex: 0), workers: 2)
    }
}

struct MeasureCrashUnderProcessPool: Job {
    func run() throws -> CrashIsolation.ProcessPoolOutcome {
        try CrashIsolation.underProcessPool(CrashIsolation.jobs(count: 4, trappingIndex: 1), workers: 2)
    }
}

struct MeasureThreadFootprint: Job {
    var threads: Int
    func run() throws -> MemoryFootprint.ThreadCost { try MemoryFootprint.perThread(count: threads) }
}

/// A forked child's memory, then one pool worker's.
struct MeasureProcessFootprints: Job {
    func run() throws -> [ProcessMemory] {
        [try MemoryFootprint.forkedChild()] + (try MemoryFootprint.poolWorkers(count: 1))
    }
}

/// Connection, Queue and encode-decode round trips.
struct MeasureRoundTrips: Job {
    func run() throws -> [Double] {
        [
            try CommunicationCost.connectionRoundTrip(count: 20),
            try CommunicationCost.queueRoundTrip(count: 20),
            try CommunicationCost.encodeDecode(count: 20),
        ]
    }
}

/// Whether the fork-safety check passes where it runs, and the thread count seen.
struct CheckForkSafety: Job {
    func run() throws -> Int {
        try ForkSafety.waitUntilSingleThreaded(timeout: .seconds(1))
        return ProcFiles.threadCount ?? 0
    }
}

/// Runs the demo's command with standard output and error sent to files;
/// returns what it wrote to standard output.
struct RunDemo: Job {
    var arguments: [String]
    var outputPath = temporaryPath("stdout.txt")
    var errorPath = temporaryPath("stderr.txt")

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    func run() throws -> String {
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let error = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0, error >= 0 else { throw JobFailed(description: "cannot create \(outputPath)") }
        fflush(nil)
        dup2(output, STDOUT_FILENO)
        dup2(error, STDERR_FILENO)
        do {
            let command = try ProcessVsThread.parse(arguments)
            try command.run()
        } catch {
            fflush(nil)
            let log = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw JobFailed(
                description: "the demo failed: \(error); the end of its standard error:\n\(log.suffix(2_000))")
        }
        fflush(nil)
        return try String(contentsOfFile: outputPath, encoding: .utf8)
    }
}
