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
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

// These scenarios run inside a worker of a pool (a fresh, single-threaded copy
// of the test runner), where nothing else opens descriptors or starts children:
// counts are exact there, whatever other tests run in parallel in the runner.

/// What a process holds: open descriptors and live or zombie children.
struct ResourceCount: Codable, Sendable, Equatable {
    var descriptors: Int
    var children: Int

    static func current() -> ResourceCount {
        ResourceCount(descriptors: (try? openDescriptorCount()) ?? -1, children: childProcesses().count)
    }
}

struct LeakReport: Codable, Sendable {
    var before: ResourceCount
    var after: ResourceCount
    var outputsCorrect: Bool
    var distinctWorkers: Int
    var crashesReported: Int
}

/// Runs 5,000 jobs and 100+ worker replacements on a pool inside a worker.
struct LeakScenario: Job {
    func run() throws -> LeakReport {
        let before = ResourceCount.current()
        var correct = true
        var workers = Set<Int32>()
        var crashes = 0
        do {
            let pool = try ProcessPool(workers: 2, options: .init(maxJobsPerWorker: 50))
            let futures = try (0..<5_000).map { try pool.submit(AddOne(x: $0)) }
            for (index, future) in futures.enumerated() where try future.wait(timeout: .seconds(60)) != index + 1 {
                correct = false
            }
            let pids = try (0..<200).map { _ in try pool.submit(WorkerPID()) }
            for future in pids { workers.insert(try future.wait(timeout: .seconds(60))) }
            for _ in 0..<10 {
                do {
                    _ = try pool.submit(Crash(how: .exit)).wait(timeout: .seconds(60))
                } catch ProcessPoolError.workerCrashed {
                    crashes += 1
                }
            }
            pool.shutdown(wait: true)
        }
        return LeakReport(
            before: before, after: ResourceCount.current(), outputsCorrect: correct,
            distinctWorkers: workers.count, crashesReported: crashes)
    }
}

/// The inner pool of the parent-death scenario, kept alive in the worker.
nonisolated(unsafe) var innerPool: ProcessPool?

struct StartInnerPool: Job {
    var method: ProcessPool.StartMethod.Coded
    func run() throws -> [Int32] {
        let pool = try ProcessPool(workers: 2, options: .init(startMethod: method.value))
        innerPool = pool
        // One job each so both workers have certainly started.
        _ = try (0..<4).map { try pool.submit(AddOne(x: $0)) }.map { try $0.wait(timeout: .seconds(60)) }
        return pool.workerPIDs + [getpid()]
    }
}

extension ProcessPool.StartMethod {
    enum Coded: String, Codable, Sendable {
        case spawn, fork
        var value: ProcessPool.StartMethod { self == .spawn ? .spawn : .fork }
    }
}

/// Which of the signals a crash reporter handles have their default action
/// in the worker that runs this job (SIGUSR1 too: the scenario gives it a
/// handler in the pool's process).
struct SignalDispositions: Job {
    func run() -> [Int32: Bool] {
        var result: [Int32: Bool] = [:]
        for signal in [SIGUSR1, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV] {
            var current = sigaction()
            sigaction(signal, nil, &current)
            result[signal] = current.__sigaction_handler.sa_handler == nil  // SIG_DFL
        }
        return result
    }
}

/// A `.fork` pool's workers start with every signal at its default action,
/// as spawned ones do: a forked copy of a program whose crash handler (the
/// Swift runtime's backtracer, say) is installed must not run it for every
/// crashing job. Runs in a worker: a fresh, single-threaded process.
struct ForkedWorkerDispositionsScenario: Job {
    func run() throws -> [Int32: Bool] {
        signal(SIGUSR1, { _ in })
        let pool = try ProcessPool(workers: 1, options: .init(startMethod: .fork))
        defer { pool.shutdown(wait: true) }
        return try pool.submit(SignalDispositions()).wait(timeout: .seconds(30))
    }
}

