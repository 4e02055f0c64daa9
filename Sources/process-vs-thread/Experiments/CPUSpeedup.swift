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
    static let cpuSpeedup = Experiment(id: "cpu-speedup", title: "(a) CPU-bound work: serial vs ThreadPool vs ProcessPool") { settings, progress in
        progress.step("calibrating a job to about \(Wording.number(settings.cpuJobMilliseconds)) ms")
        let jobs = CPUSpeedup.jobs(count: settings.workers * settings.cpuJobsPerWorker,
                                   lengthEach: CPUSpeedup.calibratedLength(milliseconds: settings.cpuJobMilliseconds))
        let timings = try CPUSpeedup.measure(jobs: jobs, workers: settings.workers, progress: progress)
        return CPUSpeedup.finding(timings, jobs: jobs.count, workers: settings.workers)
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
    static func measure(jobs: [PrimeCount], workers: Int, progress: Progress = Progress(destination: .none)) throws -> Timings {
        progress.step("serial: \(jobs.count) jobs on this thread")
        var serialAnswer = 0
        let serial = Stopwatch.seconds { serialAnswer = jobs.reduce(0) { $0 + $1.run() } }

        progress.step("ThreadPool(threads: \(workers))")
        let threadPool = ThreadPool(threads: workers)
        let (threaded, threadAnswer) = try timeWarm(jobs, on: threadPool, workers: workers)
        threadPool.shutdown(wait: true)

        progress.step("ProcessPool(workers: \(workers))")
        let processPool = try ProcessPool(workers: workers)
        defer { processPool.shutdown(wait: true) }
        let (processes, processAnswer) = try timeWarm(jobs, on: processPool, workers: workers)

        let timings = Timings(serialSeconds: serial, threadPoolSeconds: threaded, processPoolSeconds: processes,
                              serialAnswer: serialAnswer, threadPoolAnswer: threadAnswer, processPoolAnswer: processAnswer)
        guard threadAnswer == serialAnswer && processAnswer == serialAnswer else {
            throw DemoError.wrongAnswer("serial \(serialAnswer), ThreadPool \(threadAnswer), ProcessPool \(processAnswer) primes")
        }
        return timings
    }

    /// Warms the pool up with one tiny job per worker (so that starting
    /// workers is not timed), then times `jobs` on it: seconds and answer.
    static func timeWarm(_ jobs: [PrimeCount], on executor: some JobExecutor, workers: Int) throws -> (Double, Int) {
        _ = try runAll((0..<workers).map { PrimeCount(range: $0..<$0 + 1) }, on: executor)
        var answer = 0
        let seconds = try Stopwatch.seconds { answer = try runAll(jobs, on: executor) }
        return (seconds, answer)
    }

    /// Submits every job, then waits for each: the sum of their outputs.
    static func runAll(_ jobs: [PrimeCount], on executor: some JobExecutor) throws -> Int {
        let futures = try jobs.map { try executor.submit($0) }
        return try futures.reduce(0) { $0 + (try $1.wait()) }
    }

    static func finding(_ timings: Timings, jobs: Int, workers: Int) -> Finding {
        Finding(
            id: "cpu-speedup",
            title: "CPU-bound work (\(jobs) jobs, \(workers) workers)",
            measurements: [
                Measurement(label: "serial", value: timings.serialSeconds, unit: "s"),
                Measurement(label: "ThreadPool", value: timings.threadPoolSeconds, unit: "s"),
                Measurement(label: "ProcessPool", value: timings.processPoolSeconds, unit: "s"),
                Measurement(label: "ThreadPool speedup", value: timings.threadSpeedup, unit: "×"),
                Measurement(label: "ProcessPool speedup", value: timings.processSpeedup, unit: "×"),
            ],
            lesson: lesson(timings, workers: workers))
    }

    /// The lesson, from the speedups; `loadAverage` (of the minute before the
    /// run) explains a poor speedup on a busy machine.
    static func lesson(_ timings: Timings, workers: Int, loadAverage: Double? = LoadAverage.oneMinute()) -> String {
        let threads = timings.threadSpeedup, processes = timings.processSpeedup
        let opening = "With \(workers) workers, threads ran \(Wording.ratio(threads)) and processes \(Wording.ratio(processes)) as fast as serial"
        let best = max(threads, processes)
        if best < 0.7 * Double(workers) {
            let busy = loadAverage.map { " (load average \(Wording.fixed($0, decimals: 1)) on \(AvailableProcessors.count) CPUs)" } ?? ""
            return opening + " — short of the ideal \(workers)×: other programs were using the CPUs\(busy); run it again on a quiet machine."
        }
        if abs(threads - processes) / best < 0.1 {
            return opening + " — about the same: Swift has no global interpreter lock, so threads use every core too; processes add isolation."
        }
        return opening + (threads > processes
            ? " — threads won: processes pay for encoding and sending each job and its result."
            : " — processes won: each has its own heap, so they share no allocator or cache lines.")
    }
}
