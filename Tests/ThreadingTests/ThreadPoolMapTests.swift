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

/// A job that returns nothing but its effect.
struct Note: Job {
    var counter: String
    func run() -> NoOutput {
        ThreadingTests.counter(named: counter).increment()
        return NoOutput()
    }
}

@Suite("ThreadPool map in chunks, mapBlocking, shutdown(cancelQueued:)", .timeLimit(.minutes(1)))
struct ThreadPoolMapTests {
    @Test(arguments: [nil, 1, 7, 5000])
    func mapKeepsInputOrderWhateverTheChunks(chunkSize: Int?) async throws {
        let pool = ThreadPool(threads: 2)
        let jobs = (0..<3000).map { Square(x: $0) }
        let outputs =
            if let chunkSize { try await pool.map(jobs, chunkSize: chunkSize) } else { try await pool.map(jobs) }
        #expect(outputs == (0..<3000).map { $0 * $0 })
        #expect(try await pool.map([Square]()) == [])
        await pool.shutdown()
    }

    @Test func mapOfAnInputOfUnknownLength() async throws {
        let pool = ThreadPool(threads: 2)
        let lazy = (0..<1000).lazy.filter { $0 % 3 == 0 }.map { Square(x: $0) }  // underestimatedCount 0
        #expect(try await pool.map(lazy) == (0..<1000).filter { $0 % 3 == 0 }.map { $0 * $0 })
        await pool.shutdown()
    }

    @Test func mapBlockingForSynchronousCode() throws {
        let pool = ThreadPool(threads: 2)
        #expect(try pool.mapBlocking((1...100).map { Square(x: $0) }) == (1...100).map { $0 * $0 })
        #expect(try pool.mapBlocking((1...100).map { Square(x: $0) }, chunkSize: 3) == (1...100).map { $0 * $0 })
        #expect(throws: Boom(code: 40)) { try pool.mapBlocking((0..<100).map { FailsAt(x: $0, failing: 40) }) }
        let inline: any JobExecutor = InlineExecutor()
        #expect(try inline.mapBlocking([Square(x: 4)]) == [16])
        #expect(throws: Boom(code: 1)) { try inline.mapBlocking([ThrowsBoom(code: 1)]) }
        pool.shutdown(wait: true)
        #expect(throws: JobError.shutDown) { try pool.mapBlocking([Square(x: 1)]) }
    }

    /// A failure in one chunk: the outputs before it are not returned, the
    /// error is, and the jobs of later chunks do not run.
    @Test func theFirstFailureStopsTheRest() async throws {
        let pool = ThreadPool(threads: 1)
        let jobs = (0..<10_000).map { CountsAndFails(x: $0, failing: 10, counter: "chunk-failure") }
        await #expect(throws: Boom(code: 10)) { try await pool.map(jobs, chunkSize: 4) }
        await pool.shutdown()
        let ran = counter(named: "chunk-failure").value
        #expect(ran >= 11 && ran < 10_000, "\(ran) jobs ran")
    }

    /// Cancelling the awaiting task stops a long chunk before its next job.
    @Test func cancellingTheMapStopsARunningChunk() async throws {
        let pool = ThreadPool(threads: 1)
        let jobs = (0..<1000).map { Gated(x: $0, gate: $0 == 0 ? "chunk-cancel" : nil, counter: "chunk-cancel") }
        let task = Task { try await pool.map(jobs, chunkSize: 1000) }
        #expect(await eventually(.seconds(30)) { jobGate("chunk-cancel-started").isSet }, "the one chunk is running")
        task.cancel()
        await #expect(throws: JobError.cancelled) { try await task.value }
        jobGate("chunk-cancel").set()
        await pool.shutdown()
        #expect(counter(named: "chunk-cancel").value == 1, "the chunk stopped after the job it was running")
    }

    @Test func jobsThatReturnNothing() async throws {
        let pool = ThreadPool(threads: 2)
        let outputs = try await pool.map((0..<10).map { _ in Note(counter: "notes") })
        #expect(outputs == Array(repeating: NoOutput(), count: 10))
        #expect(counter(named: "notes").value == 10)
        await pool.shutdown()
    }

    @Test func shutdownCancellingQueuedJobsLetsRunningOnesFinish() async throws {
        let pool = ThreadPool(threads: 1)
        let started = Event()
        let gate = Event()
        let running = pool.submit {
            started.set()
            gate.wait()
            return 1
        }
        let queued = (0..<5).map { _ in pool.submit { 2 } }
        started.wait()
        let shutdown = Task { await pool.shutdown(cancelQueued: true) }
        #expect(await eventually { queued.allSatisfy(\.isCancelled) })
        gate.set()
        await shutdown.value
        #expect(try await running.value == 1)
        #expect(throws: JobError.shutDown) { try pool.submit(Square(x: 1)) }
    }

    @Test func synchronousShutdownMayCancelQueuedJobs() throws {
        let pool = ThreadPool(threads: 1)
        let started = Event()
        let gate = Event()
        let running = pool.submit {
            started.set()
            gate.wait()
        }
        let queued = pool.submit { 2 }
        started.wait()
        pool.shutdown(wait: false, cancelQueued: true)
        #expect(queued.isCancelled)
        gate.set()
        try running.wait()
        pool.shutdown(wait: true)
    }

    @Test func namesAndWorkerCount() async throws {
        let pool = ThreadPool(threads: 3, namePrefix: "crew")
        #expect(pool.workerCount == 3)
        #expect(try await pool.run { PosixThread.currentSystemName }.hasPrefix("crew-"))
        #expect(InlineExecutor().workerCount == 1)
        await pool.shutdown()
    }

    @Test func aChunkSizeBelowOneTraps() async {
        await #expect(processExitsWith: .failure) {
            let pool = ThreadPool(threads: 1)
            _ = try await pool.map([Square(x: 1)], chunkSize: 0)
        }
    }
}

struct CountsAndFails: Job {
    var x: Int
    var failing: Int
    var counter: String
    func run() throws -> Int {
        ThreadingTests.counter(named: counter).increment()
        if x == failing { throw Boom(code: x) }
        return x
    }
}

/// Code on the main actor (all of a `main.swift`) passes lazy sequences whose
/// closures belong to the main actor: `map` and `mapStream` read them there,
/// instead of trapping in Swift's isolation check on another thread.
@Suite("Input read on the caller's actor", .timeLimit(.minutes(1)))
struct CallerIsolationTests {
    @MainActor
    @Test func mapAndMapStreamReadAMainActorLazySequenceOnTheMainActor() async throws {
        let pool = ThreadPool(threads: 2)
        let outputs = try await pool.map((1...50).lazy.map { Square(x: $0) })
        #expect(outputs == (1...50).map { $0 * $0 })
        let chunked = try await pool.map((1...50).lazy.map { Square(x: $0) }, chunkSize: 7)
        #expect(chunked == outputs)
        var streamed: [Int] = []
        for try await output in pool.mapStream((1...).lazy.map { Square(x: $0) }, buffer: 3) {
            streamed.append(output)
            if streamed.count == 50 { break }
        }
        #expect(streamed == outputs)
        #expect(try await InlineExecutor().map((1...3).lazy.map { Square(x: $0) }) == [1, 4, 9])
        await pool.shutdown()
    }
}
