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

import Foundation
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

/// Decodes jobs of `type` from JSON and runs them with `map` on `executor`;
/// returns their outputs as text (`J` is opened from the existential).
private func mapDecoded<J: Job>(_ type: J.Type, _ documents: [String], on executor: some JobExecutor) async throws
    -> [String]
{
    let jobs = try documents.map { try JSONDecoder().decode(J.self, from: Data($0.utf8)) }
    return try await executor.map(jobs).map { "\($0)" }
}

/// Decodes one job of `type` from JSON and runs it on `executor`.
private func runDecoded<J: Job>(_ type: J.Type, _ document: String, on executor: some JobExecutor) async throws
    -> String
{
    "\(try await executor.run(try JSONDecoder().decode(J.self, from: Data(document.utf8))))"
}

/// The blocking form, for isolated runners.
private func waitDecoded<J: Job>(_ type: J.Type, _ document: String, on pool: ProcessPool) throws -> String {
    "\(try pool.submit(try JSONDecoder().decode(J.self, from: Data(document.utf8))).wait(timeout: .seconds(20)))"
}

private func jobType(_ name: String, in library: TestLibrary) throws -> any Job.Type {
    try #require(try JobLibrary.load(path: library.path).jobType(named: name))
}

extension JobLibrarySuites {
    @Suite("pools run library jobs")
    struct JobLibraryPoolTests {
        @Test func aThreadPoolRunsLibraryJobs() async throws {
            let pool = ThreadPool(threads: 2)
            let triple = try jobType("LibraryJobs.Triple", in: .jobs)
            #expect(try await runDecoded(triple, #"{"x": 14}"#, on: pool) == "42")
            #expect(
                try await mapDecoded(triple, (1...5).map { #"{"x": \#($0)}"# }, on: pool) == [
                    "3", "6", "9", "12", "15",
                ])
            await pool.shutdown()
        }

        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func processPoolWorkersLoadTheLibraryBeforeItsJobs(_ method: ProcessPool.StartMethod) async throws {
            let library = try JobLibrary.load(path: try TestLibrary.jobs.path)
            let pool = try ProcessPool(workers: 2, options: .init(startMethod: method))
            let triple = try #require(library.jobType(named: "LibraryJobs.Triple"))
            #expect(try await runDecoded(triple, #"{"x": 14}"#, on: pool) == "42")
            // A map large enough to go out in chunks to both workers.
            let outputs = try await mapDecoded(triple, (0..<2_000).map { #"{"x": \#($0)}"# }, on: pool)
            #expect(outputs == (0..<2_000).map { "\(3 * $0)" })
            // A private type travels by the place of its descriptor in the library.
            let hidden = try #require(library.jobTypes.first { String(reflecting: $0).hasSuffix(".Hidden") })
            #expect(try await runDecoded(hidden, #"{"text": "job"}"#, on: pool) == "hidden job")
            await pool.shutdown()
        }

        @Test func aLibraryErrorArrivesAsItsOwnType() async throws {
            let pool = try ProcessPool(workers: 1)
            let refuse = try jobType("LibraryJobs.Refuse", in: .jobs)
            do {
                _ = try await runDecoded(refuse, #"{"x": 4}"#, on: pool)
                Issue.record("the job did not fail")
            } catch {
                #expect(String(reflecting: type(of: error)) == "LibraryJobs.LibraryFailure")
                #expect("\(error)" == "refused(4)")
            }
            await pool.shutdown()
        }

        @Test(arguments: [ProcessPool.StartMethod.spawn, .fork])
        func aLibraryJobCanBeThePoolsInitializer(_ method: ProcessPool.StartMethod) async throws {
            let mark = try jobType("LibraryJobs.MarkWorker", in: .jobs)
            func initializer<J: Job>(_ type: J.Type) throws -> any Job {
                try JSONDecoder().decode(J.self, from: Data(#"{"mark": 7}"#.utf8))
            }
            let pool = try ProcessPool(
                workers: 2, options: .init(startMethod: method, initializer: try initializer(mark)))
            let read = try jobType("LibraryJobs.ReadMark", in: .jobs)
            #expect(
                try await mapDecoded(read, Array(repeating: "{}", count: 8), on: pool)
                    == Array(repeating: "7", count: 8))
            await pool.shutdown()
        }

        @Test func workersAlreadyRunningLoadALibraryLoadedLater() async throws {
            let pool = try ProcessPool(workers: 2)
            // Both workers run (and are idle) before the library exists in this process.
            #expect(try await pool.map((0..<200).map { AddOne(x: $0) }).count == 200)
            let pids = Set(pool.workerPIDs)
            let negate = try jobType("LateJobs.Negate", in: .late)
            let outputs = try await mapDecoded(negate, (0..<1_000).map { #"{"x": \#($0)}"# }, on: pool)
            #expect(outputs == (0..<1_000).map { "\(-$0)" })
            #expect(Set(pool.workerPIDs) == pids, "the same workers ran the library's jobs")
            await pool.shutdown()
        }

        /// A library whose file is deleted after it was loaded: a spawned worker
        /// cannot load it, says so on standard error, and its jobs fail as
        /// unknown types; a forked worker inherited it and runs them. In a fresh
        /// runner: this process keeps the library in its list for good.
        @Test func aLibraryThatVanishedFailsOnlyItsJobsInSpawnedWorkers() throws {
            try runIsolated(
                in: Self.self,
                {
                    let copy = "\(TestLibraries.shared.directory)/libVanishing-copy.so"
                    try FileManager.default.copyItem(atPath: try TestLibrary.vanishing.path, toPath: copy)
                    let library = try JobLibrary.load(path: copy)
                    let negate = try #require(library.jobType(named: "Vanishing.Negate"))
                    try FileManager.default.removeItem(atPath: copy)

                    let spawned = try ProcessPool(workers: 1)
                    defer { spawned.shutdown(wait: true) }
                    do {
                        _ = try waitDecoded(negate, #"{"x": 1}"#, on: spawned)
                        throw CheckFailure(description: "a spawned worker ran a job of a library it could not load")
                    } catch ProcessPoolError.jobTypeNotFound(let name) {
                        try check(name == "Vanishing.Negate", name)
                    }
                    try check(
                        try spawned.submit(AddOne(x: 1)).wait(timeout: .seconds(20)) == 2,
                        "the worker still runs other jobs")

                    let forked = try ProcessPool(workers: 1, options: .init(startMethod: .fork))
                    defer { forked.shutdown(wait: true) }
                    try check(try waitDecoded(negate, #"{"x": 1}"#, on: forked) == "-1")
                },
                output: { text in
                    #expect(text.contains("could not load") && text.contains("libVanishing-copy.so"))
                })
        }
    }
}
