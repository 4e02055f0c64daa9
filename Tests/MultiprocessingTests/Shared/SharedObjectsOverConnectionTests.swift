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

@Suite("Shared objects over a connection", .timeLimit(.minutes(1)))
struct SharedObjectsOverConnectionTests {
    /// Issue 11 item 2: every shared object type, sent in one message over a
    /// `Pipe` to a forked child that existed before the objects did (so
    /// they reach it only as descriptors), is the same object there.
    @Test func everySharedObjectTypeReachesAForkedChild() throws {
        try runIsolated(in: Self.self) {
            let (parentEnd, childEnd) = try Pipe().ends
            let child = try ChildProcess.fork {
                let bundle = try childEnd.receive(SharedObjectBundle.self)
                try childEnd.send(try bundle.touch())
                return 0
            }
            let bundle = try SharedObjectBundle.make()
            let barrierWaiter = try bundle.prepare()
            try parentEnd.send(bundle)
            let report = try parentEnd.receive(TouchReport.self)
            try bundle.verify(report, barrierWaiter: barrierWaiter)
            try check(try joinChild(child) == .exited(0))
        }
    }

    /// The child sends back objects it made: they outlive it in the parent.
    @Test func objectsMadeInAForkedChildOutliveIt() throws {
        try runIsolated(in: Self.self) {
            let (parentEnd, childEnd) = try Pipe().ends
            let child = try ChildProcess.fork {
                let counter = try SharedValue(41)
                let queue = try ProcessQueue<String>()
                try queue.put("from the child")
                try childEnd.send(counter)
                try childEnd.send(queue)
                return 0
            }
            let counter = try parentEnd.receive(SharedValue<Int>.self)
            let queue = try parentEnd.receive(ProcessQueue<String>.self)
            try check(try joinChild(child) == .exited(0))
            try check(counter.add(1) == 42)
            try check(try queue.get(timeout: .seconds(5)) == "from the child")
        }
    }
}
