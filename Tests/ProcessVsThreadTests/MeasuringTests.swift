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
import MultiprocessingTestSupport
import Testing

@testable import process_vs_thread

/// Every suite of the demo's tests, one test at a time: each starts pools and
/// processes, and running them together with other suites' descriptor and
/// child counting would only add noise there.
@Suite("process-vs-thread", .serialized, .onItsOwnThread, .timeLimit(.minutes(1)))
struct DemoTests {}

// Pools here use the ProcessPool's default start method, spawn, which is
// safe in the multi-threaded test runner.

extension DemoTests {
    /// Each experiment's measuring code on small inputs, in a fresh process
    /// (see FreshProcess.swift): what it reports is what happened.
    @Suite("measuring code", .timeLimit(.minutes(1)))
    struct MeasuringTests {
        // MARK: (a) CPU-bound work

        @Test func primeCountKnowsThePrimesBelowTenThousand() {
            let jobs = CPUSpeedup.jobs(count: 4, lengthEach: 2_500, start: 0)
            #expect(jobs.map(\.range) == [0..<2_500, 2_500..<5_000, 5_000..<7_500, 7_500..<10_000])
            #expect(jobs.reduce(0) { $0 + $1.run() } == 1_229)
            #expect((0..<30).filter(PrimeCount.isPrime) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29])
        }

        @Test func cpuSpeedupTimesAllThreeWaysAndTheyAgree() throws {
            let timings = try inFreshProcess(MeasureCPUSpeedup())
            #expect(timings.serialAnswer == 1_229)
            #expect(timings.threadPoolAnswer == 1_229)
            #expect(timings.processPoolAnswer == 1_229)
            #expect(timings.serialSeconds > 0 && timings.threadPoolSeconds > 0 && timings.processPoolSeconds > 0)
            #expect(timings.threadSpeedup == timings.serialSeconds / timings.threadPoolSeconds)
        }

        @Test func calibrationScalesWithTheTarget() {
            let short = CPUSpeedup.calibratedLength(milliseconds: 1)
            let long = CPUSpeedup.calibratedLength(milliseconds: 20)
            #expect(short >= 100 && long > short)
        }

        @Test(.enabled(if: pythonIsInstalled, "python3 is not installed here"))
        func pythonsThreadsAreMeasuredAndTheirAnswersChecked() throws {
            let outcome = try PythonThreads.measure(jobs: 4, threads: 2, milliseconds: 2)
            guard case .measured(let timings) = outcome else {
                Issue.record("not measured: \(outcome)")
                return
            }
            #expect(timings.jobs == 4 && timings.threads == 2 && timings.lengthEach >= 10)
            #expect(timings.serialSeconds > 0 && timings.threadsSeconds > 0)
            #expect(timings.serialAnswer == timings.jobsAsPrimeCounts.reduce(0) { $0 + $1.run() })
        }

