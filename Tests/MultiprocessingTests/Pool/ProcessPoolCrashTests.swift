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
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

extension ProcessPoolSuites {
    @Suite("ProcessPool crash isolation", .timeLimit(.minutes(1)))
    struct ProcessPoolCrashTests {
        @Test func sigkillOfAWorkerMidJobFailsOnlyThatJob() async throws {
            let pool = try ProcessPool(workers: 2)
            let victim = try pool.submit(Forever())
            let others = try (0..<20).map { try pool.submit(Sleep(milliseconds: $0 % 3)) }
            #expect(pool.workerPIDs.count == 2)
            // Ask the pool which worker runs the victim (some of the others may wait behind it).
            var running: Int32?
            #expect(
                await eventually(within: .seconds(4)) {
                    running = await pool.core.pidRunning(victim)
                    return running != nil
                })
            let victimPID = try #require(running)
            kill(victimPID, SIGKILL)
            let error = await #expect(throws: ProcessPoolError.self) { try await victim.value }
            guard case .workerCrashed(let pid, let status, let job)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(pid == victimPID)
            #expect(status == .signaled(SIGKILL))
            #expect(job.typeName.hasSuffix("Forever"))
            for (index, future) in others.enumerated() {
                #expect(try await future.value == index % 3)
            }
            #expect(try await pool.run(AddOne(x: 9)) == 10, "the pool serves new jobs")
            #expect(await eventually { pool.workerPIDs.count == 2 && !pool.workerPIDs.contains(victimPID) })
            await pool.shutdown()
        }

        /// A job that reads a global declared in main.swift in a spawned
        /// worker (where main never ran) dies of a memory fault, or reads 0;
        /// a memory fault's error names that cause.
        @Test func aMemoryFaultNamesTheMainSwiftGlobalsRule() async throws {
            let pool = try ProcessPool(workers: 1)
            let error = await #expect(throws: ProcessPoolError.self) { try await pool.run(Crash(how: .memoryFault)) }
            guard case .workerCrashed(_, let status, _)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(status.signal == .segmentationFault)
            #expect(String(describing: error!).contains("global declared in main.swift"))
            #expect(
                !ProcessPoolError.workerCrashed(
                    pid: 1, status: .exited(3), job: JobDescription(typeName: "T", sequenceNumber: 1)
                )
                .description.contains("main.swift"), "only memory faults mention it")
            await pool.shutdown()
        }

        @Test(arguments: [
            (Crash.How.trap, Multiprocessing.ExitStatus.signaled(SIGILL)), (.exit, .exited(3)),
            (.kill, .signaled(SIGKILL)),
        ])
        func aJobThatEndsItsWorkerFailsWithTheStatus(how: Crash.How, expected: Multiprocessing.ExitStatus) async throws
        {
            let pool = try ProcessPool(workers: 1)
            let before = try pool.submit(AddOne(x: 0))
            let crash = try pool.submit(Crash(how: how))
            let after = try (1...5).map { try pool.submit(AddOne(x: $0)) }
            #expect(try await before.value == 1)
            let error = await #expect(throws: ProcessPoolError.self) { try await crash.value }
            guard case .workerCrashed(_, let status, let job)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            if how == .trap {
                #expect(status == .signaled(SIGILL) || status == .signaled(SIGTRAP))
            } else {
                #expect(status == expected)
            }
            #expect(job.typeName.hasSuffix("Crash"))
            #expect("\(error!)".contains("Crash"))
            for (index, future) in after.enumerated() {
                #expect(try await future.value == index + 2, "jobs queued behind the crash still run")
            }
            await pool.shutdown()
        }

        @Test func mapSurvivesNothingButReportsTheCrash() async throws {
            let pool = try ProcessPool(workers: 2)
            await #expect(throws: ProcessPoolError.self) {
                _ = try await pool.map([Crash(how: .exit)])
            }
            #expect(try await pool.map((0..<100).map { AddOne(x: $0) }) == Array(1...100))
            await pool.shutdown()
        }
    }
}
