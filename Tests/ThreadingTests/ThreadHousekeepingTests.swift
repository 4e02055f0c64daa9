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

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` on a thread made with `pthread_create` directly, as code that
/// knows nothing of `PosixThread` would, and returns once that thread has
/// exited (its thread-local destructors included).
func runOnForeignThread(_ body: @escaping @Sendable () -> Void) {
    final class Context {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Context(body)).toOpaque()
    var handle = pthread_t()
    let rc = pthread_create(
        &handle, nil,
        { pointer in
            Unmanaged<Context>.fromOpaque(pointer!).takeRetainedValue().body()
            return nil
        }, context)
    precondition(rc == 0, "pthread_create failed: \(rc)")
    precondition(pthread_join(handle, nil) == 0)
}

/// The calling thread's id in the kernel, read from `/proc/thread-self`.
func kernelThreadID() -> Int32 {
    var buffer = [CChar](repeating: 0, count: 64)
    let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
    precondition(count > 0)
    let link = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Int32(link.split(separator: "/").last!)!  // "PID/task/TID"
}

@Suite("Threads: current, main, all, ident, nativeID", .timeLimit(.minutes(1)))
struct ThreadIdentityTests {
    @Test func currentInsideAThreadIsThatThread() throws {
        let seen = Recorder<Bool>()
        let ids = Recorder<(UInt?, Int32?)>()
        let thread = PosixThread(name: "me") {
            seen.append(PosixThread.current === PosixThread.current)
            ids.append((UInt(pthread_self()), kernelThreadID()))
        }
        #expect(thread.ident == nil && thread.nativeID == nil, "nothing before start")
        try thread.start()
        let nativeID = thread.nativeID
        thread.join()
        #expect(seen.elements == [true])
        #expect(ids.elements.count == 1)
        #expect(thread.ident == ids.elements.first?.0, "ident is the thread's pthread_t")
        #expect(nativeID == ids.elements.first?.1, "nativeID is the thread's kernel id")
        #expect(nativeID != getpid())
        #expect(thread.ident != nil, "ident stays after the end")
    }

    @Test func currentIsTheStartedObject() throws {
        let holder = Recorder<ObjectIdentifier>()
        let thread = PosixThread(name: "object") { holder.append(ObjectIdentifier(PosixThread.current)) }
        try thread.start()
        thread.join()
        #expect(holder.elements == [ObjectIdentifier(thread)])
    }

    @Test func theMainThread() {
        let main = PosixThread.main
        #expect(main.name == "MainThread")
        #expect(main.isAlive)
        #expect(main.nativeID == getpid())
        #expect(main.ident != nil)
        #expect(main === PosixThread.main)
        #expect(PosixThread.all.first === main, "the main thread is the oldest")
        #expect(throws: ThreadError.alreadyStarted(name: "MainThread")) { try main.start() }
        #expect(!main.join(timeout: .milliseconds(1)), "the main thread never ends while the process lives")
    }

    @Test func aForeignThreadGetsOneStandInWhileItLives() throws {
        let first = Recorder<PosixThread>()
        let again = Recorder<Bool>()
        let listed = Recorder<Bool>()
        let ids = Recorder<(UInt, Int32)>()
        runOnForeignThread {
            let current = PosixThread.current
            first.append(current)
            again.append(PosixThread.current === current)
            listed.append(PosixThread.all.contains { $0 === current })
            ids.append((UInt(pthread_self()), kernelThreadID()))
        }
        let standIn = try #require(first.elements.first)
        #expect(standIn.name.hasPrefix("Dummy-"))
        #expect(again.elements == [true] && listed.elements == [true])
        #expect(standIn.ident == ids.elements.first?.0 && standIn.nativeID == ids.elements.first?.1)
        #expect(standIn.isDaemon)
        #expect(!standIn.isAlive, "the stand-in ends with its thread")
        #expect(!PosixThread.all.contains { $0 === standIn })
        standIn.join()  // returns at once: its thread is gone
        #expect(throws: ThreadError.self) { try standIn.start() }
    }

    @Test func joiningAStandInWaitsForItsThread() throws {
        let standIn = Recorder<PosixThread>()
        let release = Event()
        let joined = Event()
        let foreign = try Bunch(1) {
            runOnForeignThread {
                standIn.append(PosixThread.current)
                release.wait()
            }
        }
        #expect(eventually { !standIn.elements.isEmpty })
        let thread = standIn.elements[0]
        let joiner = try Bunch(1) {
            thread.join()
            joined.set()
        }
        #expect(!joined.wait(timeout: settle), "the foreign thread is still running")
        release.set()
        #expect(joiner.finish() && foreign.finish())
        #expect(joined.isSet)
    }

    @Test func allListsStartedThreadsUntilTheyEnd() throws {
        let release = Event()
        let threads = try startThreads(3, name: "listed") { _ in release.wait() }
        let all = PosixThread.all
        for thread in threads { #expect(all.contains { $0 === thread }) }
        #expect(PosixThread.activeCount >= 4)
        release.set()
        for thread in threads { thread.join() }
        let after = PosixThread.all
        for thread in threads { #expect(!after.contains { $0 === thread }) }
    }
}

@Suite("Threads: errors and daemons", .timeLimit(.minutes(1)), .serialized)
struct ThreadErrorAndDaemonTests {
    @Test func anErrorThrownByTheBodyIsKeptAndReported() throws {
        let reported = Recorder<String>()
        let previous = PosixThread.uncaughtErrorHandler
        PosixThread.uncaughtErrorHandler = { thread, error in reported.append("\(thread.name): \(error)") }
        defer { PosixThread.uncaughtErrorHandler = previous }
        let thread = PosixThread(name: "thrower") { throw Boom(code: 7) }
        try thread.start()
        thread.join()
        #expect(thread.error as? Boom == Boom(code: 7))
        #expect(reported.elements == ["thrower: \(Boom(code: 7))"])
        #expect(!thread.isAlive)
        let fine = PosixThread(name: "fine") {}
        try fine.start()
        fine.join()
        #expect(fine.error == nil)
    }

    @Test func aSubclassRunMayThrowToo() throws {
        final class Failing: PosixThread, @unchecked Sendable {
            override func run() throws { throw Boom(code: 8) }
        }
        let previous = PosixThread.uncaughtErrorHandler
        PosixThread.uncaughtErrorHandler = { _, _ in }
        defer { PosixThread.uncaughtErrorHandler = previous }
        let thread = Failing(name: "failing")
        try thread.start()
        thread.join()
        #expect(thread.error as? Boom == Boom(code: 8))
    }

    @Test func theDefaultHandlerPrintsToStandardError() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let thread = PosixThread(name: "noisy") { throw Boom(code: 5) }
            try thread.start()
            thread.join()
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("Error in thread noisy: \(Boom(code: 5))"), "\(text)")
    }

    @Test func threadsAreDaemonsByDefaultAndTheProcessDoesNotWaitForThem() async {
        await #expect(processExitsWith: .success) {
            let thread = PosixThread(name: "daemon") {
                Event().wait()  // never ends
            }
            #expect(thread.isDaemon)
            try thread.start()
        }
    }

    /// The non-daemon thread decides the exit code: only if the process waits for it.
    @Test func aNonDaemonThreadIsJoinedAtExit() async {
        await #expect(processExitsWith: .exitCode(42)) {
            let thread = PosixThread(name: "worker") {
                _ = Event().wait(timeout: .milliseconds(100))
                _exit(42)
            }
            thread.isDaemon = false
            try thread.start()
        }
    }

    @Test func changingDaemonAfterStartTraps() async {
        await #expect(processExitsWith: .failure) {
            let thread = PosixThread(name: "late") { Event().wait() }
            try thread.start()
            thread.isDaemon = false
        }
    }

    @Test func aTrapInAThreadEndsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let thread = PosixThread(name: "trapping") { preconditionFailure("deliberate") }
            try thread.start()
            thread.join()
        }
    }
}

/// Counts the instances of itself that are alive.
final class Tracked: Sendable {
    static let alive = Counter()
    let value: Int
    init(_ value: Int) {
        self.value = value
        Tracked.alive.increment()
    }
    deinit { Tracked.alive.increment(by: -1) }
}

@Suite("ThreadLocal", .timeLimit(.minutes(1)), .serialized)
struct ThreadLocalTests {
    @Test func eachThreadHasItsOwnValue() throws {
        let local = ThreadLocal { 0 }
        local.value = 1
        let seen = Recorder<(Int, Int)>()
        let threads = try startThreads(4, name: "local") { index in
            let initial = local.value
            local.value = index * 10
            seen.append((initial, local.value))
        }
        for thread in threads { thread.join() }
        #expect(seen.elements.map(\.0) == [0, 0, 0, 0], "every thread starts from makeInitial")
        #expect(seen.elements.map(\.1).sorted() == [0, 10, 20, 30])
        #expect(local.value == 1, "no thread changed this one's value")
    }

    @Test func valuesAreReleasedWhenTheirThreadExits() throws {
        let before = Tracked.alive.value
        let local = ThreadLocal { Tracked(0) }
        let threads = try startThreads(3, name: "tracked") { index in local.value = Tracked(index) }
        for thread in threads { thread.join() }
        #expect(Tracked.alive.value == before, "each thread's value went with it")
        runOnForeignThread { _ = local.value }
        #expect(Tracked.alive.value == before, "also on a thread PosixThread did not start")
    }

    @Test func valuesAreReleasedWithTheLocal() throws {
        let before = Tracked.alive.value
        let release = Event()
        let set = Event()
        var local: ThreadLocal<Tracked>? = ThreadLocal { Tracked(0) }
        let holder = try Bunch(1) { [weak local] in
            local?.value = Tracked(1)
            set.set()
            release.wait()
        }
        set.wait()
        _ = local!.value  // this thread's copy too
        #expect(Tracked.alive.value == before + 2)
        local = nil
        #expect(Tracked.alive.value == before, "both copies went with the local, the thread still runs")
        release.set()
        #expect(holder.finish())
    }

    @Test func manyLocalsComeAndGoWithoutLeaking() throws {
        let before = Tracked.alive.value
        for index in 0..<2000 {
            let local = ThreadLocal { Tracked(index) }
            _ = local.value
        }
        #expect(Tracked.alive.value == before)
    }

    @Test func aPoolInitializerPreparesEachThread() async throws {
        let local = ThreadLocal { "unset" }
        let pool = ThreadPool(threads: 2, namePrefix: "prepared") { local.value = PosixThread.currentSystemName }
        let names = try await pool.map((0..<20).map { _ in ClosureJob { local.value } })
        #expect(Set(names).isSubset(of: ["prepared-1", "prepared-2"]))
        await pool.shutdown()
    }
}

@Suite("ThreadTimer", .timeLimit(.minutes(1)))
struct ThreadTimerTests {
    @Test func firesOnceAfterItsDelay() throws {
        let fired = Counter()
        let timer = ThreadTimer(after: .milliseconds(50)) { fired.increment() }
        let took = try measure {
            try timer.start()
            timer.join()
        }
        #expect(fired.value == 1)
        #expect(took >= .milliseconds(45) && took < prompt)
        #expect(!timer.cancel(), "cancelling after it fired changes nothing")
        #expect(fired.value == 1)
        #expect(throws: ThreadError.self) { try timer.start() }
    }

    @Test func cancelledBeforeItFiresItNeverRuns() throws {
        let fired = Counter()
        let timer = ThreadTimer(after: .seconds(30)) { fired.increment() }
        let took = try measure {
            try timer.start()
            #expect(timer.cancel())
            #expect(timer.join(timeout: prompt), "cancelling wakes the timer's thread")
        }
        #expect(fired.value == 0)
        #expect(took < prompt)
    }

    @Test func cancelledBeforeStartItNeverRuns() throws {
        let fired = Counter()
        let timer = ThreadTimer(after: .zero, name: "early") { fired.increment() }
        #expect(timer.cancel())
        try timer.start()
        timer.join()
        #expect(fired.value == 0)
        #expect(timer.thread.name == "early")
    }

    @Test func aCancelRacingTheFiringDecidesOnce() throws {
        for _ in 0..<200 {
            let fired = Counter()
            let timer = ThreadTimer(after: .zero) { fired.increment() }
            try timer.start()
            let cancelled = timer.cancel()
            timer.join()
            #expect(fired.value == (cancelled ? 0 : 1))
        }
    }
}
