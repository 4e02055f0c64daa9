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
internal import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// A job that sleeps a little and returns its index, or, when `traps`, crashes
/// the process running it with a Swift runtime trap (`fatalError`).
struct CrashTestJob: Job {
    var index: Int
    var traps: Bool
    var sleepMilliseconds = 5

    func run() -> Int {
        if traps { QuietTrap.trap("job \(index) trapped on purpose") }
        usleep(UInt32(sleepMilliseconds) * 1_000)
        return index
    }
}

/// A Swift trap without the noise, so the demo's output stays readable: the
/// crashing process's standard error goes to `/dev/null`, and the crash
/// signals get their default action back, which skips the Swift runtime's
/// backtracer (it can take seconds). The trap itself is an ordinary
/// `fatalError`: the process dies of `SIGILL` (x86-64) or `SIGTRAP` (arm64).
enum QuietTrap {
    static func trap(_ message: String) -> Never {
        // If either call fails, the trap's message shows: noise, not an error.
        if let null = try? valueOrErrno({ open("/dev/null", O_WRONLY | O_CLOEXEC) }) {
            _ = try? valueOrErrno { dup2(null, STDERR_FILENO) }
        }
        for signal in [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE] { Glibc.signal(signal, SIG_DFL) }
        fatalError(message)
    }
}

extension Experiment {
    /// One job of several traps: under a ThreadPool (inside a child process,
    /// so the demo survives), then under a ProcessPool.
    static let crashIsolation = Experiment(
        id: "crash-isolation", title: "(f) Crash isolation: one of several jobs traps"
    ) { settings, progress in
        try ForkSafety.waitUntilSingleThreaded()
        let jobs = CrashIsolation.jobs(count: 6, trappingIndex: 0)
        progress.step("ThreadPool(threads: \(settings.workers)) inside a child process")
        let threads = try CrashIsolation.underThreadPool(jobs, workers: settings.workers)
        progress.step("ProcessPool(workers: \(settings.workers))")
        let processes = try CrashIsolation.underProcessPool(jobs, workers: settings.workers)
        return CrashIsolation.finding(threads: threads, processes: processes)
    }
}

/// The crash-isolation experiment's measuring code.
enum CrashIsolation {
    /// What the ThreadPool's process (a child of the demo) went through.
    struct ThreadPoolOutcome: Codable, Equatable {
        /// How the child running the pool ended.
        var status: ExitStatus
        /// Outputs that reached the child's caller before it died.
        var delivered: Int
        var jobs: Int
    }

    /// What the ProcessPool's caller saw.
    struct ProcessPoolOutcome: Codable, Equatable {
        var delivered: Int
        /// The text of each failed job's error.
        var failures: [String]
        /// The signal that killed the crashed worker, if it was one.
        var crashSignal: Int32?
        var jobs: Int
    }

    static func jobs(count: Int, trappingIndex: Int) -> [CrashTestJob] {
        (0..<count).map { CrashTestJob(index: $0, traps: $0 == trappingIndex) }
    }

    /// Runs `jobs` on a ThreadPool inside a forked child, which sends each
    /// output to the demo as it arrives; returns how the child ended and how
    /// many outputs arrived. Fork only while single-threaded.
    static func underThreadPool(_ jobs: [CrashTestJob], workers: Int) throws -> ThreadPoolOutcome {
        let (parentEnd, childEnd) = try Pipe().ends
        let child = try ChildProcess.fork(name: "demo-threadpool") {
            // The work runs on a new thread of the child, not on the forked
            // one: `Synchronization.Mutex` caches thread ids, and the forked
            // thread's is the parent's, so a lock it held under contention
            // could trap too — and the trap shown must be the job's.
            let runner = PosixThread(name: "demo-caller") {
                let pool = ThreadPool(threads: workers)
                for future in jobs.compactMap({ try? pool.submit($0) }) {
                    guard let output = try? future.wait(), (try? childEnd.send(output)) != nil else { return }
                }
                pool.shutdown(wait: true)
            }
            try runner.start()
            runner.join()
            return 0
        }
        childEnd.close()
        defer { parentEnd.close() }
        var delivered = 0
        while true {
            guard try parentEnd.poll(timeout: .seconds(30)) else {
                child.kill()
                _ = try child.join()
                throw DemoError.childFailed("the ThreadPool child sent nothing for 30 s and was killed")
            }
            guard (try? parentEnd.receive(Int.self)) != nil else { break }  // end of stream: the child is gone
            delivered += 1
        }
        return ThreadPoolOutcome(status: try child.join(), delivered: delivered, jobs: jobs.count)
    }

    /// Runs `jobs` on a ProcessPool and collects each job's output or error.
    static func underProcessPool(_ jobs: [CrashTestJob], workers: Int) throws -> ProcessPoolOutcome {
        let pool = try ProcessPool(workers: workers)
        defer { pool.shutdown(wait: true) }
        let futures = try jobs.map { try pool.submit($0) }
        var outcome = ProcessPoolOutcome(delivered: 0, failures: [], crashSignal: nil, jobs: jobs.count)
        for future in futures {
            do {
                _ = try future.wait()
                outcome.delivered += 1
            } catch {
                outcome.failures.append(String(describing: error))
                if case ProcessPoolError.workerCrashed(_, .signaled(let signal), _) = error {
                    outcome.crashSignal = signal
                }
            }
        }
        return outcome
    }

    static func finding(threads: ThreadPoolOutcome, processes: ProcessPoolOutcome) -> Finding {
        let died: String =
            switch threads.status {
            case .signaled(let signal): "killed by \(ExitStatus.signalName(signal) ?? "signal \(signal)")"
            case .exited(let code): "exited with \(code)"
            }
        return Finding(
            id: "crash-isolation",
            title: "Crash isolation (1 of \(threads.jobs) jobs traps)",
            measurements: [
                Measurement(
                    label: "ThreadPool: outputs delivered", value: Double(threads.delivered), unit: "jobs",
                    quantity: "jobs"),
                Measurement(
                    label: "ThreadPool: lost (process \(died))", value: Double(threads.jobs - threads.delivered),
                    unit: "jobs", quantity: "jobs"),
                Measurement(
                    label: "ProcessPool: outputs delivered", value: Double(processes.delivered), unit: "jobs",
                    quantity: "jobs"),
                Measurement(
                    label: "ProcessPool: jobs failed", value: Double(processes.failures.count), unit: "jobs",
                    quantity: "jobs"),
            ],
            lesson: lesson(threads: threads, processes: processes))
    }

    static func lesson(threads: ThreadPoolOutcome, processes: ProcessPoolOutcome) -> String {
        let threadPart: String =
            switch threads.status {
            case .signaled(let signal):
                "Under ThreadPool the trap killed the whole process (signal \(signal)\(ExitStatus.signalName(signal).map { ", \($0)" } ?? "")) and \(threads.jobs - threads.delivered) of \(threads.jobs) outputs were lost"
            case .exited(let code):
                "Under ThreadPool the process exited with code \(code) and \(threads.jobs - threads.delivered) of \(threads.jobs) outputs were lost"
            }
        let processPart =
            processes.failures.isEmpty
            ? "under ProcessPool no job failed"
            : "under ProcessPool only \(processes.failures.count == 1 ? "that job" : "\(processes.failures.count) jobs") failed (\"\(processes.failures[0])\") and \(processes.delivered) of \(processes.jobs) returned"
        return threadPart + "; " + processPart + "."
    }
}
