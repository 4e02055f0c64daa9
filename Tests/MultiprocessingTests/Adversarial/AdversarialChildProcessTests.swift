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

import Multiprocessing
import MultiprocessingTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Forks children inside a pool worker (a single-threaded process, where
/// fork is safe) and reports what it saw.
struct AdvChildTorture: Job {
    var children: Int
    func run() throws -> [String] {
        var report: [String] = []
        func descriptors() -> Int { (try? openDescriptorCount()) ?? -1 }
        let before = descriptors()
        var statuses: [Multiprocessing.ExitStatus] = []
        for i in 0..<children {
            let child = try ChildProcess.fork { Int32(i % 256) }
            statuses.append(try child.join())
        }
        if statuses != (0..<children).map({ Multiprocessing.ExitStatus.exited(Int32($0 % 256)) }) {
            report.append("statuses wrong")
        }
        // Many at once, joined in reverse.
        do {  // scoped: each ChildProcess holds a pidfd while it lives
            let release = try Gate()
            let many = try (0..<children).map { _ in
                try ChildProcess.fork {
                    release.wait()
                    return 7
                }
            }
            release.open()
            for child in many.reversed() where try child.join(timeout: .seconds(10)) != .exited(7) {
                report.append("child \(child.pid) not exited(7)")
            }
        }
        // Dropped without join: reaped in the background.
        for _ in 0..<20 { _ = try ChildProcess.fork { 0 } }
        let reaped = pollUntil { childProcesses().isEmpty && descriptors() - before <= 3 }
        if !reaped { report.append("children \(childProcesses().count), descriptors \(before) -> \(descriptors())") }
        return report
    }
}

extension AdversarialSuites {
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct AdversarialChildProcessTests {
        @Test func exitCodesSignalsAndRepeatedJoins() throws {
            let trapping = try ChildProcess.fork { fatalError("adversarial trap") }
            let exiting = try ChildProcess.fork { 255 }
            let throwing = try ChildProcess.fork { throw ChildAdvError.boom }
            let sleeping = try ChildProcess.fork { while true { pause() } }

            #expect(try exiting.join(timeout: .seconds(20)) == .exited(255))
            #expect(try exiting.join() == .exited(255), "join twice")
            #expect(try exiting.join(timeout: .zero) == .exited(255))
            #expect(exiting.isAlive == false)
            exiting.terminate()  // already reaped: nothing happens
            exiting.kill()

            #expect(try throwing.join(timeout: .seconds(20)) == .exited(1))

            let trapped = try trapping.join(timeout: .seconds(30))
            #expect(
                trapped == .signaled(SIGILL) || trapped == .signaled(SIGTRAP), "trap: \(String(describing: trapped))")

            #expect(try sleeping.join(timeout: .milliseconds(1)) == nil)
            #expect(try sleeping.join(timeout: .zero) == nil)
            #expect(sleeping.isAlive)
            sleeping.kill()
            #expect(try sleeping.join(timeout: .seconds(10)) == .signaled(SIGKILL))
            sleeping.terminate()  // after reaping: nothing happens
            #expect(try sleeping.join() == .signaled(SIGKILL))
        }

        @Test func terminateAChildThatAlreadyExitedButWasNotJoined() throws {
            let child = try ChildProcess.fork { 0 }
            #expect(pollUntil { processState(child.pid) == "Z" }, "a zombie now")
            child.terminate()
            #expect(try child.join(timeout: .seconds(10)) == .exited(0))
        }

        @Test func joinFromSeveralThreadsAtOnce() throws {
            let release = try Gate()
            let child = try ChildProcess.fork {
                release.wait()
                return 9
            }
            let results = AdvCounter()
            let threads = (0..<4).map { _ in
                PosixThread {
                    if (try? child.join(timeout: .seconds(10))) == .exited(9) { results.add() }
                }
            }
            for thread in threads { try thread.start() }
            release.open()
            for thread in threads { #expect(thread.join(timeout: .seconds(15))) }
            #expect(results.value == 4)
        }

        @Test func hundredsOfChildrenInsideAWorker() async throws {
            let pool = try ProcessPool(workers: 1)
            let outcome = await advWithin(.seconds(45)) { try await pool.run(AdvChildTorture(children: 200)) }
            guard case .value(let report) = outcome else {
                Issue.record("child torture: \(outcome)")
                pool.terminate()
                return
            }
            #expect(report.isEmpty, "\(report)")
            await pool.shutdown()
        }

        @Test func childrenDoNotLeakDescriptorsInTheRunner() throws {
            let before = (try openDescriptorCount())
            for i in 0..<10 {
                let child = try ChildProcess.fork { Int32(i) }
                #expect(try child.join(timeout: .seconds(10)) == .exited(Int32(i)))
            }
            let after = (try openDescriptorCount())
            #expect(after - before < 5, "before \(before), after \(after)")
        }
    }
}

enum ChildAdvError: Error { case boom }
