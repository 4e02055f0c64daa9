import Foundation
import Multiprocessing
import Testing
@testable import process_vs_thread

/// Every suite of the demo's tests, one test at a time: each starts pools and
/// processes, and running them together with other suites' descriptor and
/// child counting would only add noise there.
@Suite("process-vs-thread", .serialized, .timeLimit(.minutes(1)))
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

        // MARK: (b) Tiny jobs

        @Test func perJobOverheadIsPositiveOnEveryExecutor() throws {
            let overheads = try inFreshProcess(MeasureJobOverhead())
            #expect(overheads.count == 3 && overheads.allSatisfy { $0 > 0 })
        }

        @Test func perJobOverheadChecksTheOutputs() throws {
            #expect(throws: DemoError.self) { try JobOverhead.microsecondsPerJob(on: WrongExecutor(), count: 3) }
        }

        // MARK: (c) Start-up

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

        // MARK: (d) Memory isolation

        @Test func memoryIsolationReportsWhatHappened() throws {
            let outcome = try inFreshProcess(MeasureMemoryIsolation())
            #expect(outcome == MemoryIsolation.Outcome(afterThread: 42, seenByChild: 42, afterChild: 0))
        }

        // MARK: (e) Crash isolation

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

        // MARK: (f) Memory footprint

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

        // MARK: (g) Communication

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
