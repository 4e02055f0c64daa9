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

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for data on a pipe that stays silent for `milliseconds`: a read from
/// a slow disk or a slow network peer. The thread (or worker process) that
/// runs it sleeps in the kernel, in `poll(2)`, using no CPU. Returns how long
/// it waited, in milliseconds.
struct SlowRead: Job {
    var milliseconds: Int

    func run() throws -> Double {
        let (incoming, outgoing) = try Pipe(duplex: false).ends
        defer {
            outgoing.close()
            incoming.close()
        }
        let waited = try ContinuousClock().measure {
            if try incoming.poll(timeout: .milliseconds(milliseconds)) {
                throw DemoError.wrongAnswer("a pipe nobody writes to had data")
            }
        }
        return waited.microseconds / 1_000
    }
}

extension Experiment {
    /// The same I/O-bound jobs run one after another, on a ThreadPool with a
    /// thread per job, and on a ProcessPool of one worker per CPU.
    static let ioBound = Experiment(id: "io-bound", title: "(b) I/O-bound work: serial vs ThreadPool vs ProcessPool") {
        settings, progress in
        let jobs = IOBound.jobs(count: settings.ioJobs, milliseconds: settings.ioWaitMilliseconds)
        let timings = try IOBound.measure(
            jobs: jobs, threads: settings.ioJobs, workers: settings.workers, progress: progress)
        return IOBound.finding(
            timings, jobs: jobs.count, milliseconds: settings.ioWaitMilliseconds,
            threads: settings.ioJobs, workers: settings.workers)
    }
}

/// The I/O-bound experiment's measuring code.
enum IOBound {
    struct Timings: Codable, Equatable {
        var serialSeconds: Double
        var threadPoolSeconds: Double
        var processPoolSeconds: Double
        /// CPU time this process used while the ThreadPool ran the jobs (all
        /// its threads together): what the waiting cost.
        var threadPoolCPUSeconds: Double

        var threadSpeedup: Double { serialSeconds / threadPoolSeconds }
        var processSpeedup: Double { serialSeconds / processPoolSeconds }
    }

    static func jobs(count: Int, milliseconds: Int) -> [SlowRead] {
        Array(repeating: SlowRead(milliseconds: milliseconds), count: count)
    }

    /// Runs `jobs` serially on this thread, then on a ThreadPool of `threads`
    /// threads and a ProcessPool of `workers` workers (each started and warmed
    /// up before the clock starts), and checks that every job waited its time.
    static func measure(
        jobs: [SlowRead], threads: Int, workers: Int,
        progress: Progress = Progress(destination: .none)
    ) throws -> Timings {
        progress.step("serial: \(jobs.count) waits on this thread")
        var serialWaits: [Double] = []
        let serial = try Stopwatch.seconds { serialWaits = try jobs.map { try $0.run() } }

        progress.step("ThreadPool(threads: \(threads))")
        let warmUp = Array(repeating: SlowRead(milliseconds: 0), count: max(threads, workers))
        let threadPool = ThreadPool(threads: threads)
        _ = try WarmTiming.runAll(warmUp, on: threadPool)
        let cpuBefore = processCPUSeconds()
        let (threaded, threadWaits) = try WarmTiming.seconds(jobs, warmUp: [], on: threadPool)
        let cpuUsed = processCPUSeconds() - cpuBefore
        threadPool.shutdown(wait: true)

        progress.step("ProcessPool(workers: \(workers))")
        let processPool = try ProcessPool(workers: workers)
        defer { processPool.shutdown(wait: true) }
        let (processes, processWaits) = try WarmTiming.seconds(
            jobs, warmUp: Array(warmUp.prefix(workers)), on: processPool)

        for (way, waits) in [("serial", serialWaits), ("ThreadPool", threadWaits), ("ProcessPool", processWaits)] {
            try check(waits, of: jobs, way: way)
        }
        return Timings(
            serialSeconds: serial, threadPoolSeconds: threaded, processPoolSeconds: processes,
            threadPoolCPUSeconds: cpuUsed)
    }

    /// Every job must have waited its whole time (a read that returned early
    /// would make the pools look faster than they are).
    private static func check(_ waits: [Double], of jobs: [SlowRead], way: String) throws {
        guard waits.count == jobs.count else {
            throw DemoError.wrongAnswer("\(way): \(waits.count) of \(jobs.count) waits returned")
        }
        for (wait, job) in zip(waits, jobs) where wait < Double(job.milliseconds) * 0.99 {
            throw DemoError.wrongAnswer(
                "\(way): a \(job.milliseconds) ms wait returned after \(Wording.number(wait)) ms")
        }
    }

    /// The CPU time this process has used so far, all threads together.
    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func finding(_ timings: Timings, jobs: Int, milliseconds: Int, threads: Int, workers: Int) -> Finding {
        Finding(
            id: "io-bound",
            title:
                "I/O-bound work (\(jobs) jobs each waiting \(milliseconds) ms; \(threads) threads, \(workers) worker processes)",
            measurements: [
                Measurement(label: "serial", value: timings.serialSeconds, unit: "s", quantity: "time"),
                Measurement(label: "ThreadPool", value: timings.threadPoolSeconds, unit: "s", quantity: "time"),
                Measurement(label: "ProcessPool", value: timings.processPoolSeconds, unit: "s", quantity: "time"),
                Measurement(
                    label: "ThreadPool: CPU time used", value: timings.threadPoolCPUSeconds * 1_000, unit: "ms",
                    quantity: "CPU time"),
            ],
            lesson: lesson(timings, threads: threads, workers: workers))
    }

    /// The lesson, from the measured times.
    static func lesson(_ timings: Timings, threads: Int, workers: Int) -> String {
        func time(_ seconds: Double) -> String { Wording.microseconds(seconds * 1e6) }
        let opening =
            "Waiting serially took \(time(timings.serialSeconds)); \(threads) threads took \(time(timings.threadPoolSeconds)) "
            + "(\(Wording.ratio(timings.threadSpeedup)) as fast) using \(time(timings.threadPoolCPUSeconds)) of CPU, "
            + "\(workers) worker processes \(time(timings.processPoolSeconds)) (\(Wording.ratio(timings.processSpeedup)))"
        guard timings.threadPoolSeconds < timings.processPoolSeconds else {
            return opening
                + " — the pools tied here (a busy machine?); in principle threads win: a waiting thread costs no CPU."
        }
        return opening
            + " — threads won: a waiting thread costs no CPU, so a pool can have far more threads than cores, "
            + "while each extra process costs megabytes and milliseconds to start. For slow disks and networks, use threads."
    }
}
