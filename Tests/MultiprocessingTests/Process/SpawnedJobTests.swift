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

import MultiprocessingPlatform
import MultiprocessingTestSupport
import Synchronization
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct SpawnSquare: Job {
    let value: Int
    func run() -> Int { value * value }
}

struct SpawnTestError: Error, Codable, Equatable {
    let reason: String
}

struct SpawnThrows: Job {
    func run() throws -> Int { throw SpawnTestError(reason: "thrown in the child") }
}

struct SpawnTraps: Job {
    let divisor: Int
    func run() -> Int {
        precondition(divisor != 0, "a deliberate trap in a spawned job")
        return 1 / divisor
    }
}

/// Sleeps until killed (or `seconds` pass), then reports its parent.
struct SpawnSleeps: Job {
    let seconds: Int
    func run() -> Int32 {
        var request = timespec(tv_sec: seconds, tv_nsec: 0)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
        return getppid()
    }
}

/// Leaves a mark that it ran.
struct SpawnAnnounces: Job {
    let marker: StartMarker
    func run() -> Int {
        marker.announce()
        return 0
    }
}

/// Its process's parent and name.
struct SpawnReportsItself: Job {
    func run() -> [String] {
        [String(getppid()), (try? readTextFile("/proc/self/comm"))?.trimmingCharacters(in: .newlines) ?? ""]
    }
}

@Suite("ChildProcess.spawn", .timeLimit(.minutes(1)))
struct SpawnedJobTests {
    @Test func joinReturnsTheOutput() throws {
        let job = try ChildProcess.spawn(SpawnSquare(value: 7))
        #expect(try job.join() == 49)
        #expect(try job.join() == 49, "joining again returns the same output")
        #expect(job.process.exitStatus == .exited(0))
        #expect(!ChildProcess.activeChildren.contains { $0 === job.process })
    }

    /// Dropping the `SpawnedJob` at once closes the socket before the process
    /// read its job: the job still runs (as a one-off process, not a pool worker).
    @Test func aJobDroppedAtOnceStillRuns() throws {
        let marker = StartMarker()
        defer { marker.remove() }
        _ = try ChildProcess.spawn(SpawnAnnounces(marker: marker))
        #expect(pollUntil(within: .seconds(20)) { marker.hasStarted })
    }

    @Test func theJobsOwnErrorArrivesAsItself() throws {
        let job = try ChildProcess.spawn(SpawnThrows())
        #expect(throws: SpawnTestError(reason: "thrown in the child")) { try job.join() }
    }

    @Test func aTrapIsACrashNamingTheSignal() throws {
        let job = try ChildProcess.spawn(SpawnTraps(divisor: 0))
        do {
            _ = try job.join()
            Issue.record("a trapping job returned")
        } catch let ChildProcessError.crashed(status) {
            #expect(status == .signaled(SIGILL) || status == .signaled(SIGTRAP))
        }
    }

    @Test func joinWithATimeoutReturnsNilWhileTheJobRuns() throws {
        let job = try ChildProcess.spawn(SpawnSleeps(seconds: 60), name: "sleeper")
        #expect(try job.join(timeout: .milliseconds(50)) == nil)
        #expect(ChildProcess.activeChildren.contains { $0 === job.process })
        job.kill()
        #expect(throws: ChildProcessError.crashed(status: .signaled(SIGKILL))) { try job.join() }
        #expect(!ChildProcess.activeChildren.contains { $0 === job.process })
    }

    @Test func theProcessHasItsNameAndThisParent() throws {
        let job = try ChildProcess.spawn(SpawnReportsItself(), name: "spawn-name-test")
        #expect(try job.join() == [String(ChildProcess.currentPID), "spawn-name-test"])
        #expect(job.process.name == "spawn-name-test")
        #expect(ChildProcess.parentPID == getppid())
    }

