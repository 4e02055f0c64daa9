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

@testable import Threading

/// A subclass that overrides `run`, as in Python's `class T(Thread): def run(self)`.
final class SummingThread: PosixThread, @unchecked Sendable {
    let upTo: Int
    private(set) var sum = 0  // read only after join()
    init(upTo: Int) {
        self.upTo = upTo
        super.init(name: "summer")
    }
    override func run() {
        for i in 1...upTo { sum += i }
    }
}

@Suite("PosixThread", .onItsOwnThread, .timeLimit(.minutes(1)))
struct PosixThreadTests {
    @Test func closureRunsOnAnotherThreadAndJoinWaits() throws {
        let ran = Counter()
        let thread = PosixThread(name: "closure") { ran.increment() }
        #expect(!thread.isAlive)
        try thread.start()
        thread.join()
        #expect(ran.value == 1)
        #expect(!thread.isAlive)
        thread.join()  // joining again is fine
    }

    @Test func subclassOverridingRunComputesOnItsThread() throws {
        let thread = SummingThread(upTo: 100)
        try thread.start()
        thread.join()
        #expect(thread.sum == 5050)
    }

    @Test func startingTwiceThrows() throws {
        let thread = PosixThread(name: "twice") {}
        try thread.start()
        #expect(throws: ThreadError.alreadyStarted(name: "twice")) { try thread.start() }
        thread.join()
        #expect(throws: ThreadError.alreadyStarted(name: "twice")) { try thread.start() }
    }

    @Test func nameIsVisibleToTheSystemAndCutTo15Bytes() throws {
        let seen = Recorder<String>()
        let short = PosixThread(name: "worker-7") { seen.append(PosixThread.currentSystemName) }
        let long = PosixThread(name: "a-rather-long-thread-name") { seen.append(PosixThread.currentSystemName) }
        try short.start()
        short.join()
        try long.start()
        long.join()
        #expect(seen.elements == ["worker-7", "a-rather-long-t"])
        #expect(long.name == "a-rather-long-thread-name")
    }

    @Test func multibyteNameIsCutOnACharacterBoundary() throws {
        let seen = Recorder<String>()
        let name = "ééééééééé"  // 18 bytes; 15 would split a character
        let thread = PosixThread(name: name) { seen.append(PosixThread.currentSystemName) }
        try thread.start()
        thread.join()
        #expect(seen.elements == ["ééééééé"])
    }

    @Test func defaultNamesAreNumbered() {
        let a = PosixThread {}
        let b = PosixThread {}
        #expect(a.name.hasPrefix("Thread-"))
        #expect(b.name.hasPrefix("Thread-"))
        #expect(a.name != b.name)
    }

    @Test func timedJoinReturnsFalseWhileRunningAndTrueAfter() throws {
        let release = Event()
        let thread = PosixThread(name: "slow") { release.wait() }
        try thread.start()
        #expect(thread.isAlive)
        let took = measure { #expect(!thread.join(timeout: .milliseconds(50))) }
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(thread.isAlive)
        release.set()
        #expect(thread.join(timeout: .seconds(10)))
        #expect(!thread.isAlive)
    }

    @Test func timedJoinWakesAsSoonAsTheThreadEnds() throws {
        let thread = PosixThread(name: "quick") { usleepMilliseconds(20) }
        try thread.start()
        let took = measure { #expect(thread.join(timeout: .seconds(30))) }
        #expect(took < prompt, "join(timeout:) must return when the thread ends, not at the timeout")
    }

    @Test func manyConcurrentJoinersAllReturn() throws {
        let release = Event()
        let target = PosixThread(name: "target") { release.wait() }
        try target.start()
        let joined = Counter()
        let joiners = try startThreads(4, name: "joiner") { _ in
            target.join()
            joined.increment()
        }
        release.set()
        for joiner in joiners { joiner.join() }
        #expect(joined.value == 4)
    }

    @Test func unjoinedThreadsDoNotLeak() throws {
        // Threads that are never joined are detached when they and their
        // object go away: thousands must not exhaust the system.
        let done = Counter()
        for _ in 0..<2000 {
            try PosixThread(name: "fire") { done.increment() }.start()
        }
        #expect(eventually { done.value == 2000 })
    }

    @Test func joiningAThreadNeverStartedTraps() async {
        await #expect(processExitsWith: .failure) {
            PosixThread(name: "never") {}.join()
        }
    }
}

@Suite("PosixThread regressions", .onItsOwnThread, .timeLimit(.minutes(1)))
struct PosixThreadRegressionTests {
    /// An object that owns its thread, whose body captures the object.
    final class Owner: @unchecked Sendable {
        var thread: PosixThread?
        let ran = Counter()
    }

    /// Python drops a thread's target when `run()` returns; so must we, or an
    /// object that owns its thread and is captured by the body is never freed.
    @Test func aFinishedThreadReleasesItsBody() throws {
        weak var weakOwner: Owner?
        do {
            let owner = Owner()
            owner.thread = PosixThread(name: "owned") { owner.ran.increment() }
            try owner.thread?.start()
            owner.thread?.join()
            #expect(owner.ran.value == 1)
            weakOwner = owner
        }
        #expect(weakOwner == nil, "the finished thread still holds its body, and with it its owner")
    }
}
