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

internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    public import Glibc
#endif

/// Runs ``Job``s in worker processes, Python's `ProcessPoolExecutor` and
/// `multiprocessing.Pool` without their famous failures.
///
/// ```swift
/// struct Square: Job {
///     var x: Int
///     func run() -> Int { x * x }
/// }
///
/// let pool = try ProcessPool()                  // one worker per available CPU
/// let squares = try await pool.map((1...100).map { Square(x: $0) })
/// let one = try await pool.run(Square(x: 12))
/// await pool.shutdown()
/// ```
///
/// Jobs and their outputs are `Codable` values: each job is encoded, sent to a
/// worker, decoded and run there, and its output comes back the same way,
/// always through its own `Codable` code (a hand-written `init(from:)` runs in
/// the worker). Types that opt in with ``BitwiseTransferable`` are copied as
/// their bytes instead.
/// Jobs of different types go through the same pool. A worker finds each job's
/// type by itself in the executable: nothing to register, no change to `main`.
///
/// - Important: A spawned worker (the default) never runs `main`, so the
///   pool copies the globals declared in `main.swift` into it: those that are
///   plain values (numbers, `Bool`s, enums, structs of them) or `Codable`,
///   as they are when the first job of a type is submitted. Others (a class
///   that is not `Codable`, a lock) cannot be copied: a job that uses one
///   crashes its worker, with an error that says so. Pass them in the job. Globals declared in other files always work; see
///   <doc:ProcessPools> ("Globals declared in main.swift").
///
/// ## Starting workers
/// With ``StartMethod/spawn`` (the default) workers are fresh processes of the
/// running executable, entering the worker loop before `main`; this is safe
/// whatever threads the program runs, in apps and in test runners alike.
/// ``StartMethod/fork`` starts faster but is only safe in a single-threaded
/// program (see its documentation).
///
/// ## Failures stay with their job
/// - A job that throws fails alone; its error comes back as its own type when
///   that type is `Codable`, otherwise as a ``RemoteError``.
/// - A worker that dies (killed, trapped, called `exit`) fails only the job it
///   was running, with ``ProcessPoolError/workerCrashed(pid:status:job:)``;
///   the pool starts a replacement at once and every other job completes.
/// - With ``Options/jobTimeout`` a job that runs too long fails with
///   ``JobError/timedOut(_:)``; its worker is killed and replaced.
/// - ``JobFuture/cancel()`` (or cancelling the task awaiting a job) stops a
///   running job by killing its worker; a queued job then never runs.
///
/// ## Worker processes
/// - A worker's socket to the pool is descriptor 3; every other descriptor
///   above 2 is closed, stdin is `/dev/null`, stdout and stderr are the
///   program's own (what a job prints appears with the program's output).
/// - Workers start with an empty signal mask and every signal at its default
///   action. They are in the program's process group, so a terminal's Ctrl-C
///   reaches them too.
/// - Spawned workers get `SWIFT_BACKTRACE=enable=no` unless the environment
///   sets `SWIFT_BACKTRACE`, and forked workers reset every signal handler:
///   a crashing job then fails at once rather than after its backtrace is
///   printed. Set `SWIFT_BACKTRACE` yourself to see backtraces of crashing
///   jobs in spawned workers.
/// - What a job prints to standard output or error is flushed when the job
///   ends, before its result is sent.
/// - A job must not write to descriptor 3 or fork without exec: a worker that
///   sends garbage is killed (``ProcessPoolError/workerProtocolViolation(pid:detail:job:)``).
///
/// ## Lifetime
/// ``shutdown()`` finishes queued work, then stops the workers; ``terminate()``
/// kills them at once and fails pending jobs. A pool dropped without either
/// shuts down in the background: queued jobs still run, then the workers exit.
/// Workers die with their parent process (`PR_SET_PDEATHSIG`), and every
/// worker is reaped — so returning from `main` (or calling `exit`) with work
/// queued loses that work: await ``shutdown()`` first.
public final class ProcessPool: JobExecutor {
    /// How a pool starts its worker processes.
    public enum StartMethod: Sendable, Hashable {
        /// Workers are fresh processes of the running executable (`posix_spawn`
        /// of `/proc/self/exe`) that enter the worker loop before `main`. Safe
        /// whatever threads the program runs. `main` never runs there: the
        /// pool copies in the globals of `main.swift` that are plain values or
        /// `Codable` (see <doc:ProcessPools>).
        case spawn
        /// Workers are forked copies of the pool's I/O thread; the fastest start.
        ///
        /// - Important: Only safe while the program has no threads other than
        ///   the pool's own. `fork` copies just the calling thread: a lock
        ///   another thread held at that moment (in `malloc`, the Swift runtime,
        ///   Foundation, Dispatch) stays locked forever in the worker, which
        ///   then hangs or crashes when it needs it. Jobs run by forked workers
        ///   must be synchronous: no Dispatch, no `async`/`await`, no `Task`.
        case fork
    }

