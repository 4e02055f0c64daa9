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

    private struct LocalJob: Job {
        func run() -> Int { 1 }
    }

    extension PostgresSuites {
        @Suite("typed results")
        struct RoundTripTests {
            @Test("typed outputs, the job's own Codable errors and other errors come back to the submitter")
            func typedOutputsAndErrors() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try await InProcessWorker(configuration)

                #expect(try await queue.run(Square(x: 7)) == 49)
                let summary = try await queue.run(Summarize(values: [1, 2, 3.5], label: "a"))
                #expect(summary == Summary(count: 3, mean: 6.5 / 3, labels: ["a": 3]))

                let once = PostgresJobQueue.SubmitOptions(maxAttempts: 1)
                await #expect(throws: ValidationError.tooLarge(limit: 5, got: 9)) {
                    try await queue.submit(Validate(x: 9, limit: 5), options: once).value
                }
                do {
                    _ = try await queue.submit(ThrowPlain(), options: once).value
                    Issue.record("ThrowPlain succeeded")
                } catch let error as RemoteError {
                    #expect(error.typeName == "PostgresTestJobs.PlainError")
                    #expect(error.description == "plain failure")
                }
                #expect(try await queue.map((1...50).map { Square(x: $0) }) == (1...50).map { $0 * $0 })
                var unordered: [Int: Int] = [:]
                for try await (index, output) in queue.mapUnordered((0..<20).map { Square(x: $0) }) {
                    unordered[index] = output
                }
                #expect(unordered == Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, $0 * $0) }))

                await queue.shutdown()
                await worker.stop()
                let statistics = try await PostgresJobQueue(configuration: configuration).statistics()
                #expect(statistics.succeeded == 72)
                #expect(statistics.failed == 2)
                #expect(statistics.queued == 0 && statistics.running == 0)
            }

            @Test("a queue released without shutdown fails its unfinished futures and leaves its jobs queued")
            func releasedQueue() async throws {
                let configuration = try testConfiguration()
                var queue: PostgresJobQueue? = try await PostgresJobQueue(configuration: configuration)
                let future = try queue!.submit(Square(x: 6))
                #expect(try await eventually { try await queue!.statistics().queued == 1 })
                queue = nil
                await #expect { try await future.value } throws: { error in
                    (error as? PostgresJobQueueError)?.code == .shutDown
                }
                let observer = try await PostgresJobQueue(configuration: configuration)
                #expect(try await observer.statistics().queued == 1)
                await observer.shutdown()
            }

            @Test("a private or function-local job type is refused at submit")
            func privateTypesAreRefused() async throws {
                let queue = try await PostgresJobQueue(configuration: testConfiguration())
                #expect { try queue.submit(LocalJob()) } throws: { error in
                    (error as? PostgresJobQueueError)?.code == .jobTypeNotPortable
                }
                await queue.shutdown()
            }

            @Test(
                "retries back off and count; the last attempt's own error reaches the submitter and the dead-letter view"
            )
            func retries() async throws {
                let configuration = try testConfiguration()
                let queue = try await PostgresJobQueue(configuration: configuration)
                let worker = try await InProcessWorker(configuration)

                let flaky = temporaryPath("flaky")
                #expect(
                    try await queue.submit(Flaky(counterPath: flaky, succeedOn: 3), options: .init(maxAttempts: 3))
                        .value == 3)
                let doomed = temporaryPath("doomed")
                await #expect(throws: ValidationError.tooLarge(limit: 10, got: 2)) {
                    try await queue.submit(Flaky(counterPath: doomed, succeedOn: 10), options: .init(maxAttempts: 2))
                        .value
                }
                let statistics = try await queue.statistics()
                #expect(statistics.retried == 3)
                #expect(statistics.failed == 1)
                let failed = try await queue.failedJobs(limit: 10)
                #expect(failed.count == 1)
                #expect(failed.first?.typeName == "PostgresTestJobs.Flaky")
                #expect(failed.first?.attempts == 2)
                #expect(failed.first?.error as? ValidationError == .tooLarge(limit: 10, got: 2))
                #expect(failed.first?.payload.contains("\"succeedOn\":10") == true)
                await queue.shutdown()
                await worker.stop()
            }
        }
    }
#endif