/// Prints a line to standard output.
struct PrintLine: Job {
    var text: String
    func run() -> Int {
        print(text)
        return text.count
    }
}

func isGone(_ pid: Int32) -> Bool {
    let state = processState(pid)
    return state == nil || state == "Z" || state == "X"
}

extension ProcessPoolSuites {
    @Suite("ProcessPool hygiene", .timeLimit(.minutes(1)))
    struct ProcessPoolHygieneTests {
        @Test func descriptorsAndChildrenStayFlatOverThousandsOfJobsAndReplacements() async throws {
            let host = try ProcessPool(workers: 1)
            let report = try await host.run(LeakScenario())
            await host.shutdown()
            #expect(report.outputsCorrect)
            #expect(report.distinctWorkers >= 4, "workers were recycled")
            #expect(report.crashesReported == 10)
            #expect(report.before.children == 0)
            #expect(report.after == report.before, "no descriptor or child left behind")
        }

        @Test func forkedWorkersStartWithEverySignalAtItsDefaultAction() async throws {
            let host = try ProcessPool(workers: 1)
            let dispositions = try await host.run(ForkedWorkerDispositionsScenario())
            await host.shutdown()
            #expect(dispositions.count == 7)
            for (signal, isDefault) in dispositions.sorted(by: { $0.key < $1.key }) {
                #expect(isDefault, "signal \(signal) has a handler in the forked worker")
            }
        }

        /// What a job printed reaches standard output when the job ends, even
        /// when standard output is not a terminal (fully buffered) and the
        /// worker is killed later, running another job. Alone in a fresh
        /// runner whose standard output is a socket, which the test reads.
        @Test func whatAJobPrintedSurvivesTheKillOfItsWorker() throws {
            let marker = "printed-by-a-job-whose-worker-is-killed-later"
            try runIsolated(
                in: Self.self,
                {
                    let pool = try ProcessPool(workers: 1, options: .init(jobTimeout: .seconds(1)))
                    let printed = try pool.submit(PrintLine(text: marker))
                    let stuck = try pool.submit(Forever())
                    try check(try printed.wait(timeout: .seconds(30)) == marker.count)
                    try checkThrows(JobError.timedOut(.seconds(1))) { try stuck.wait(timeout: .seconds(30)) }
                    pool.shutdown(wait: true)
                },
                output: { output in
                    #expect(output.contains(marker), "the printed line is in the runner's output")
                })
        }

        @Test func shutdownIsPromptWhileAForkedChildHoldsCopiesOfThePoolsSockets() async throws {
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.run(AddOne(x: 1)) == 2)
            let child = try ChildProcess.fork { while true { pause() } }
            let start = ContinuousClock.now
            await pool.shutdown()
            #expect(ContinuousClock.now - start < .seconds(2), "workers see the end of their input despite the copies")
            child.kill()
            _ = try child.join()
        }

        @Test(arguments: [
            (SIGKILL, ProcessPool.StartMethod.Coded.spawn), (SIGKILL, .fork), (SIGINT, .spawn), (SIGTERM, .spawn),
        ])
        func workersDieWithTheirParent(signal: Int32, method: ProcessPool.StartMethod.Coded) async throws {
            let host = try ProcessPool(workers: 1)
            var pids = try await host.run(StartInnerPool(method: method))
            let parent = pids.removeLast()
            #expect(pids.count == 2)
            #expect(pids.allSatisfy { !isGone($0) })
            kill(parent, signal)
            let start = ContinuousClock.now
            #expect(
                await eventually(within: .seconds(1)) { pids.allSatisfy(isGone) },
                "the inner pool's workers are gone within a second of their parent")
            #expect(ContinuousClock.now - start < .seconds(1))
            #expect(await eventually { !host.workerPIDs.contains(parent) && host.workerPIDs.count == 1 })
            #expect(try await host.run(AddOne(x: 1)) == 2, "the host pool replaced its killed worker")
            await host.shutdown()
        }
    }
}
