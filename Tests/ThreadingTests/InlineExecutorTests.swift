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

import Testing

@testable import Threading

@Suite("InlineExecutor", .timeLimit(.minutes(1)))
struct InlineExecutorTests {
    @Test func runsEachJobOnTheCallerInOrder() async throws {
        let executor = InlineExecutor()
        let order = Recorder<Int>()
        let caller = PosixThread.currentSystemName
        struct Noting: Job {
            var x: Int
            func run() -> String { PosixThread.currentSystemName }
        }
        let future = try executor.submit(Noting(x: 1))
        #expect(future.isDone, "submit runs the job before returning")
        #expect(try blockingWait(future) == caller)
        for i in 0..<5 { _ = executor.submit { order.append(i) } }
        #expect(order.elements == [0, 1, 2, 3, 4])
    }

    @Test func mapAndMapUnorderedKeepInputOrder() async throws {
        let executor = InlineExecutor()
        #expect(try await executor.map((0..<10).map { Square(x: $0) }) == (0..<10).map { $0 * $0 })
        var indices: [Int] = []
        for try await (index, _) in executor.mapUnordered((0..<10).map { Square(x: $0) }) {
            indices.append(index)
        }
        #expect(indices == Array(0..<10))
    }

    @Test func mapStopsAtTheFirstFailure() async throws {
        let executor = InlineExecutor()
        let ran = Counter()
        struct Step: Job {
            var x: Int
            func run() throws -> Int {
                if x == 3 { throw Failing.Failure(x: 3) }
                return x
            }
        }
        await #expect(throws: Failing.Failure(x: 3)) {
            try await executor.map(
                (0..<10).lazy.map { x -> Step in
                    ran.increment()
                    return Step(x: x)
                })
        }
        #expect(ran.value == 4, "jobs after the failure are never read or run")
        var yielded: [Int] = []
        await #expect(throws: Failing.Failure(x: 3)) {
            for try await (index, _) in executor.mapUnordered((0..<10).map { Step(x: $0) }) { yielded.append(index) }
        }
        #expect(yielded == [0, 1, 2])
    }

    @Test func errorsAndShutdown() async throws {
        let executor = InlineExecutor()
        await #expect(throws: Failing.Failure(x: 1)) { try await executor.run(Failing(x: 1)) }
        await executor.shutdown()
        #expect(throws: JobError.shutDown) { try executor.submit(Square(x: 1)) }
    }
}
