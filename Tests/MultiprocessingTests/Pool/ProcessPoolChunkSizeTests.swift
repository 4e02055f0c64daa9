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

import MultiprocessingTestSupport
import Synchronization
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessPoolSuites {
    /// `map(_:chunkSize:)` and the blocking maps, shaped as ThreadPool's.
    @Suite("ProcessPool chunk size and blocking map", .onItsOwnThread, .timeLimit(.minutes(1)))
    struct ProcessPoolChunkSizeTests {
        @Test(arguments: [1, 7, 50, 10_000])
        func mapWithAChunkSizeKeepsInputOrder(_ chunkSize: Int) async throws {
            let pool = try ProcessPool(workers: 2)
            #expect(try await pool.map((0..<1_000).map { AddOne(x: $0) }, chunkSize: chunkSize) == Array(1...1_000))
            #expect(try await pool.map([AddOne](), chunkSize: chunkSize).isEmpty)
            await pool.shutdown()
        }

        /// A chunk runs on one worker, so each chunk's jobs report one pid.
        @Test func theChunkSizeIsTheNumberOfJobsSentTogether() async throws {
            let pool = try ProcessPool(workers: 2)
            let pids = try await pool.map((0..<230).map { _ in WorkerPID() }, chunkSize: 50)
            #expect(pids.count == 230)
            for start in stride(from: 0, to: 230, by: 50) {
                #expect(Set(pids[start..<min(start + 50, 230)]).count == 1, "jobs \(start)... went to one worker")
            }
            await pool.shutdown()
        }

        @Test func perJobOptionsSendJobsAloneWhateverTheChunkSize() throws {
            let timed = try ProcessPool(workers: 1, options: .init(jobTimeout: .seconds(5)))
            var planner = timed.chunkPlanner(knownCount: 1_000, chunkSize: 50)
            var numbers = (0..<1_000).makeIterator()
            #expect(planner.nextChunk(from: &numbers).count == 1)
            let recycled = try ProcessPool(workers: 1, options: .init(maxJobsPerWorker: 10))
            planner = recycled.chunkPlanner(knownCount: 1_000, chunkSize: nil)
            #expect(planner.nextChunk(from: &numbers).count == 1)
            let plain = try ProcessPool(workers: 1)
            planner = plain.chunkPlanner(knownCount: 1_000, chunkSize: 50)
            #expect(planner.nextChunk(from: &numbers).count == 50)
            for pool in [timed, recycled, plain] { pool.terminate() }
        }

        @Test func mapReadsItsInputOnTheCallersActor() async throws {
            let pool = try ProcessPool(workers: 2)
            let outputs = try await onMainActor(pool)
            #expect(outputs == Array(1...300))
            await pool.shutdown()
        }

        @MainActor
        private func onMainActor(_ pool: ProcessPool) async throws -> [Int] {
            let offActor = Atomic<Int>(0)
            let mainThread = pthread_self()  // the main actor's thread
            // A lazy input whose closure belongs to the main actor: read anywhere else, it counts.
            let jobs = (0..<300).lazy.map { x in
                if pthread_equal(pthread_self(), mainThread) == 0 { offActor.add(1, ordering: .relaxed) }
                return AddOne(x: x)
            }
            let outputs = try await pool.map(jobs, chunkSize: 16)
            #expect(offActor.load(ordering: .relaxed) == 0)
            return outputs
        }

        @Test func mapBlockingReturnsOutputsInInputOrder() throws {
            let pool = try ProcessPool(workers: 2)
            defer { pool.shutdown(wait: true) }
            #expect(try pool.mapBlocking((0..<5_000).map { AddOne(x: $0) }) == Array(1...5_000))
            #expect(try pool.mapBlocking((0..<100).map { AddOne(x: $0) }, chunkSize: 3) == Array(1...100))
            // An input of unknown length, read lazily.
            let endless = (0...).lazy.map { AddOne(x: $0) }.prefix(700)
            #expect(try pool.mapBlocking(endless) == Array(1...700))
        }

        @Test func mapBlockingThrowsTheFirstFailureInInputOrder() throws {
            let pool = try ProcessPool(workers: 2)
            defer { pool.shutdown(wait: true) }
            let texts = (0..<500).map { $0 == 123 ? "x" : ($0 == 400 ? "" : "\($0)") }
            #expect(throws: ParseFailure.badDigit(UInt8(ascii: "x"))) {
                _ = try pool.mapBlocking(texts.map { Parse(text: $0) }, chunkSize: 10)
            }
            #expect(try pool.mapBlocking([Parse(text: "5")]) == [5], "the pool keeps serving")
        }

        @Test func mapBlockingAfterShutdownThrows() throws {
            let pool = try ProcessPool(workers: 1)
            pool.shutdown(wait: true)
            #expect(throws: JobError.shutDown) { try pool.mapBlocking([AddOne(x: 1)]) }
            #expect(throws: JobError.shutDown) { try pool.mapBlocking([AddOne(x: 1)], chunkSize: 1) }
        }
    }
}
