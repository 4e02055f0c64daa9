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

/// Counts the primes in a range by trial division: CPU-bound work whose
/// answer anyone can check (there are 1229 primes below 10 000).
struct PrimeCount: Job {
    var range: Range<Int>

    func run() -> Int {
        var count = 0
        for n in range where Self.isPrime(n) { count += 1 }
        return count
    }

    static func isPrime(_ n: Int) -> Bool {
        if n < 4 { return n >= 2 }
        if n % 2 == 0 { return false }
        var divisor = 3
        while divisor * divisor <= n {
            if n % divisor == 0 { return false }
            divisor += 2
        }
        return true
    }
}

extension Experiment {
    /// The same CPU-bound jobs run one after another, on a ThreadPool and on a ProcessPool.
    static let cpuSpeedup = Experiment(
        id: "cpu-speedup", title: "(a) CPU-bound work: serial vs ThreadPool vs ProcessPool"
    ) { settings, progress in
        progress.step("calibrating a job to about \(Wording.number(settings.cpuJobMilliseconds)) ms")
        let jobs = CPUSpeedup.jobs(
            count: settings.workers * settings.cpuJobsPerWorker,
            lengthEach: CPUSpeedup.calibratedLength(milliseconds: settings.cpuJobMilliseconds))
        let timings = try CPUSpeedup.measure(jobs: jobs, workers: settings.workers, progress: progress)
        progress.step(
            "Python: the same kind of jobs, serially and on ThreadPoolExecutor(\(settings.workers)) (\(PythonThreads.script))"
        )
        let python = try PythonThreads.measure(
            jobs: jobs.count, threads: settings.workers, milliseconds: settings.pythonJobMilliseconds)
        return CPUSpeedup.finding(timings, jobs: jobs.count, workers: settings.workers, python: python)
    }
}

/// The CPU-speedup experiment's measuring code.
enum CPUSpeedup {
    /// Where the counted ranges start: far enough out that every job costs
    /// about the same.
    static let base = 10_000_000

    struct Timings: Codable, Equatable {
        var serialSeconds: Double
        var threadPoolSeconds: Double
        var processPoolSeconds: Double
        /// The total each way of running computed; all three must agree.
        var serialAnswer: Int
        var threadPoolAnswer: Int
        var processPoolAnswer: Int

        var threadSpeedup: Double { serialSeconds / threadPoolSeconds }
        var processSpeedup: Double { serialSeconds / processPoolSeconds }
    }

    /// `count` jobs of `lengthEach` consecutive numbers each, from `start` on.
    static func jobs(count: Int, lengthEach: Int, start: Int = base) -> [PrimeCount] {
        (0..<count).map { index in
            PrimeCount(range: (start + index * lengthEach)..<(start + (index + 1) * lengthEach))
        }
    }

    /// How many numbers one job must test to take about `milliseconds` here
    /// (debug and release builds differ tenfold, so this is measured).
    static func calibratedLength(milliseconds: Double) -> Int {
        let probe = 2_000
        let perProbe = Stopwatch.medianMicroseconds(repetitions: 3) {
            _ = PrimeCount(range: base..<(base + probe)).run()
        }
        return max(100, Int(Double(probe) * milliseconds * 1_000 / max(perProbe, 1)))
    }

    /// Runs `jobs` serially on this thread, then on a ThreadPool and a
    /// ProcessPool of `workers` each (started and warmed up before the clock
    /// starts, shut down after it stops), and checks that all three answers agree.
    static func measure(jobs: [PrimeCount], workers: Int, progress: Progress = Progress(destination: .none)) throws
        -> Timings
    {
        progress.step("serial: \(jobs.count) jobs on this thread")
        var serialAnswer = 0
        let serial = Stopwatch.seconds { serialAnswer = jobs.reduce(0) { $0 + $1.run() } }

        progress.step("ThreadPool(threads: \(workers))")
        let threadPool = ThreadPool(threads: workers)
        let warmUp = (0..<workers).map { PrimeCount(range: $0..<$0 + 1) }
        let (threaded, threadOutputs) = try WarmTiming.seconds(jobs, warmUp: warmUp, on: threadPool)
        threadPool.shutdown(wait: true)

        progress.step("ProcessPool(workers: \(workers))")
        let processPool = try ProcessPool(workers: workers)
        defer { processPool.shutdown(wait: true) }
        let (processes, processOutputs) = try WarmTiming.seconds(jobs, warmUp: warmUp, on: processPool)
        let threadAnswer = threadOutputs.reduce(0, +)
        let processAnswer = processOutputs.reduce(0, +)

        let timings = Timings(
            serialSeconds: serial, threadPoolSeconds: threaded, processPoolSeconds: processes,
            serialAnswer: serialAnswer, threadPoolAnswer: threadAnswer, processPoolAnswer: processAnswer)
        guard threadAnswer == serialAnswer && processAnswer == serialAnswer else {
            throw DemoError.wrongAnswer(
                "serial \(serialAnswer), ThreadPool \(threadAnswer), ProcessPool \(processAnswer) primes")
        }
        return timings
    }

