import Foundation
import Multiprocessing
import Testing
@testable import process_vs_thread

// Each experiment's measuring code on small inputs: what it reports is what
// happened. Pools here use the ProcessPool's default start method, spawn,
// which is safe in the multi-threaded test runner.

@Suite("process-vs-thread: measuring code", .timeLimit(.minutes(1)))
struct MeasuringTests {
    // MARK: (a) CPU-bound work

    @Test func primeCountKnowsThePrimesBelowTenThousand() {
        let jobs = CPUSpeedup.jobs(count: 4, lengthEach: 2_500, start: 0)
        #expect(jobs.map(\.range) == [0..<2_500, 2_500..<5_000, 5_000..<7_500, 7_500..<10_000])
        #expect(jobs.reduce(0) { $0 + $1.run() } == 1_229)
        #expect((0..<30).filter(PrimeCount.isPrime) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29])
    }

    @Test func cpuSpeedupTimesAllThreeWaysAndTheyAgree() throws {
        let timings = try CPUSpeedup.measure(jobs: CPUSpeedup.jobs(count: 4, lengthEach: 2_500, start: 0), workers: 2)
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
        #expect(try JobOverhead.microsecondsPerJob(on: InlineExecutor(), count: 50) > 0)
        let threads = ThreadPool(threads: 2)
        defer { threads.shutdown(wait: true) }
        #expect(try JobOverhead.microsecondsPerJob(on: threads, count: 50) > 0)
        let processes = try ProcessPool(workers: 1)
        defer { processes.shutdown(wait: true) }
        #expect(try JobOverhead.microsecondsPerJob(on: processes, count: 50) > 0)
    }

    @Test func perJobOverheadChecksTheOutputs() throws {
        let wrong = WrongExecutor()
        #expect(throws: DemoError.self) { try JobOverhead.microsecondsPerJob(on: wrong, count: 3) }
    }

    // MARK: (c) Start-up

    @Test func startupCostsArePositive() throws {
        #expect(try StartupCost.thread(repetitions: 5) > 0)
        #expect(try StartupCost.fork(repetitions: 3) > 0)
        #expect(try StartupCost.spawn(repetitions: 3) > 0)
        #expect(try StartupCost.threadPoolToFirstResult(workers: 2, repetitions: 2) > 0)
        #expect(try StartupCost.processPoolToFirstResult(.spawn, workers: 1, repetitions: 1) > 0)
    }

    @Test func spawnReportsTheChildsStatus() throws {
        #expect(try Spawn.runAndWait(Spawn.trueProgram) == 0)
        let candidates: [String] = ["/bin/false", "/usr/bin/false"]
        let falseProgram = candidates.first { access($0, X_OK) == 0 }
        if let falseProgram {
            #expect(try Spawn.runAndWait(falseProgram) != 0)
        }
        #expect(throws: DemoError.self) { try Spawn.runAndWait("/nonexistent/program") }
    }

    // MARK: (d) Memory isolation

    @Test func memoryIsolationReportsWhatHappened() throws {
        let outcome = try MemoryIsolation.measure()
        #expect(outcome == MemoryIsolation.Outcome(afterThread: 42, seenByChild: 42, afterChild: 0))
    }

    // MARK: (e) Crash isolation

    @Test func aTrapKillsTheThreadPoolsWholeProcess() throws {
        // Warm up in this process the code the child runs, so the fork does not
        // meet half-initialized type metadata in this multi-threaded runner.
        let warmUp = ThreadPool(threads: 1)
        _ = try CPUSpeedup.runAll([PrimeCount(range: 0..<10)], on: warmUp)
        warmUp.shutdown(wait: true)
        let jobs = CrashIsolation.jobs(count: 4, trappingIndex: 0)
        let outcome = try CrashIsolation.underThreadPool(jobs, workers: 2)
        #expect(outcome.status == .signaled(SIGILL) || outcome.status == .signaled(SIGTRAP))
        #expect(outcome.jobs == 4)
        #expect(outcome.delivered < 4)  // the trapping job's output can never arrive
    }

    @Test func aTrapFailsOnlyItsJobInTheProcessPool() throws {
        let jobs = CrashIsolation.jobs(count: 4, trappingIndex: 1)
        let outcome = try CrashIsolation.underProcessPool(jobs, workers: 2)
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

    /// In a fresh process (a pool worker): this test runner's memory changes
    /// under other tests, and a child forked from it would reuse the stacks
    /// glibc caches from the runner's finished threads.
    @Test func threadFootprintIsMeasuredInAFreshProcess() throws {
        let pool = try ProcessPool(workers: 1, options: .init(maxJobsPerWorker: 1))
        defer { pool.shutdown(wait: true) }
        let cost = try pool.submit(MeasureThreadFootprint(threads: 8)).wait()
        #expect(cost.residentKiB > 0 && cost.residentKiB < 1_024)
        #expect(cost.virtualKiB > cost.residentKiB)  // a stack is reserved, then touched lazily
    }

    @Test func forkedChildAndWorkerFootprintsArePositive() throws {
        let forked = try MemoryFootprint.forkedChild()
        #expect(forked.residentKiB > 0)
        if let pss = forked.proportionalKiB {
            #expect(pss > 0 && pss <= forked.residentKiB)
        }
        let workers = try MemoryFootprint.poolWorkers(count: 1)
        #expect(workers.count == 1)
        #expect(workers.allSatisfy { $0.residentKiB > 0 && $0.virtualKiB >= $0.residentKiB })
    }

    @Test func ownMemoryAndThreadCountAreRead() throws {
        let memory = try #require(ProcessMemory.of())
        #expect(memory.residentKiB > 0 && memory.virtualKiB >= memory.residentKiB)
        #expect((ProcFiles.threadCount ?? 0) >= 2)  // the test runner has several threads
        #expect(ProcessMemory.of(Int32.max) == nil)
        #expect(ProcFiles.field("Pss", in: "Rss:  100 kB\nPss:   42 kB\n") == 42)
        #expect(ProcFiles.field("Threads", in: "Name: x\n") == nil)
    }

    // MARK: (g) Communication

    @Test func roundTripsArePositiveAndEchoed() throws {
        #expect(try CommunicationCost.connectionRoundTrip(count: 20) > 0)
        #expect(try CommunicationCost.queueRoundTrip(count: 20) > 0)
        #expect(try CommunicationCost.encodeDecode(count: 20) > 0)
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

    @Test func forkSafetyPassesInASingleThreadedChild() throws {
        let passed = try inForkedChild { () throws -> Bool in
            try ForkSafety.waitUntilSingleThreaded(timeout: .seconds(1))
            return ProcFiles.threadCount == 1
        }
        #expect(passed)
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

/// An executor whose jobs all return 0: the overhead measurement must notice.
private final class WrongExecutor: JobExecutor {
    func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        try InlineExecutor().submit { () throws -> J.Output in
            guard let zero = 0 as? J.Output else { return try job.run() }
            return zero
        }
    }

    func shutdown() async {}
}

/// Runs ``MemoryFootprint/perThread(count:)`` where it is submitted.
struct MeasureThreadFootprint: Job {
    var threads: Int
    func run() throws -> MemoryFootprint.ThreadCost { try MemoryFootprint.perThread(count: threads) }
}
