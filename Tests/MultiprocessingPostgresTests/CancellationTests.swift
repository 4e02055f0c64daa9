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
        @Suite("cancellation")
        struct CancellationTests {
            @Test("a queued job cancelled never runs, and its row is gone")
            func cancelQueued() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let log = temporaryPath("never")
                let doomed = try queue.submit(AppendLine(path: log, line: "ran"))
                #expect(try await eventually { try await queue.statistics().queued == 1 })
                #expect(doomed.cancel())
                #expect(doomed.isCancelled)
                #expect(try await eventually { try await queue.statistics().queued == 0 })
                let worker = try await InProcessWorker(configuration)
                #expect(try await queue.run(Square(x: 2)) == 4)  // the worker is up and has claimed what there was
                #expect(try TestFiles.lines(log).isEmpty)
                await queue.shutdown()
                await worker.stop()
            }

            @Test("jobs cancelled before, during and after their insert never run")
            func cancelAroundInsert() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let log = temporaryPath("never")
                var futures = try (0..<300).map { try queue.submit(AppendLine(path: log, line: "\($0)")) }
                for future in futures.prefix(100) { #expect(future.cancel()) }  // most not sent yet
                try await Task.sleep(for: .milliseconds(1))
                for future in futures[100..<200] { #expect(future.cancel()) }  // some on their way
                #expect(try await eventually { try await queue.statistics().queued == 100 })
                for future in futures[200...] { #expect(future.cancel()) }  // all inserted by now
                futures.removeAll()
                #expect(try await eventually { try await queue.statistics().queued == 0 })
                let worker = try await InProcessWorker(configuration)
                #expect(try await queue.run(Square(x: 3)) == 9)
                await queue.shutdown()
                await worker.stop()
                #expect(try TestFiles.lines(log).isEmpty)
                let statistics = try await PostgresJobQueue(configuration: configuration).statistics()
                #expect(statistics.queued == 0 && statistics.running == 0 && statistics.succeeded == 1)
            }

            @Test("a running job cancelled: its worker is told, and on a ProcessPool the process running it is killed")
            func cancelRunning() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try WorkerProcess(configuration, concurrency: 1, executor: "process")
                let started = temporaryPath("started")
                let future = try queue.submit(HoldAndReport(path: started, seconds: 60))
                #expect(await eventually { (try? TestFiles.lines(started).count) == 1 })
                let jobProcess = try #require(Int32(try TestFiles.lines(started)[0]))
                #expect(jobProcess != worker.pid && processExists(jobProcess))
                #expect(future.cancel())
                await #expect(throws: JobError.cancelled) { try await future.value }
                #expect(await eventually { !processExists(jobProcess) })
                #expect(
                    try await eventually {
                        let statistics = try await queue.statistics()
                        return statistics.running == 0 && statistics.queued == 0
                    })
                // The worker carries on with a fresh pool process.
                #expect(try await queue.run(Square(x: 5)) == 25)
                worker.kill(SIGTERM)
                #expect(try worker.wait() == 0)
                await queue.shutdown()
            }
        }
    }
#endif