    /// Spawn is safe in a threaded program: eight threads allocate and take
    /// locks all the time while jobs are spawned and joined.
    @Test func spawnWorksWhileEightThreadsAreBusy() throws {
        try runIsolated(in: Self.self) {
            let stop = Atomic<Bool>(false)
            let lock = Multiprocessing.Lock()
            let busy = (0..<8).map { _ in
                TestThread {
                    var sink: [Int] = []
                    while !stop.load(ordering: .relaxed) {
                        lock.withLock { sink = Array(repeating: sink.count % 7, count: 64) }
                    }
                }
            }
            defer {
                stop.store(true, ordering: .relaxed)
                busy.forEach { $0.join() }
            }
            for value in 0..<10 {
                try check(try ChildProcess.spawn(SpawnSquare(value: value)).join() == value * value)
            }
            try checkThrows(SpawnTestError(reason: "thrown in the child")) {
                try ChildProcess.spawn(SpawnThrows()).join()
            }
        }
    }

    /// The parent-death signal is tied to the thread that started the child:
    /// children that die with their parent are started by the launcher
    /// thread, so the end of the thread that asked does not kill them.
    @Test func childrenTiedToTheirParentOutliveTheThreadThatStartedThem() throws {
        let started = ClientThread { () throws -> (SpawnedJob<Int32>, ChildProcess) in
            let spawned = try ChildProcess.spawn(SpawnSleeps(seconds: 60), diesWithParent: true)
            let forked = try ChildProcess.fork(diesWithParent: true) {
                pause()
                return 0
            }
            return (spawned, forked)
        }
        let (spawned, forked) = try started.value()  // the thread has ended
        #expect(try spawned.join(timeout: .milliseconds(300)) == nil, "still running")
        #expect(try forked.join(timeout: .milliseconds(10)) == nil, "still running")
        spawned.kill()
        forked.kill()
        _ = try? spawned.join()
        #expect(try forked.join() == .signaled(SIGKILL))
    }

    /// A parent killed with SIGKILL takes its tied children with it within a
    /// second; an untied one goes on. The parent is a copy of this test
    /// runner (running this test with `SMP_TIED_PARENT` set), which starts
    /// the children, prints their pids and waits to be killed.
    @Test func childrenTiedToTheirParentDieWithinASecondOfItsKill() throws {
        if getenv("SMP_TIED_PARENT") != nil {
            let spawned = try ChildProcess.spawn(SpawnSleeps(seconds: 60), diesWithParent: true)
            let forked = try ChildProcess.fork(diesWithParent: true) {
                pause()
                return 0
            }
            let untied = try ChildProcess.spawn(SpawnSleeps(seconds: 60))
            try FileDescriptor.standardOutput.writeAll("PIDS \(spawned.pid) \(forked.pid) \(untied.pid)\n".utf8)
            pause()
            return
        }
        let (readEnd, writeEnd) = try makeSocketPair()
        defer { closeDescriptor(readEnd) }
        let parent: (pid: pid_t, process: PIDDescriptor)
        do {
            defer { closeDescriptor(writeEnd) }
            parent = try spawnProgram(
                "/proc/self/exe",
                [
                    "--testing-library", "swift-testing", "--filter",
                    "SpawnedJobTests/childrenTiedToTheirParentDieWithinASecondOfItsKill",
                ],
                environment: ["SMP_TIED_PARENT=1"], descriptors: [1: writeEnd, 2: writeEnd])
        }
        defer {
            parent.process.killAndReap()
            parent.process.close()
        }
        let pids = try readPIDLine(from: readEnd)
        try #require(pids.count == 3)
        kill(parent.pid, SIGKILL)
        _ = try parent.process.reap(blocking: true)
        #expect(pollUntil(within: .seconds(1)) { isGone(pids[0]) && isGone(pids[1]) }, "tied children gone")
        #expect(
            !isGone(pids[2]),
            "the untied child goes on: \(String(describing: processState(pids[2]))) \((try? readTextFile("/proc/\(pids[2])/status")) ?? "no status")"
        )
        kill(pids[2], SIGKILL)
    }
}
