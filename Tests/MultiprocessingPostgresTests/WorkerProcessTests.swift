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

#if Postgres
    import Foundation
    import Multiprocessing
    @testable import MultiprocessingPostgres
    import PostgresTestJobs
    import Testing

    extension PostgresSuites {
        @Suite("worker processes")
        struct WorkerProcessTests {
            @Test("four competing worker processes run each of 1,000 jobs exactly once")
            func exactlyOnce() async throws {
                var configuration = try testConfiguration()
                configuration.fetchBatchSize = 5
                let queue = try await PostgresJobQueue(configuration: configuration)
                let log = temporaryPath("runs")
                let workers = try (0..<4).map { _ in try WorkerProcess(configuration, concurrency: 2) }
                let outputs = try await queue.map((0..<1_000).map { AppendLine(path: log, line: "\($0)") })
                #expect(outputs == (0..<1_000).map { "\($0)" })
                let runs = try TestFiles.lines(log)
                #expect(runs.count == 1_000)
                #expect(Set(runs) == Set((0..<1_000).map { "\($0)" }))
                let statistics = try await queue.statistics()
                #expect(statistics.succeeded == 1_000 && statistics.retried == 0, "\(statistics)")
                for worker in workers { worker.kill(SIGTERM) }
                for worker in workers { #expect(try worker.wait() == 0) }
                await queue.shutdown()
            }

            @Test("a worker killed with SIGKILL mid-job: the job runs again elsewhere once its lease runs out")
            func killedWorker() async throws {
                let configuration = try testConfiguration(lease: .seconds(1))
                let queue = try await PostgresJobQueue(configuration: configuration)
                let victim = try WorkerProcess(configuration, concurrency: 1)
                let started = temporaryPath("started")
                let future = try queue.submit(HoldAndReport(path: started, seconds: 0.5))
                #expect(await eventually { (try? TestFiles.lines(started).count) == 1 })
                victim.kill(SIGKILL)
                try victim.wait()
                let killedAt = ContinuousClock.now
                let survivor = try await InProcessWorker(configuration)
                let pid = try await future.value
                #expect(pid == getpid())  // the survivor runs in this process
                #expect(ContinuousClock.now - killedAt < .seconds(1) + .seconds(1) + .milliseconds(500))
                let statistics = try await queue.statistics()
                #expect(statistics.retried == 1 && statistics.succeeded == 1)
                await queue.shutdown()
                await survivor.stop()
            }

            @Test("a job that keeps killing its workers fails after its max attempts")
            func jobThatKillsWorkers() async throws {
                let configuration = try testConfiguration(lease: .milliseconds(600))
                let queue = try await PostgresJobQueue(configuration: configuration)
                // Any worker puts back expired leases, whatever its queue: this one only reaps.
                let reaper = try await InProcessWorker(testConfiguration("reaper"))
                let future = try queue.submit(KillMyWorker(), options: .init(maxAttempts: 2))
                for _ in 0..<2 {
                    let worker = try WorkerProcess(configuration, concurrency: 1)
                    let status = try worker.wait()
                    #expect(status & 0x7f == SIGKILL)
                }
                do {
                    _ = try await future.value
                    Issue.record("the job succeeded")
                } catch let error as PostgresJobQueueError {
                    #expect(error.code == .attemptsExhausted)
                    #expect(error.message.contains("attempt 2 of 2"))
                }
                #expect(try await queue.statistics().failed == 1)
                await queue.shutdown()
                await reaper.stop()
            }

            @Test("SIGTERM: the worker finishes its running job, records it, claims no more and exits 0")
            func gracefulTermination() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try WorkerProcess(configuration, concurrency: 1)
                let started = temporaryPath("started")
                let running = try queue.submit(HoldAndReport(path: started, seconds: 1))
                #expect(await eventually { (try? TestFiles.lines(started).count) == 1 })
                worker.kill(SIGTERM)
                let later = try queue.submit(Square(x: 3))
                #expect(try worker.wait() == 0)
                #expect(try await running.value == worker.pid)
                #expect(!later.isDone)
                #expect(try await queue.statistics().queued == 1)
                let next = try await InProcessWorker(configuration)
                #expect(try await later.value == 9)
                await queue.shutdown()
                await next.stop()
            }

            @Test("a job type the worker's executable lacks fails clearly, and only that job")
            func unknownJobType() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try WorkerProcess(configuration, concurrency: 1)
                let unknown = try queue.submit(OnlyInTheTestRunner())
                let known = try queue.submit(Square(x: 4))
                do {
                    _ = try await unknown.value
                    Issue.record("a worker ran a job type it does not have")
                } catch let error as PostgresJobQueueError {
                    #expect(error.code == .jobTypeUnknown)
                    #expect(error.message.contains("MultiprocessingPostgresTests.OnlyInTheTestRunner"))
                }
                #expect(try await known.value == 16)
                worker.kill(SIGTERM)
                try worker.wait()
                await queue.shutdown()
            }
        }
    }

    /// A job type the worker executable does not contain.
    struct OnlyInTheTestRunner: Job {
        func run() -> Int { 0 }
    }
#endif
