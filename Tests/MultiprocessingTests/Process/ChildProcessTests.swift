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

@Suite("ChildProcess", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    @Test(arguments: [0, 1, 42, 255] as [Int32])
    func exitCodeReachesJoin(code: Int32) throws {
        let child = try ChildProcess.fork { code }
        #expect(try joined(child) == .exited(code))
    }

    @Test func exitCodeIsTruncatedToEightBits() throws {
        let child = try ChildProcess.fork { 256 + 7 }
        #expect(try joined(child) == .exited(7))
    }

    @Test func thrownErrorBecomesExitCodeOne() throws {
        struct Boom: Error {}
        let child = try ChildProcess.fork { throw Boom() }
        #expect(try joined(child) == .exited(1))
    }

    @Test func signalDeathIsReported() throws {
        let child = try ChildProcess.fork {
            raise(SIGUSR1)
            return 0
        }
        #expect(try joined(child) == .signaled(SIGUSR1))
        #expect(child.exitStatus?.description.contains("SIGUSR1") == true)
    }

    @Test func trapIsReportedAsSignal() throws {
        let child = try ChildProcess.fork { fatalError("deliberate trap in a test child") }
        guard case .signaled(let signal) = try joined(child) else {
            Issue.record("a trapping child must die by a signal")
            return
        }
        #expect(signal == SIGILL || signal == SIGTRAP)
    }

    @Test func joinTwiceGivesTheSameStatus() throws {
        let child = try ChildProcess.fork { 3 }
        #expect(try joined(child) == .exited(3))
        #expect(try child.join() == .exited(3), "already reaped: returns at once")
        #expect(try child.join(timeout: .zero) == .exited(3))
        #expect(child.exitStatus == .exited(3))
        #expect(!child.isAlive)
    }

    @Test func timedJoinReturnsNilWhileRunningAndDoesNotWaitTooLong() throws {
        let child = try ChildProcess.fork { while true { pause() } }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try child.join(timeout: .milliseconds(100)) == nil)
        let waited = clock.now - start
        #expect(waited >= .milliseconds(95) && waited < .seconds(5))
        #expect(child.isAlive)
        child.kill()
        #expect(try child.join(timeout: .seconds(10)) == .signaled(SIGKILL))
    }

    @Test func timedJoinReturnsPromptlyWhenTheChildExits() throws {
        let release = try Gate()
        let child = try ChildProcess.fork {
            release.wait()
            return 5
        }
        let clock = ContinuousClock()
        let start = clock.now
        let joiner = currentThreadID()
        let releaser = TestThread {
            #expect(waitUntilBlocked(thread: joiner), "join blocks")
            release.open()
        }
        #expect(try child.join(timeout: .seconds(20)) == .exited(5))
        #expect(clock.now - start < .seconds(10))
        releaser.join()
    }

    @Test func terminateSendsSigterm() throws {
        let child = try ChildProcess.fork { while true { pause() } }
        child.terminate()
        #expect(try child.join(timeout: .seconds(10)) == .signaled(SIGTERM))
        child.terminate()  // after exit: not an error
        child.kill()
    }

    @Test func killSendsSigkillEvenWhenSigtermIsIgnored() throws {
        let ignoring = try Gate()
        let child = try ChildProcess.fork {
            signal(SIGTERM, SIG_IGN)
            ignoring.open()
            while true { pause() }
        }
        ignoring.wait()
        child.terminate()
        #expect(try child.join(timeout: .milliseconds(200)) == nil)
        child.kill()
        #expect(try child.join(timeout: .seconds(10)) == .signaled(SIGKILL))
    }

    /// A number the system knows no signal by (`EINVAL`) sends nothing and
    /// does not trap; the child runs on and real signals still reach it.
    @Test func anUnknownSignalNumberSendsNothing() throws {
        let child = try ChildProcess.fork { while true { pause() } }
        child.send(Signal(rawValue: 99))
        child.send(Signal(rawValue: -1))
        #expect(child.isAlive)
        #expect(try child.join(timeout: .zero) == nil)
        child.send(.userDefinedOne)
        #expect(try child.join(timeout: .seconds(10)) == .signaled(SIGUSR1))
    }

    @Test func concurrentJoinsAllSeeTheStatus() async throws {
        let release = try Gate()
        let child = try ChildProcess.fork {
            release.wait()
            return 9
        }
        try await withThrowingTaskGroup(of: Optional<Multiprocessing.ExitStatus>.self) { group in
            for _ in 0..<4 {
                group.addTask { try child.join(timeout: .seconds(20)) }
            }
            release.open()
            for try await status in group {
                #expect(status == .exited(9))
            }
        }
    }

    @Test func childRunsInACopyOfMemory() throws {
        final class Box: @unchecked Sendable { var value = 1 }
        let box = Box()
        let child = try ChildProcess.fork {
            box.value = 2
            return box.value == 2 ? 0 : 1
        }
        #expect(try joined(child) == .exited(0))
        #expect(box.value == 1, "the child's write must not reach the parent")
    }

    @Test func nameAndPidAreReported() throws {
        let child = try ChildProcess.fork(name: "a-rather-long-child-name") { while true { pause() } }
        #expect(child.name == "a-rather-long-child-name")
        #expect(child.pid > 0 && child.pid != getpid())
        let named = pollUntil {
            (try? String(contentsOfFile: "/proc/\(child.pid)/comm", encoding: .utf8)) == "a-rather-long-c\n"
        }
        #expect(named, "the OS shows the first 15 bytes of the name")
        child.kill()
        _ = try joined(child)
        let unnamed = try ChildProcess.fork { 0 }
        #expect(unnamed.name.hasPrefix("ChildProcess-"))
        _ = try joined(unnamed)
    }

    @Test func droppedRunningChildIsReapedWhenItExits() throws {
        var pid: pid_t = 0
        let release = try Gate()
        do {
            let child = try ChildProcess.fork {
                release.wait()
                return 0
            }
            pid = child.pid
        }
        release.open()  // it ends after its ChildProcess was dropped
        let gone = pollUntil(within: .seconds(10)) {
            processState(pid) == nil
        }
        #expect(gone, "a dropped child must be reaped, not left a zombie")
    }

    @Test func droppedExitedChildIsReapedAtOnce() throws {
        var pid: pid_t = 0
        do {
            let child = try ChildProcess.fork { 0 }
            pid = child.pid
            #expect(pollUntil { processState(pid) == "Z" })
        }
        #expect(pollUntil { processState(pid) == nil })
    }

    /// Forks from many threads at once, while another thread flushes every
    /// stream (as `exit` does), never deadlock the parent: glibc's `fork()`
    /// takes its stream-list lock, and `fflush(NULL)` takes that lock and then
    /// each stream's, so a fork entered holding standard output's lock hung
    /// within a few hundred forks. Alone in a fresh runner, which is killed
    /// (and the test fails) if it hangs.
    @Test func concurrentForksFromManyThreadsDoNotDeadlock() throws {
        try runIsolated(in: Self.self, timeout: .seconds(40)) {
            let failures = AdvCounter()
            let stop = Box(false)
            let flusher = TestThread {
                while !stop.value { fflush(nil) }
            }
            let forkers = (0..<8).map { _ in
                TestThread {
                    for index in 0..<200 {
                        guard let child = try? ChildProcess.fork({ Int32(index % 3) }),
                            (try? child.join()) == .exited(Int32(index % 3))
                        else {
                            failures.add()
                            return
                        }
                    }
                }
            }
            forkers.forEach { $0.join() }
            stop.value = true
            flusher.join()
            try check(failures.value == 0, "\(failures.value) threads failed to fork or join")
        }
    }

    @Test func thousandForkJoinCyclesLeaveNoZombieAndNoDescriptor() throws {
        // In a copy of the test runner running only this test: exact counts,
        // and no other test's threads to hold a lock across these forks.
        try runIsolated(in: Self.self) {
            let descriptorsBefore = (try openDescriptorCount())
            for index in 0..<1_000 {
                let child = try ChildProcess.fork { Int32(index % 7) }
                #expect(try joined(child) == .exited(Int32(index % 7)))
            }
            #expect((try openDescriptorCount()) == descriptorsBefore)
            #expect(zombieChildren().isEmpty)
        }
    }
}

/// Joins `child`, or kills it and records an issue if it has not ended
/// within `limit`. A test must never block without bound: a child forked from
/// the multi-threaded test runner can, rarely, inherit a lock that another
/// thread held at the fork and block on it forever.
func joined(
    _ child: ChildProcess, within limit: Duration = .seconds(30),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> Multiprocessing.ExitStatus? {
    if let status = try child.join(timeout: limit) { return status }
    Issue.record(
        "child \(child.pid) (\(child.name)) did not end within \(limit); killed", sourceLocation: sourceLocation)
    child.kill()
    _ = try child.join(timeout: .seconds(10))
    return nil
}
