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

@Suite("Connection.wait", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ConnectionWaitTests {
    @Test func returnsTheReadySubsetInOrder() throws {
        try runIsolated(in: Self.self) {  // the closed end must not be copied by other tests' children
            let pipes = try (0..<5).map { _ in try Pipe().ends }
            try pipes[3].0.sendBytes([3])
            try pipes[1].0.send("one")
            pipes[4].0.close()  // end of stream is readable too
            let ready = try Connection.wait(pipes.map(\.1), timeout: .seconds(5))
            try check(ready.map(\.fileDescriptor) == [1, 3, 4].map { pipes[$0].1.fileDescriptor })
        }
    }

    @Test func reportsAChildThatEnds() throws {
        try runIsolated(in: Self.self) {  // forks: alone, so the child inherits no other test's locks
            let (idle, peer) = try Pipe().ends
            let release = try Gate()
            let child = try ChildProcess.fork {
                release.wait()
                return 7
            }
            let waiter = currentThreadID()
            let releaser = TestThread {
                _ = waitUntilBlocked(thread: waiter)
                release.open()
            }
            let ready = try withExtendedLifetime(peer) {  // an open peer: nothing to read
                try Connection.wait([idle], children: [child], timeout: .seconds(20))
            }
            releaser.join()
            try check(ready.connections.isEmpty && ready.children.map(\.pid) == [child.pid])
            try check(try child.join(timeout: .seconds(10)) == .exited(7), "the wait reaps nothing; join does")
            // An ended, joined child is still reported, at once.
            let again = try Connection.wait([], children: [child], timeout: .zero)
            try check(again.children.count == 1)
        }
    }

    @Test func reportsReadyConnectionsBesideRunningChildren() throws {
        try runIsolated(in: Self.self) {
            let (reader, writer) = try Pipe().ends
            let child = try ChildProcess.fork { while true { pause() } }
            defer {
                child.kill()
                _ = try? child.join(timeout: .seconds(10))
            }
            let start = ContinuousClock.now
            let none = try Connection.wait([reader], children: [child], timeout: .milliseconds(50))
            try check(none.connections.isEmpty && none.children.isEmpty)
            try check(ContinuousClock.now - start >= .milliseconds(50))
            try writer.send(1)
            let ready = try Connection.wait([reader], children: [child], timeout: .seconds(20))
            try check(ready.connections.map(\.fileDescriptor) == [reader.fileDescriptor] && ready.children.isEmpty)
            child.kill()
            let ended = try Connection.wait([], children: [child], timeout: .seconds(20))
            try check(ended.children.count == 1)
        }
    }

    @Test func timesOutWithNothingReady() throws {
        let pipes = try (0..<3).map { _ in try Pipe().ends }
        let clock = ContinuousClock()
        let start = clock.now
        let ready = try Connection.wait(pipes.map(\.1), timeout: .milliseconds(80))
        let waited = clock.now - start
        #expect(ready.isEmpty)
        #expect(waited >= .milliseconds(80))
        #expect(waited < .seconds(5))
        #expect(try Connection.wait(pipes.map(\.1), timeout: .zero).isEmpty)
    }

    @Test func negativeTimeoutsOnlyLook() throws {
        let (a, b) = try Pipe().ends
        #expect(try !a.poll(timeout: .milliseconds(-1)))
        #expect(try Connection.wait([a], timeout: .nanoseconds(-5)).isEmpty)
        try b.send(1)
        #expect(try a.poll(timeout: .seconds(-2)))
    }

    @Test func emptyListWaitsForTheTimeout() throws {
        let start = ContinuousClock.now
        #expect(try Connection.wait([], timeout: .milliseconds(30)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(30))
    }

    @Test func waitsForeverUntilAMessageArrives() throws {
        let (a, b) = try Pipe().ends
        let (c, d) = try Pipe().ends
        let waiter = currentThreadID()
        let sender = TestThread {
            #expect(waitUntilBlocked(thread: waiter), "the wait blocks")
            try? c.sendBytes([1, 2])
        }
        let ready = try Connection.wait([b, d], timeout: nil)
        sender.join()
        #expect(ready.count == 1 && ready.first === d)
        #expect(try d.receiveBytes() == [1, 2])
        _ = a
    }

    /// A message already read into a connection's buffer makes it ready even
    /// though its descriptor has nothing more to read.
    @Test func bufferedMessagesCountAsReady() throws {
        let (a, b) = try Pipe().ends
        let (c, d) = try Pipe().ends
        try a.sendBytes([1])
        try a.sendBytes([2])  // both arrive in the same read
        #expect(try b.receiveBytes() == [1])
        let ready = try Connection.wait([d, b], timeout: .seconds(5))
        #expect(ready.count == 1 && ready.first === b)
        #expect(try b.receiveBytes() == [2])
        _ = c
    }

    /// Part of a message in the buffer is not ready (no busy loop for a
    /// caller of `wait`); the descriptor announces the rest.
    @Test func aPartlyBufferedMessageIsNotReadyUntilItsRestArrives() throws {
        let (a, b) = try Pipe().ends
        try writeRaw(a.fileDescriptor, shortHeader(1) + [7] + shortHeader(10) + [0, 1, 2])
        #expect(try b.receiveBytes() == [7])
        #expect(try !b.poll())
        #expect(try Connection.wait([b], timeout: .milliseconds(20)).isEmpty)
        try writeRaw(a.fileDescriptor, Array(3..<10))
        #expect(try b.poll(timeout: .seconds(5)))
        #expect(try b.receiveBytes() == Array(0..<10))
    }

    @Test func sendOnlyEndsCannotBeWaitedFor() throws {
        let (_, sender) = try Pipe(duplex: false).ends
        #expect(throws: ConnectionError.notReadable) { try Connection.wait([sender], timeout: .zero) }
    }
}
