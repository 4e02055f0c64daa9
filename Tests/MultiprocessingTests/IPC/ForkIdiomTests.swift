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

/// Item 5: the natural idiom works as written. The parent creates a pipe,
/// forks a child that reads until end of stream, sends, closes its end and
/// joins; the child needs no descriptor juggling to see end of stream.
///
/// Each test runs alone in a fresh test runner (`runIsolated`), so that no
/// child forked by a test running in parallel holds a copy of the ends.
@Suite("Pipe across fork", .onItsOwnThread, .timeLimit(.minutes(1)))
struct ForkIdiomTests {
    /// Joins `child`, killing it if it is still running after 20 s (a hang).
    private static func join(_ child: ChildProcess) throws -> Multiprocessing.ExitStatus? {
        if let status = try child.join(timeout: .seconds(20)) { return status }
        child.kill()
        _ = try child.join()
        return nil
    }

    /// A child that sums integers until end of stream and exits with 0 if it got all of them.
    private static func forkSummingReader(_ end: Connection, expecting count: Int) throws -> ChildProcess {
        try ChildProcess.fork(name: "reader") {
            var received = 0
            var sum = 0
            while true {
                do {
                    sum += try end.receive(Int.self)
                    received += 1
                } catch ConnectionError.endOfStream {
                    break
                }
            }
            return received == count && sum == count * (count - 1) / 2 ? 0 : 3
        }
    }

    @Test func childReadsUntilTheParentCloses() throws {
        try runIsolated(in: Self.self) {
            for duplex in [true, false] {
                let count = 1000
                // Duplex: the parent sends on .0, the child reads .1.
                // One-way: .1 sends (parent), .0 receives (child).
                let (first, second) = try Pipe(duplex: duplex).ends
                let (parentEnd, childEnd) = duplex ? (first, second) : (second, first)
                let child = try Self.forkSummingReader(childEnd, expecting: count)
                for value in 0..<count { try parentEnd.send(value) }
                parentEnd.close()
                try check(try Self.join(child) == .exited(0), "the child did not see end of stream (or lost messages)")
            }
        }
    }

    /// In the child, the first use of its end closes its copy of the parent's
    /// end; in the parent nothing is closed.
    @Test func firstUseInTheChildClosesOnlyTheChildsCopyOfTheSibling() throws {
        try runIsolated(in: Self.self) {
            let (parentEnd, childEnd) = try Pipe().ends
            let child = try ChildProcess.fork(name: "checker") {
                guard !parentEnd.isClosed else { return 4 }  // nothing happens before a use
                let value = try childEnd.receive(Int.self)
                guard parentEnd.isClosed else { return 5 }  // closed by the first use
                try childEnd.send(value + 1)
                return 0
            }
            try parentEnd.send(41)
            try check(try parentEnd.receive(Int.self) == 42)
            try check(!parentEnd.isClosed && !childEnd.isClosed)
            try check(try Self.join(child) == .exited(0))
        }
    }

    /// The mirror rule: a parent that reads until end of stream closes its copy
    /// of the child's end after starting the child.
    @Test func parentReadsUntilTheChildExits() throws {
        try runIsolated(in: Self.self) {
            let (parentEnd, childEnd) = try Pipe().ends
            let child = try ChildProcess.fork(name: "writer") {
                for value in 0..<500 { try childEnd.send(value) }
                return 0
            }
            childEnd.close()
            var received: [Int] = []
            while true {
                do {
                    received.append(try parentEnd.receive(Int.self))
                } catch ConnectionError.endOfStream {
                    break
                }
            }
            try check(received == Array(0..<500))
            try check(try Self.join(child) == .exited(0))
        }
    }

    /// Several children, each with its own pipe made just before its fork.
    /// A child inherits copies of the parent's ends of the pipes made
    /// *earlier*, which it never uses; so child k's end of stream waits for
    /// the later children to exit — a chain that ends once the parent has
    /// closed all its ends, never a cycle (see Pipe's DocC).
    @Test func severalChildrenEachWithItsOwnPipe() throws {
        try runIsolated(in: Self.self) {
            var parentEnds: [Connection] = []
            var children: [ChildProcess] = []
            for _ in 0..<4 {
                let (parentEnd, childEnd) = try Pipe().ends
                children.append(try Self.forkSummingReader(childEnd, expecting: 100))
                childEnd.close()
                parentEnds.append(parentEnd)
            }
            for parentEnd in parentEnds {
                for value in 0..<100 { try parentEnd.send(value) }
                parentEnd.close()
            }
            for child in children {
                try check(try Self.join(child) == .exited(0))
            }
        }
    }

    /// A child killed mid-stream: the parent's receive ends with a typed error
    /// and its sends fail with `peerClosed`, never `SIGPIPE`.
    @Test func aDeadChildIsATypedErrorForTheParent() throws {
        try runIsolated(in: Self.self) {
            let (parentEnd, childEnd) = try Pipe().ends
            let child = try ChildProcess.fork(name: "dies") {
                try childEnd.sendBytes([1, 2, 3])
                _exit(9)
            }
            childEnd.close()
            try check(try parentEnd.receiveBytes() == [1, 2, 3])
            try checkThrows(.endOfStream) { try parentEnd.receiveBytes() }
            try check(try Self.join(child) == .exited(9))
            try checkThrows(.peerClosed) { try parentEnd.sendBytes([UInt8](repeating: 0, count: 1 << 20)) }
        }
    }
}
