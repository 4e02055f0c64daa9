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

// PostgresJobQueue against pgqueuer (PyPI) on one throwaway PostgreSQL
// server, side by side in one run:
//
//   1. 20,000 tiny jobs through 4 worker processes, from the first submit
//      until every result is back at the submitter: one fetch per job
//      (fetchBatchSize 1 / pgqueuer batch_size 1), then batched (10 / 10);
//   2. enqueue-to-start median with an idle worker;
//   3. a SIGKILLed worker's job: how long after the kill another worker
//      starts it, against the bound "lease + 1 s".
//
//   swift run -c release --traits Postgres postgres-benchmark [--jobs N] [--ours-only]
//
// pgqueuer is installed with pip into a virtual environment under .build/;
// when that fails its rows compare against the issue's targets instead, and
// say so. Prints `BENCH` lines for Benchmarks/run-all.
#if Postgres
    import Foundation
    import Logging
    import Multiprocessing
    import MultiprocessingPostgres
    import ServiceLifecycle
    import ThrowawayPostgres

    /// The tiny job.
    struct Noop: Job {
        var i: Int
        func run() -> Int { i }
    }

    /// Returns the wall-clock time at which it started (seconds since 1970).
    struct StartedAt: Job {
        var hold: Double = 0
        func run() -> Double {
            let now = Date().timeIntervalSince1970
            if hold > 0 { usleep(UInt32(hold * 1_000_000)) }
            return now
        }
    }

    let arguments = CommandLine.arguments
    if arguments.count == 7, arguments[1] == "worker" {
        try await runWorker(
            url: arguments[2], queue: arguments[3], batch: Int(arguments[4])!,
            concurrency: Int(arguments[5])!, lease: Double(arguments[6])!)
    } else {
        var jobs = 20_000
        if let index = arguments.firstIndex(of: "--jobs"), index + 1 < arguments.count {
            jobs = Int(arguments[index + 1])!
        }
        try await runBenchmark(jobs: jobs, withPeer: !arguments.contains("--ours-only"))
    }

    // MARK: Worker processes

    func configuration(url: String, queue: String, batch: Int, lease: Double) -> PostgresJobQueue.Configuration {
        var configuration = PostgresJobQueue.Configuration(url: url)
        configuration.queueName = queue
        configuration.fetchBatchSize = batch
        configuration.leaseDuration = .milliseconds(Int(lease * 1000))
        return configuration
    }

    func runWorker(url: String, queue: String, batch: Int, concurrency: Int, lease: Double) async throws {
        try ChildProgram.exitWhenParentExits()
        let pool = ThreadPool(threads: 1)
        let worker = try await PostgresJobWorker(
            configuration: configuration(url: url, queue: queue, batch: batch, lease: lease),
            concurrency: concurrency, executor: pool)
        print("ready")
        fflush(nil)
        try await ServiceGroup(
            services: [worker], gracefulShutdownSignals: [.sigterm],
            logger: Logger(label: "postgres-benchmark worker")
        ).run()
        await pool.shutdown()
    }

    /// Worker processes of this executable.
    final class Workers {
        private var children: [ChildProgram] = []

        init(count: Int, url: String, queue: String, batch: Int, concurrency: Int, lease: Double = 30) throws {
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            for _ in 0..<count {
                let (child, line) = try ChildProgram.startTied(
                    executable, ["worker", url, queue, "\(batch)", "\(concurrency)", "\(lease)"])
                children.append(child)
                guard line == "ready" else { throw ChildProgram.NotReady(output: line) }
            }
        }

        var pids: [Int32] { children.map(\.pid) }

        func kill(_ index: Int) {
            children[index].send(SIGKILL)
            _ = try? children[index].wait()
        }

        func stop() {
            for child in children { child.send(SIGTERM) }
            for child in children { _ = try? child.wait() }
            children = []
        }
    }

    // MARK: Measurements

    /// CPU seconds (user + system, reaped children included) of process `pid`, from /proc.
    func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // After the command: state is field 3; utime, stime, cutime, cstime are fields 14-17.
        let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds of the server: the postmaster and its processes.
    func serverCPUSeconds(_ server: ThrowawayPostgres?) -> Double {
        guard let server,
            let pidFile = try? String(contentsOfFile: server.directory + "/data/postmaster.pid", encoding: .utf8),
            let postmaster = Int32(pidFile.split(separator: "\n")[0])
        else { return 0 }
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
        return pids.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return false }
            return pid == postmaster || stat[stat.index(after: end)...].split(separator: " ")[1] == "\(postmaster)"
        }.map(cpuSeconds).reduce(0, +)
    }

    /// Where a run's CPU time went, per job: the submitter, the workers, the server.
    struct CPUPerJob: CustomStringConvertible {
        var submitter = 0.0, workers = 0.0, server = 0.0
        var description: String {
            String(
                format: "CPU per job: submitter %.0f µs, workers %.0f µs, server %.0f µs", submitter, workers, server)
        }
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    func ourThroughput(url: String, jobs: Int, batch: Int, server: ThrowawayPostgres?) async throws -> (
        Double, CPUPerJob
    ) {
        let queue = "throughput-\(batch)-\(UUID().uuidString.prefix(8))"
        let workers = try Workers(count: 4, url: url, queue: queue, batch: batch, concurrency: max(2 * batch, 2))
        defer { workers.stop() }
        let submitter = try await PostgresJobQueue(
            configuration: configuration(url: url, queue: queue, batch: batch, lease: 30))
        let me = getpid()
        let cpuBefore = (cpuSeconds(me), workers.pids.map(cpuSeconds).reduce(0, +), serverCPUSeconds(server))
        let start = ContinuousClock.now
        let outputs = try await submitter.map((0..<jobs).map { Noop(i: $0) })
        let elapsed = (ContinuousClock.now - start) / .seconds(1)
        let perJob = 1e6 / Double(jobs)
        let cpu = CPUPerJob(
            submitter: (cpuSeconds(me) - cpuBefore.0) * perJob,
            workers: (workers.pids.map(cpuSeconds).reduce(0, +) - cpuBefore.1) * perJob,
            server: (serverCPUSeconds(server) - cpuBefore.2) * perJob)
        precondition(outputs == Array(0..<jobs), "wrong outputs")
        await submitter.shutdown()
        return (Double(jobs) / elapsed, cpu)
    }

    func ourLatency(url: String, samples: Int) async throws -> Double {
        let queue = "latency-\(UUID().uuidString.prefix(8))"
        let workers = try Workers(count: 1, url: url, queue: queue, batch: 10, concurrency: 10)
        defer { workers.stop() }
        let submitter = try await PostgresJobQueue(
            configuration: configuration(url: url, queue: queue, batch: 10, lease: 30))
        _ = try await submitter.run(StartedAt())
        var latencies: [Double] = []
        for _ in 0..<samples {
            try await Task.sleep(for: .milliseconds(20))  // the worker is idle, waiting on its channel
            let submitted = Date().timeIntervalSince1970
            latencies.append((try await submitter.run(StartedAt()) - submitted) * 1000)
        }
        await submitter.shutdown()
        return median(latencies)
    }

    /// Seconds from SIGKILL of the worker running a job to another worker starting it.
    func killedJobBack(url: String, lease: Double) async throws -> Double {
        let queue = "kill-\(UUID().uuidString.prefix(8))"
        let submitter = try await PostgresJobQueue(
            configuration: configuration(url: url, queue: queue, batch: 1, lease: lease))
        let victim = try Workers(count: 1, url: url, queue: queue, batch: 1, concurrency: 1, lease: lease)
        _ = try await submitter.run(StartedAt())  // the victim is up and idle
        let held = try submitter.submit(StartedAt(hold: 1))
        while try await submitter.statistics().running == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let survivor = try Workers(count: 1, url: url, queue: queue, batch: 1, concurrency: 1, lease: lease)
        defer { survivor.stop() }
        victim.kill(0)
        let killedAt = Date().timeIntervalSince1970
        let restartedAt = try await held.value
        await submitter.shutdown()
        return restartedAt - killedAt
    }

    // MARK: pgqueuer

    /// The virtual environment's python with pgqueuer installed, or why there is none.
    func pgqueuerPython() -> Result<String, PostgresJobQueueError> {
        let venv = FileManager.default.currentDirectoryPath + "/.build/pgqueuer-venv"
        let python = venv + "/bin/python"
        func fail(_ message: String) -> Result<String, PostgresJobQueueError> {
            .failure(PostgresJobQueueError(.serverError, message))
        }
        do {
            if !FileManager.default.fileExists(atPath: python) {
                let made = try ChildProgram.run("/usr/bin/env", ["python3", "-m", "venv", venv])
                guard made.succeeded else { return fail("python3 -m venv failed: \(made.output.suffix(500))") }
            }
            let installed = try ChildProgram.run(
                python, ["-m", "pip", "install", "--quiet", "pgqueuer==1.6.0", "asyncpg"])
            guard installed.succeeded else {
                return fail("pip install pgqueuer failed: \(installed.output.suffix(500))")
            }
            return .success(python)
        } catch {
            return fail("\(error)")
        }
    }

    func pgqueuer(_ python: String, _ arguments: [String], key: String) throws -> Double {
        let script = FileManager.default.currentDirectoryPath + "/Benchmarks/Python/pgqueuer_peer.py"
        let (succeeded, output) = try ChildProgram.run(python, [script] + arguments)
        guard succeeded, let line = output.split(separator: "\n").last,
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Double],
            let value = object[key]
        else {
            throw PostgresJobQueueError(.serverError, "pgqueuer_peer.py failed:\n\(output.suffix(1500))")
        }
        return value
    }

    // MARK: Report

    func runBenchmark(jobs: Int, withPeer: Bool) async throws {
        var server: ThrowawayPostgres?
        let url: String
        if let given = ProcessInfo.processInfo.environment["DATABASE_URL"] {
            url = given
        } else if let reason = ThrowawayPostgres.unavailableReason {
            print("postgres-benchmark skipped: \(reason)")
            return
        } else {
            server = try ThrowawayPostgres.start()
            url = server!.url
        }
        defer { server?.stop() }
        let peer = withPeer ? pgqueuerPython() : .failure(PostgresJobQueueError(.serverError, "--ours-only"))
        if case .failure(let error) = peer {
            print(
                "note: pgqueuer could not be installed (\(error.message)); its rows compare against the issue's targets"
            )
        }
        func peerDatabase(_ name: String) throws -> String {
            guard let server else { return url }
            try server.psql("CREATE DATABASE \(name)")
            return server.url(database: name)
        }

        print(
            "PostgresJobQueue vs pgqueuer 1.6.0: \(jobs) jobs, 4 worker processes, one server (\(server?.directory ?? "DATABASE_URL"))"
        )
        var lines: [String] = []
        func row(
            _ workload: String, _ unit: String, _ better: String, ours: Double, peerName: String, peerValue: Double
        ) {
            let ratio = better == "lower" ? peerValue / ours : ours / peerValue
            print(
                "  \(workload.padding(toLength: 34, withPad: " ", startingAt: 0)) ours \(String(format: "%10.1f", ours)) \(unit)   \(peerName) \(String(format: "%10.1f", peerValue))   × \(String(format: "%.2f", ratio))"
            )
            lines.append(
                ["BENCH", "postgres", workload, unit, better, "\(ours)", peerName, "\(peerValue)"].joined(
                    separator: "\t"))
        }
        for (batch, target) in [(1, 2_400.0), (10, 15_600.0)] {
            let (ours, cpu) = try await ourThroughput(url: url, jobs: jobs, batch: batch, server: server)
            print("  batch \(batch): \(cpu)")
            switch peer {
            case .success(let python):
                let theirs = try pgqueuer(
                    python, ["throughput", try peerDatabase("pgqueuer_batch_\(batch)"), "\(batch)", "4", "\(jobs)"],
                    key: "jobs_per_second")
                row(
                    "\(jobs) jobs, 4 workers, batch \(batch)", "jobs/s", "higher", ours: ours, peerName: "pgqueuer",
                    peerValue: theirs)
            case .failure:
                row(
                    "\(jobs) jobs, 4 workers, batch \(batch)", "jobs/s", "higher", ours: ours, peerName: "target",
                    peerValue: target)
            }
        }
        let latency = try await ourLatency(url: url, samples: 50)
        switch peer {
        case .success(let python):
            let theirs = try pgqueuer(
                python, ["latency", try peerDatabase("pgqueuer_latency"), "50"], key: "median_ms")
            row("enqueue-to-start, idle worker", "ms", "lower", ours: latency, peerName: "pgqueuer", peerValue: theirs)
        case .failure:
            row("enqueue-to-start, idle worker", "ms", "lower", ours: latency, peerName: "target", peerValue: 5)
        }
        let lease = 2.0
        let back = try await killedJobBack(url: url, lease: lease)
        row(
            "SIGKILLed worker's job restarted", "s", "lower", ours: back, peerName: "lease+1s bound",
            peerValue: lease + 1)
        print()
        for line in lines { print(line) }
    }
#else
    print("postgres-benchmark needs the Postgres trait: swift run -c release --traits Postgres postgres-benchmark")
#endif
