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

// Maps 10,000 jobs through PostgreSQL to three worker processes, kills one
// of them mid-run with SIGKILL, and checks that every job's result still
// arrives exactly once.
//
//   swift run --traits Postgres distributed-map          # a throwaway server of its own
//   DATABASE_URL=postgres://... swift run --traits Postgres distributed-map
//
// (Built without the Postgres trait, `swift run distributed-map` only says
// that it needs it.)
//
// The workers are this same program (`distributed-map worker URL QUEUE`),
// so they have the job type; on other machines they would be started the
// same way, pointed at the same database.
#if Postgres
    import Foundation
    import Logging
    import Multiprocessing
    import MultiprocessingPostgres
    import ServiceLifecycle
    import ThrowawayPostgres

    /// The job: the length of the Collatz sequence from `start`, and who computed it.
    struct CollatzLength: Job {
        var start: Int
        func run() -> Computed {
            var n = start
            var steps = 0
            while n != 1 {
                n = n % 2 == 0 ? n / 2 : 3 * n + 1
                steps += 1
            }
            return Computed(steps: steps, worker: getpid())
        }
    }

    struct Computed: Codable, Sendable {
        var steps: Int
        var worker: Int32
    }

    let jobCount = 10_000
    let arguments = CommandLine.arguments

    if arguments.count == 4, arguments[1] == "worker" {
        try await runWorker(url: arguments[2], queue: arguments[3])
    } else {
        try await runSubmitter()
    }

    func configuration(url: String, queue: String) -> PostgresJobQueue.Configuration {
        var configuration = PostgresJobQueue.Configuration(url: url)
        configuration.queueName = queue
        configuration.leaseDuration = .seconds(2)  // a killed worker's jobs are back within 2 s
        configuration.fetchBatchSize = 20
        return configuration
    }

    /// A worker process: runs jobs until SIGTERM, or until its parent goes away.
    func runWorker(url: String, queue: String) async throws {
        try ChildProgram.exitWhenParentExits()  // the submitter is gone: stop at once
        let pool = ThreadPool(threads: 2)
        let worker = try await PostgresJobWorker(
            configuration: configuration(url: url, queue: queue),
            concurrency: 20, executor: pool)
        print("ready")
        fflush(nil)
        let group = ServiceGroup(
            services: [worker], gracefulShutdownSignals: [.sigterm],
            logger: Logger(label: "distributed-map worker"))
        try await group.run()
        await pool.shutdown()
    }

    func runSubmitter() async throws {
        var server: ThrowawayPostgres?
        let url: String
        if let given = ProcessInfo.processInfo.environment["DATABASE_URL"] {
            url = given
            print("database: DATABASE_URL")
        } else {
            print("starting a throwaway PostgreSQL server…")
            server = try ThrowawayPostgres.start()
            url = server!.url
            print("database: \(server!.directory) (deleted at the end)")
        }
        defer { server?.stop() }
        let queueName = "distributed-map-\(getpid())"
        let queue = try await PostgresJobQueue(configuration: configuration(url: url, queue: queueName))

        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var workers: [ChildProgram] = []
        for _ in 0..<3 {
            let (child, line) = try ChildProgram.startTied(executable, ["worker", url, queueName])
            guard line == "ready" else { throw ChildProgram.NotReady(output: line) }
            workers.append(child)
        }
        print("workers: " + workers.map { "pid \($0.pid)" }.joined(separator: ", "))

        let victim = workers[1]
        var results = [Computed?](repeating: nil, count: jobCount)
        var deliveries = 0
        var killedAt: Int?
        let start = ContinuousClock.now
        for try await (index, output) in queue.mapUnordered((1...jobCount).map { CollatzLength(start: $0) }) {
            deliveries += 1
            if results[index] != nil { print("\nresult \(index) arrived twice!") }
            results[index] = output
            if killedAt == nil, deliveries == jobCount * 3 / 10 {
                victim.send(SIGKILL)
                killedAt = deliveries
            }
            if deliveries % 100 == 0 || deliveries == jobCount {
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                let bar = String(repeating: "#", count: deliveries * 30 / jobCount).padding(
                    toLength: 30, withPad: " ", startingAt: 0)
                let note = killedAt.map { " | worker \(victim.pid) killed at \($0)" } ?? ""
                print(
                    "\r[\(bar)] \(deliveries)/\(jobCount)  \(Int(Double(deliveries) / max(seconds, 0.001))) jobs/s\(note)",
                    terminator: "")
                fflush(nil)
            }
        }
        print()
        let elapsed = ContinuousClock.now - start
        _ = try victim.wait()

        let byWorker = Dictionary(grouping: results.compactMap { $0 }, by: \.worker).mapValues(\.count)
        let expected = (1...jobCount).map { CollatzLength(start: $0).run().steps }
        let correct = zip(results, expected).filter { $0.0?.steps == $0.1 }.count
        print(
            "results: \(results.compactMap { $0 }.count) of \(jobCount), \(deliveries) deliveries, \(correct) correct, in \(elapsed)"
        )
        for (pid, count) in byWorker.sorted(by: { $0.key < $1.key }) {
            print("  worker \(pid)\(pid == victim.pid ? " (killed)" : ""): \(count) jobs")
        }
        let statistics = try await queue.statistics()
        print("queue: \(statistics)")
        await queue.shutdown()
        for worker in workers where worker !== victim {
            worker.send(SIGTERM)
            _ = try worker.wait()
        }
        let exactlyOnce = deliveries == jobCount && correct == jobCount
        print(
            exactlyOnce ? "every job completed, each result exactly once" : "FAILED: results missing, wrong or repeated"
        )
        if !exactlyOnce { exit(1) }
    }
#else
    print("distributed-map needs the Postgres trait: swift run --traits Postgres distributed-map")
#endif