    /// How a pool runs its jobs.
    public struct Options: Sendable {
        /// How workers are started; ``StartMethod/spawn`` unless said.
        public var startMethod: StartMethod
        /// Recycle a worker after it was given this many jobs (`nil`: never).
        /// Useful when jobs leak memory or other resources.
        public var maxJobsPerWorker: Int?
        /// A job running longer than this fails with ``JobError/timedOut(_:)``
        /// and its worker is killed and replaced (`nil`: no limit). Measured
        /// from when the worker starts the job, not from submission.
        public var jobTimeout: Duration?
        /// A job run once in each new worker before its first job (to load a
        /// model, open a file...). Its output is discarded. If it throws, no
        /// worker can run jobs: pending jobs fail with
        /// ``ProcessPoolError/initializerFailed(_:)`` and the pool stops.
        public var initializer: (any Job)?

        /// Options with every default: spawned workers, no recycling, no time
        /// limit, no initializer.
        public init(
            startMethod: StartMethod = .spawn, maxJobsPerWorker: Int? = nil,
            jobTimeout: Duration? = nil, initializer: (any Job)? = nil
        ) {
            self.startMethod = startMethod
            self.maxJobsPerWorker = maxJobsPerWorker
            self.jobTimeout = jobTimeout
            self.initializer = initializer
        }
    }

    let core: PoolCore
    let options: Options

    /// How many worker processes the pool keeps running.
    public var workerCount: Int { core.workerCount }

    /// The process ids of the workers running now (replacements included,
    /// workers being stopped excluded), for monitoring and tests.
    public var workerPIDs: [Glibc.pid_t] { core.workerPIDs }

    /// Starts a pool of `workers` worker processes and returns once they are started.
    ///
    /// - Parameters:
    ///   - workers: how many worker processes to run; by default one per CPU
    ///     this process may use (its affinity mask and cgroup quota).
    ///   - options: start method, time limit, recycling, initializer.
    /// - Throws: ``ProcessPoolError/spawnFailed(_:)`` if a worker process or
    ///   the pool's I/O thread could not be started (the system is out of
    ///   processes, threads, descriptors or memory; nothing is left running),
    ///   ``ProcessPoolError/jobEncodingFailed(typeName:description:)`` if the
    ///   initializer could not be encoded. An initializer that fails in the
    ///   workers is not an error of `init`: jobs then fail with
    ///   ``ProcessPoolError/initializerFailed(_:)``.
    public init(workers: Int = AvailableProcessors.count, options: Options = .init()) throws(ProcessPoolError) {
        precondition(workers > 0, "a ProcessPool needs at least one worker")
        precondition(options.maxJobsPerWorker.map { $0 > 0 } ?? true, "maxJobsPerWorker must be positive")
        precondition(
            getenv(WorkerStarter.workerFDVariable) == nil,
            "a process spawned as a pool worker ran main(): the worker entry was not linked")
        WorkerStarter.keepWorkerEntryLinked()
        self.options = options
        let initializer = try options.initializer.map { job throws(ProcessPoolError) in try Self.encodeInitializer(job)
        }
        do {
            core = try PoolCore(
                workerCount: workers, startMethod: options.startMethod,
                jobTimeout: options.jobTimeout, initializer: initializer)
        } catch {
            throw .spawnFailed(error)
        }
        if let job = options.initializer { core.captureGlobals(of: type(of: job)) }
        try Self.startLoop(core: core, maxJobsPerWorker: options.maxJobsPerWorker)
    }

    deinit {
        core.requestShutdown(waiter: nil)
    }

    // MARK: Jobs

