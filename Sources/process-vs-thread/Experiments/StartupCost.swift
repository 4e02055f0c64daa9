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

extension Experiment {
    /// What starting a thread, a process, and a whole pool costs.
    static let startupCost = Experiment(
        id: "startup", title: "(d) Start-up: a thread, a forked process, a spawned process, a pool to first result"
    ) { settings, progress in
        try ForkSafety.waitUntilSingleThreaded()
        let repetitions = settings.startupRepetitions
        progress.step(
            "thread start + join, fork + exit + join, posix_spawn(\(Spawn.trueProgram)) + wait: \(repetitions) each")
        let thread = try StartupCost.thread(repetitions: repetitions)
        let fork = try StartupCost.fork(repetitions: repetitions)
        let spawn = try StartupCost.spawn(repetitions: repetitions / 2)
        progress.step(
            "pools of \(settings.workers), from init to the first job's result: \(settings.poolStartRepetitions) each")
        let threadPool = try StartupCost.threadPoolToFirstResult(
            workers: settings.workers, repetitions: settings.poolStartRepetitions)
        // Forking pools first: each repetition waits until the last pool's threads are gone.
        let forkPool = try StartupCost.processPoolToFirstResult(
            .fork, workers: settings.workers, repetitions: settings.poolStartRepetitions)
        let spawnPool = try StartupCost.processPoolToFirstResult(
            .spawn, workers: settings.workers, repetitions: settings.poolStartRepetitions)
        return Finding(
            id: "startup",
            title: "Start-up cost (medians)",
            measurements: [
                Measurement(label: "thread: start + join", value: thread, unit: "µs", quantity: "start-up time"),
                Measurement(label: "process: fork + exit + join", value: fork, unit: "µs", quantity: "start-up time"),
                Measurement(
                    label: "process: posix_spawn + exit + wait", value: spawn, unit: "µs", quantity: "start-up time"),
                Measurement(
                    label: "ThreadPool to first result", value: threadPool, unit: "µs", quantity: "start-up time"),
                Measurement(
                    label: "ProcessPool(.fork) to first result", value: forkPool, unit: "µs", quantity: "start-up time"),
                Measurement(
                    label: "ProcessPool(.spawn) to first result", value: spawnPool, unit: "µs",
                    quantity: "start-up time"),
            ],
            lesson:
                "A thread started in \(Wording.microseconds(thread)), a forked process in \(Wording.microseconds(fork)) "
                + "(\(Wording.ratio(fork / thread))), a spawned one in \(Wording.microseconds(spawn)) (\(Wording.ratio(spawn / thread))); "
                + "a spawning ProcessPool answered in \(Wording.microseconds(spawnPool)): start pools once and reuse them."
        )
    }
}

/// The start-up experiment's measuring code. Every function returns a median
/// in microseconds and checks that what it started really ran.
enum StartupCost {
    /// Creating, starting and joining a ``PosixThread`` that does nothing.
    static func thread(repetitions: Int) throws -> Double {
        try Stopwatch.medianMicroseconds(repetitions: repetitions) {
            let thread = PosixThread(name: "demo-empty") {}
            try thread.start()
            thread.join()
        }
    }

    /// Forking a child that exits at once, and joining it. Only safe while
    /// this process is single-threaded (see ``ForkSafety``).
    static func fork(repetitions: Int) throws -> Double {
        try Stopwatch.medianMicroseconds(repetitions: repetitions) {
            let child = try ChildProcess.fork(name: "demo-empty") { 0 }
            guard try child.join() == .exited(0) else {
                throw DemoError.childFailed("an empty child failed")
            }
        }
    }

    /// Spawning `/bin/true` (a new executable image) and waiting for it.
    static func spawn(repetitions: Int) throws -> Double {
        try Stopwatch.medianMicroseconds(repetitions: max(1, repetitions)) {
            let status = try Spawn.runAndWait(Spawn.trueProgram)
            guard status == 0 else {
                throw DemoError.childFailed("\(Spawn.trueProgram) ended with wait status \(status)")
            }
        }
    }

    /// From `ThreadPool(threads:)` to the first job's output (shutting down is not timed).
    static func threadPoolToFirstResult(workers: Int, repetitions: Int) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<repetitions {
            var pool: ThreadPool?
            samples.append(
                try Stopwatch.seconds {
                    pool = ThreadPool(threads: workers)
                    try check(pool!.submit(Increment(x: 41)).wait())
                } * 1e6)
            pool?.shutdown(wait: true)
        }
        return Stopwatch.median(samples)
    }

    /// From `ProcessPool(workers:options:)` to the first job's output
    /// (shutting the pool down is not timed). With `.fork`, each repetition
    /// first waits until this process is single-threaded again.
    static func processPoolToFirstResult(_ method: ProcessPool.StartMethod, workers: Int, repetitions: Int) throws
        -> Double
    {
        var samples: [Double] = []
        for _ in 0..<repetitions {
            if method == .fork { try ForkSafety.waitUntilSingleThreaded() }
            var pool: ProcessPool?
            samples.append(
                try Stopwatch.seconds {
                    pool = try ProcessPool(workers: workers, options: .init(startMethod: method))
                    try check(pool!.submit(Increment(x: 41)).wait())
                } * 1e6)
            pool?.shutdown(wait: true)
        }
        return Stopwatch.median(samples)
    }

    private static func check(_ output: Int) throws {
        guard output == 42 else { throw DemoError.wrongAnswer("Increment(x: 41) returned \(output)") }
    }
}
