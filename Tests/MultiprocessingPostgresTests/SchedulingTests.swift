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
        @Suite("scheduling")
        struct SchedulingTests {
            @Test(
                "of many concurrent submits with one unique key, exactly one is queued; the key is free again once it finished"
            )
            func uniqueKeys() async throws {
                let configuration = try testConfiguration()
                let queues = try await withThrowingTaskGroup(of: PostgresJobQueue.self) { group in
                    for _ in 0..<4 { group.addTask { try await PostgresJobQueue(configuration: configuration) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let options = PostgresJobQueue.SubmitOptions(uniqueKey: "nightly-report")
                let futures = try await withThrowingTaskGroup(of: [JobFuture<Int>].self) { group in
                    for queue in queues {
                        group.addTask { try (0..<10).map { try queue.submit(Square(x: $0), options: options) } }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(try await eventually { try await queues[0].statistics().queued == 1 })
                var duplicates = 0
                var accepted: [JobFuture<Int>] = []
                for future in futures {
                    if await eventually(within: .seconds(2), { future.isDone }) {
                        do {
                            _ = try await future.value
                        } catch let error as PostgresJobQueueError where error.code == .duplicateUniqueKey {
                            duplicates += 1
                        }
                    } else {
                        accepted.append(future)
                    }
                }
                #expect(duplicates == 39)
                #expect(accepted.count == 1)
                let worker = try await InProcessWorker(configuration)
                _ = try await accepted[0].value
                #expect(try await queues[0].submit(Square(x: 11), options: options).value == 121)
                for queue in queues { await queue.shutdown() }
                await worker.stop()
            }

            @Test("higher priority first, then first due, then first submitted; run-at delays are kept")
            func priorityAndRunAt() async throws {
                var configuration = try testConfiguration()
                configuration.fetchBatchSize = 1
                let queue = try await PostgresJobQueue(configuration: configuration)
                let log = temporaryPath("order")
                var futures: [JobFuture<String>] = []
                for (name, priority) in [("low-1", 0), ("high-1", 5), ("low-2", 0), ("top", 9), ("high-2", 5)] {
                    futures.append(
                        try queue.submit(AppendLine(path: log, line: name), options: .init(priority: priority)))
                }
                let submittedAt = Date().timeIntervalSince1970
                let delayed = try queue.submit(
                    StartTime(), options: .init(priority: 100, notBefore: .milliseconds(1500)))
                #expect(try await eventually { try await queue.statistics().queued == 6 })
                let worker = try await InProcessWorker(configuration, concurrency: 1)
                for future in futures { _ = try await future.value }
                #expect(try TestFiles.lines(log) == ["top", "high-1", "high-2", "low-1", "low-2"])
                let startedAt = try await delayed.value
                #expect(startedAt - submittedAt >= 1.4)
                #expect(startedAt - submittedAt < 4)
                await queue.shutdown()
                await worker.stop()
            }

            @Test("an idle worker is woken by NOTIFY: it has no polling timer to fall back on")
            func notifyWakesIdleWorker() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try await InProcessWorker(configuration, concurrency: 1)
                _ = try await queue.run(Square(x: 1))
                var latencies: [Double] = []
                for _ in 0..<20 {
                    try await Task.sleep(for: .milliseconds(20))  // idle: the worker sleeps on its channel
                    let submittedAt = Date().timeIntervalSince1970
                    latencies.append(try await queue.run(StartTime()) - submittedAt)
                }
                let median = latencies.sorted()[latencies.count / 2]
                // With nothing scheduled the worker waits on its channel alone:
                // without the notification these jobs would never start.
                #expect(median < 2, "median enqueue-to-start \(median) s")
                await queue.shutdown()
                await worker.stop()
            }
        }
    }
#endif