    /// Queues `job` and returns a future for its output at once.
    ///
    /// A job that cannot be encoded is not an error of `submit`: the future
    /// fails with ``ProcessPoolError/jobEncodingFailed(typeName:description:)``.
    ///
    /// - Throws: ``JobError/shutDown`` after ``shutdown()`` or ``terminate()``;
    ///   ``ProcessPoolError/initializerFailed(_:)`` if the pool broke.
    public func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> {
        guard let mangled = MangledNames.of(J.self) else {
            return JobFuture(finished: .failure(Self.unnamed(J.self)))
        }
        let waiter = SingleJobWaiter<J.Output>()
        let task: TaskRecord
        do {
            task = try TaskRecord(encoding: job, mangledTypeName: mangled, waiter: waiter)
        } catch {
            return JobFuture(
                finished: .failure(
                    ProcessPoolError.jobEncodingFailed(
                        typeName: String(reflecting: J.self), description: String(describing: error))))
        }
        try core.submit(task)
        return waiter.future
    }

    // MARK: Stopping

    /// Stops accepting jobs, finishes every job already queued, then stops the
    /// workers and reaps them. Calling it again, or after ``terminate()``, is
    /// not an error. Never blocks a thread while it waits.
    ///
    /// Await it before `main` returns: the end of the program ends its
    /// workers, and jobs still queued or running are then lost.
    public func shutdown() async {
        await withUnsafeContinuation { continuation in
            core.requestShutdown(waiter: { continuation.resume() })
        }
    }

    /// Stops accepting jobs and lets queued jobs finish; with `wait`, blocks
    /// until they have and every worker is reaped. Calling it again is not an
    /// error. From async code, use ``shutdown()``.
    @available(*, noasync, message: "use 'await shutdown()' from async code")
    public func shutdown(wait: Bool) {
        guard wait else {
            core.requestShutdown(waiter: nil)
            return
        }
        precondition(
            !PoolIOLoop.isCurrentThread(of: core),
            "shutdown(wait: true) on the pool's own I/O thread would never return")
        let parker = ThreadParker()
        core.requestShutdown(waiter: { parker.unpark() })
        _ = parker.park()
    }

    /// Kills every worker at once (`SIGKILL`); every queued or running job
    /// fails with ``JobError/shutDown``. Returns once that is done; the workers
    /// are reaped in the background. Calling it again is not an error.
    public func terminate() {
        core.terminate()
    }

    // MARK: Internals

    static func unnamed(_ type: any Any.Type) -> ProcessPoolError {
        .jobEncodingFailed(
            typeName: String(reflecting: type),
            description: "the type has no runtime name a worker could look up")
    }

    /// Why a job (or initializer) failed whose shared objects' descriptors
    /// the kernel refused to send to `receiver` (`ETOOMANYREFS`, `EBADF`, `ENOMEM`...).
    static func descriptorsUnsent(_ error: Errno, to receiver: String) -> String {
        "the descriptors of its shared objects could not be sent to \(receiver): \(error)"
    }

    private static func encodeInitializer(_ job: any Job) throws(ProcessPoolError) -> PoolCore.Initializer {
        let type = type(of: job)
        guard let mangled = MangledNames.of(type) else { throw unnamed(type) }
        do {
            let descriptors = OutgoingDescriptors()
            let payload = try encodeAnyJob(job, descriptors: descriptors)
            return PoolCore.Initializer(
                jobs: EncodedJobs(mangledTypeName: mangled, payload: payload),
                descriptors: descriptors.count > 0 ? descriptors : nil,
                typeName: String(reflecting: type))
        } catch {
            throw .jobEncodingFailed(typeName: String(reflecting: type), description: String(describing: error))
        }
    }

    /// Starts the I/O thread, which starts the first workers; returns once they are.
    private static func startLoop(core: PoolCore, maxJobsPerWorker: Int?) throws(ProcessPoolError) {
        let startup = StartupReport()
        // Nobody joins the I/O thread: the loop ends by itself once every
        // worker is reaped, and a PosixThread never joined is released when it ends.
        let thread = PosixThread(name: "ProcessPool I/O") {
            let loop: PoolIOLoop
            do throws(Errno) {
                loop = try PoolIOLoop(core: core, maxJobsPerWorker: maxJobsPerWorker)
                try loop.startWorkers()
            } catch {
                core.inbox.withLock { core.finish(&$0) }
                startup.finish(.spawnFailed(error))
                return
            }
            startup.finish(nil)
            loop.run()
        }
        do {
            try thread.start()
        } catch {
            core.inbox.withLock { core.finish(&$0) }
            guard case .creationFailed(_, let errno) = error else { preconditionFailure("\(error)") }
            throw .spawnFailed(Errno(rawValue: errno))
        }
        if let error = startup.wait() { throw error }
    }
}