    static func finding(_ timings: Timings, jobs: Int, workers: Int, python: PythonThreads.Outcome) -> Finding {
        var measurements = [
            Measurement(label: "serial", value: timings.serialSeconds, unit: "s", quantity: "time"),
            Measurement(label: "ThreadPool", value: timings.threadPoolSeconds, unit: "s", quantity: "time"),
            Measurement(label: "ProcessPool", value: timings.processPoolSeconds, unit: "s", quantity: "time"),
            Measurement(
                label: "ThreadPool speedup", value: timings.threadSpeedup, unit: "×", quantity: "speed-up over serial"),
            Measurement(
                label: "ProcessPool speedup", value: timings.processSpeedup, unit: "×", quantity: "speed-up over serial"
            ),
        ]
        if case .measured(let py) = python {
            measurements += [
                Measurement(
                    label: "Python \(py.python): serial", value: py.serialSeconds, unit: "s", quantity: "Python's time"),
                Measurement(
                    label: "Python \(py.python): \(py.threads) threads", value: py.threadsSeconds, unit: "s",
                    quantity: "Python's time"),
                Measurement(
                    label: "Python threads speedup", value: py.threadSpeedup, unit: "×",
                    quantity: "speed-up over serial"),
            ]
        }
        return Finding(
            id: "cpu-speedup",
            title: "CPU-bound work (\(jobs) jobs, \(workers) workers)",
            measurements: measurements,
            lesson: lesson(timings, workers: workers) + " " + pythonLesson(python, swiftThreads: timings.threadSpeedup))
    }

    /// The sentence on Python's threads, or why they were not measured.
    static func pythonLesson(_ python: PythonThreads.Outcome, swiftThreads: Double) -> String {
        switch python {
        case .measured(let py):
            "Python \(py.python)'s \(py.threads) threads on the same kind of jobs ran \(Wording.ratio(py.threadSpeedup)) as fast as its own loop "
                + "(Swift's: \(Wording.ratio(swiftThreads))): its global interpreter lock lets one thread at a time run Python code, "
                + "which is why Python programs turn to processes for CPU-bound work."
        case .skipped(let reason):
            "(Python's threads were not measured: \(reason).)"
        }
    }

    /// The lesson, from the speedups; `loadAverage` (of the minute before the
    /// run) explains a poor speedup on a busy machine.
    static func lesson(_ timings: Timings, workers: Int, loadAverage: Double? = LoadAverage.oneMinute()) -> String {
        let threads = timings.threadSpeedup
        let processes = timings.processSpeedup
        let opening =
            "With \(workers) workers, threads ran \(Wording.ratio(threads)) and processes \(Wording.ratio(processes)) as fast as serial"
        let best = max(threads, processes)
        if best < 0.7 * Double(workers) {
            let busy =
                loadAverage.map {
                    " (load average \(Wording.fixed($0, decimals: 1)) on \(AvailableProcessors.count) CPUs)"
                } ?? ""
            return opening
                + " — short of the ideal \(workers)×: other programs were using the CPUs\(busy); run it again on a quiet machine."
        }
        if abs(threads - processes) / best < 0.1 {
            return opening
                + " — about the same: Swift has no global interpreter lock, so threads use every core too; processes add isolation."
        }
        return opening
            + (threads > processes
                ? " — threads won: processes pay for encoding and sending each job and its result."
                : " — processes won: each has its own heap, so they share no allocator or cache lines.")
    }
}
