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

import Synchronization
import Testing

@testable import Multiprocessing

extension ProcessPoolSuites {
    @Suite("ProcessPool map", .timeLimit(.minutes(1)))
    struct ProcessPoolMapTests {
        @Test func mapKeepsInputOrderAcrossChunks() async throws {
            let pool = try ProcessPool(workers: 2)
            let outputs = try await pool.map((0..<10_000).map { AddOne(x: $0) })
            #expect(outputs == Array(1...10_000))
            #expect(try await pool.map([AddOne]()).isEmpty)
            await pool.shutdown()
        }

        @Test func mapReadsAnEndlessInputLazily() async throws {
            let pool = try ProcessPool(workers: 2)
            let pulled = Atomic<Int>(0)
            // An endless sequence of unknown length, cut off after 3,000 elements.
            let jobs = (0...).lazy.map { x in
                pulled.add(1, ordering: .relaxed)
                return AddOne(x: x)
            }.prefix(3_000)
            let outputs = try await pool.map(jobs)
            #expect(outputs == Array(1...3_000))
            #expect(pulled.load(ordering: .relaxed) <= 3_001)
            await pool.shutdown()
        }

        @Test func mapUnorderedOverAnEndlessInputPullsOnlyAWindowAhead() async throws {
            let pool = try ProcessPool(workers: 2)
            let pulled = Atomic<Int>(0)
            let jobs = (0...).lazy.map { x in
                pulled.add(1, ordering: .relaxed)
                return AddOne(x: x)
            }
            var received = 0
            for try await (_, output) in pool.mapUnordered(jobs) {
                #expect(output >= 1)
                received += 1
                if received == 50 { break }
            }
            #expect(
                pulled.load(ordering: .relaxed) <= 50 + 8 * ChunkPlanner.largestGrowingChunk,
                "an endless input is read a window at a time")
            await pool.shutdown()
        }

        @Test func mapThrowsTheFirstFailureInInputOrder() async throws {
            let pool = try ProcessPool(workers: 2)
            let texts = (0..<500).map { $0 == 123 ? "x" : ($0 == 400 ? "" : "\($0)") }
            await #expect(throws: ParseFailure.badDigit(UInt8(ascii: "x"))) {
                _ = try await pool.map(texts.map { Parse(text: $0) })
            }
            #expect(try await pool.map([Parse(text: "5")]) == [5], "the pool keeps serving")
            await pool.shutdown()
        }

        @Test func mapUnorderedYieldsEveryOutputWithItsIndex() async throws {
            let pool = try ProcessPool(workers: 2)
            var seen = [Int?](repeating: nil, count: 200)
            for try await (index, output) in pool.mapUnordered((0..<200).map { AddOne(x: $0) }) {
                #expect(seen[index] == nil)
                seen[index] = output
            }
            #expect(seen == (1...200).map { $0 })
            await pool.shutdown()
        }

        @Test func mapUnorderedFinishesWithTheFirstFailure() async throws {
            let pool = try ProcessPool(workers: 2)
            var received = 0
            await #expect(throws: ParseFailure.empty) {
                for try await _ in pool.mapUnordered((0..<100).map { Parse(text: $0 == 70 ? "" : "\($0)") }) {
                    received += 1
                }
            }
            #expect(received < 100)
            var all = 0
            for try await _ in pool.mapUnordered((0..<100).map { AddOne(x: $0) }) { all += 1 }
            #expect(all == 100, "the pool keeps serving")
            await pool.shutdown()
        }

        @Test func mapWithATimeoutSendsJobsOneByOne() async throws {
            let pool = try ProcessPool(workers: 2, options: .init(jobTimeout: .milliseconds(300)))
            await #expect(throws: JobError.timedOut(.milliseconds(300))) {
                _ = try await pool.map([Sleep(milliseconds: 1), Sleep(milliseconds: 5_000), Sleep(milliseconds: 1)])
            }
            #expect(try await pool.map((0..<20).map { AddOne(x: $0) }) == Array(1...20))
            await pool.shutdown()
        }

        @Test func switchingFromAThreadPoolIsOneLine() async throws {
            for executor: any JobExecutor in [ThreadPool(threads: 2), try ProcessPool(workers: 2)] {
                #expect(try await executor.map((0..<100).map { AddOne(x: $0) }) == Array(1...100))
                #expect(try await executor.run(Greeting(name: "x")) == "hello, x")
                await executor.shutdown()
            }
        }
    }
}