        @Test func pythonIsSkippedWithAReasonWhenItCannotRun() throws {
            #expect(
                try PythonThreads.measure(jobs: 1, threads: 1, milliseconds: 1, python: "no-such-python-3")
                    == .skipped("no-such-python-3 is not installed"))
            #expect(
                try PythonThreads.measure(jobs: 1, threads: 1, milliseconds: 1, script: "/nonexistent/gil_peer.py")
                    == .skipped("/nonexistent/gil_peer.py is missing"))
            // A program that fails, and one that prints something else than the result.
            let failing = try PythonThreads.measure(
                jobs: 1, threads: 1, milliseconds: 1, python: "false", script: "/dev/null")
            #expect(failing == .skipped("false failed (wait status 256): "))
            let chatty = try PythonThreads.measure(
                jobs: 1, threads: 1, milliseconds: 1, python: "echo", script: "/dev/null")
            #expect(chatty == .skipped("echo printed no result: /dev/null --jobs 1 --threads 1 --milliseconds 1.0"))
        }

        @Test(.enabled(if: pythonIsInstalled, "python3 is not installed here"))
        func pythonCountingOtherPrimesIsAWrongAnswer() throws {
            let script = temporaryPath("wrong_peer.py")
            defer { unlink(script) }
            try """
            print('{"python": "3", "jobs": 1, "threads": 1, "start": 0, "lengthEach": 30, \\
            "serialSeconds": 1, "threadsSeconds": 1, "serialAnswer": 11, "threadsAnswer": 10}')
            """.write(toFile: script, atomically: true, encoding: .utf8)
            #expect(throws: DemoError.self) {
                try PythonThreads.measure(jobs: 1, threads: 1, milliseconds: 1, script: script)
            }
        }

        @Test func capturedOutputAndStatusAreThoseOfTheProgram() throws {
            let (status, output) = try Spawn.runCapturingOutput("sh", ["-c", "echo out; echo err >&2; exit 3"])
            #expect(status >> 8 == 3)
            #expect(output == "out\nerr\n")
            #expect(throws: DemoError.self) { try Spawn.runCapturingOutput("/nonexistent/program", []) }
        }

        // MARK: (b) I/O-bound work

        @Test func aSlowReadWaitsItsTimeWithoutData() throws {
            let waited = try SlowRead(milliseconds: 20).run()
            #expect(waited >= 20 && waited < 1_000)
        }

        @Test func ioBoundTimesAllThreeWaysAndThreadsOverlapTheWaits() throws {
            let timings = try inFreshProcess(MeasureIOBound())
            #expect(timings.serialSeconds >= 0.06)  // 6 waits of 10 ms, one after another
            #expect(timings.threadPoolSeconds < timings.serialSeconds)
            #expect(timings.processPoolSeconds > 0 && timings.threadPoolCPUSeconds >= 0)
        }

        // MARK: (c) Tiny jobs

        @Test func perJobOverheadIsPositiveOnEveryExecutor() throws {
            let overheads = try inFreshProcess(MeasureJobOverhead())
            #expect(overheads.count == 3 && overheads.allSatisfy { $0 > 0 })
        }

        @Test func perJobOverheadChecksTheOutputs() throws {
            #expect(throws: DemoError.self) { try JobOverhead.microsecondsPerJob(on: WrongExecutor(), count: 3) }
        }

        // MARK: (d) Start-up

        @Test func startupCostsArePositive() throws {
            let costs = try inFreshProcess(MeasureStartup())
            #expect(costs.count == 5 && costs.allSatisfy { $0 > 0 && $0 < 10_000_000 })
        }

        @Test func spawnReportsTheChildsStatus() throws {
            #expect(try Spawn.runAndWait(Spawn.trueProgram) == 0)
            let candidates: [String] = ["/bin/false", "/usr/bin/false"]
            if let falseProgram = candidates.first(where: { access($0, X_OK) == 0 }) {
                #expect(try Spawn.runAndWait(falseProgram) != 0)
            }
            #expect(throws: DemoError.self) { try Spawn.runAndWait("/nonexistent/program") }
        }

        // MARK: (e) Memory isolation

        @Test func memoryIsolationReportsWhatHappened() throws {
            let outcome = try inFreshProcess(MeasureMemoryIsolation())
            #expect(outcome == MemoryIsolation.Outcome(afterThread: 42, seenByChild: 42, afterChild: 0))
        }

        // MARK: (f) Crash isolation

        @Test func aTrapKillsTheThreadPoolsWholeProcess() throws {
            let outcome = try inFreshProcess(MeasureCrashUnderThreadPool())
            #expect(outcome.status == .signaled(SIGILL) || outcome.status == .signaled(SIGTRAP))
            #expect(outcome.jobs == 4)
            #expect(outcome.delivered < 4)  // the trapping job's output can never arrive
        }

        @Test func aTrapFailsOnlyItsJobInTheProcessPool() throws {
            let outcome = try inFreshProcess(MeasureCrashUnderProcessPool())
            #expect(outcome.delivered == 3)
            #expect(outcome.failures.count == 1)
            #expect(outcome.crashSignal == SIGILL || outcome.crashSignal == SIGTRAP)
            #expect(outcome.failures.first?.contains("CrashTestJob") == true)
        }

        @Test func crashTestJobsReturnTheirIndex() {
            #expect(CrashIsolation.jobs(count: 3, trappingIndex: 2).map(\.traps) == [false, false, true])
            #expect(CrashTestJob(index: 7, traps: false, sleepMilliseconds: 0).run() == 7)
        }

        // MARK: (g) Memory footprint

        @Test func threadFootprintIsPositiveAndMostlyReserved() throws {
            let cost = try inFreshProcess(MeasureThreadFootprint(threads: 8))
            #expect(cost.residentKiB > 0 && cost.residentKiB < 1_024)
            #expect(cost.virtualKiB > cost.residentKiB)  // a stack is reserved, then touched lazily
        }

        @Test func forkedChildAndWorkerFootprintsArePositive() throws {
            let memories = try inFreshProcess(MeasureProcessFootprints())
            #expect(memories.count == 2)
            #expect(memories.allSatisfy { $0.residentKiB > 0 && $0.virtualKiB >= $0.residentKiB })
            #expect(memories.allSatisfy { $0.proportionalKiB.map { $0 > 0 && $0 <= memories[0].virtualKiB } ?? true })
            if let pss = memories[0].proportionalKiB {
                #expect(pss <= memories[0].residentKiB)  // a forked child shares pages with its parent
            }
        }

        @Test func ownMemoryAndThreadCountAreRead() throws {
            let memory = try #require(ProcessMemory.of())
            #expect(memory.residentKiB > 0 && memory.virtualKiB >= memory.residentKiB)
            #expect((ProcFiles.threadCount ?? 0) >= 2)  // the test runner has several threads
            #expect(ProcessMemory.of(Int32.max) == nil)
            #expect(ProcFiles.field("Pss", in: "Rss:  100 kB\nPss:   42 kB\n") == 42)
            #expect(ProcFiles.field("Threads", in: "Threads:\t7\n") == 7)
            #expect(ProcFiles.field("Threads", in: "Name: x\n") == nil)
        }

        // MARK: (h) Communication

        @Test func roundTripsArePositiveAndEchoed() throws {
            let times = try inFreshProcess(MeasureRoundTrips())
            #expect(times.count == 3 && times.allSatisfy { $0 > 0 })
        }

        // MARK: Fork safety and timing

        @Test func forkSafetyRefusesWhileAnotherThreadRuns() throws {
            let release = Event()
            let thread = PosixThread(name: "test-blocker") { release.wait() }
            try thread.start()
            defer {
                release.set()
                thread.join()
            }
            #expect(throws: DemoError.self) { try ForkSafety.waitUntilSingleThreaded(timeout: .milliseconds(20)) }
        }

        @Test func forkSafetyPassesInASingleThreadedProcess() throws {
            #expect(try inFreshProcess(CheckForkSafety()) == 1)
        }

        @Test func medianIsTheMiddleValue() {
            #expect(Stopwatch.median([3, 1, 2]) == 2)
            #expect(Stopwatch.median([4, 1, 3, 2]) == 2.5)
            #expect(Stopwatch.median([7]) == 7)
        }

        @Test func stopwatchMeasuresTheBody() {
            let median = Stopwatch.medianMicroseconds(repetitions: 3) { usleep(2_000) }
            #expect(median >= 2_000 && median < 1_000_000)
            let seconds = Stopwatch.seconds { usleep(2_000) }
            #expect(seconds >= 0.002 && seconds < 1)
        }
    }
}

/// An executor whose jobs all return 0: the overhead measurement must notice.
private final class WrongExecutor: JobExecutor {
    func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        InlineExecutor().submit { () throws -> J.Output in
            guard let zero = 0 as? J.Output else { return try job.run() }
            return zero
        }
    }

    func shutdown() async {}
}

/// Whether `python3` runs here (the Python side of the CPU experiment needs it).
let pythonIsInstalled = (try? Spawn.runCapturingOutput("python3", ["-c", "pass"]).status) == 0
