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

// Uses every name of API.md (the public API contract, at the root of the
// repository) the way a user would, through `import Multiprocessing` (no @testable): argument
// labels, `throws` or not, return types (spelled out as annotations) and
// default arguments (left out) as API.md writes them, and the behaviour its
// comments state. A signature that drifts from API.md breaks this file's build.
//
// `ExitStatus` is spelled `Multiprocessing.ExitStatus` here: Swift Testing
// has its own `ExitStatus`. Glibc is imported for `pid_t`, signal numbers and
// `getpid()`, as a user's file would: Multiprocessing does not re-export it.
// Subclasses of `PosixThread` restate `@unchecked Sendable` (without it Swift 6
// warns "must restate inherited '@unchecked Sendable' conformance").

// MARK: - Jobs (file scope: spawned workers find them by their mangled names)

struct APISquare: Job {
    var x: Int
    func run() -> Int { x * x }
}

enum APICodableError: Error, Codable, Equatable {
    case bad(Int)
}

/// `run() throws -> Output`, as the protocol declares it.
struct APIThrowsCodable: Job {
    var code: Int
    func run() throws -> Int { throw APICodableError.bad(code) }
}

struct APIPlainError: Error, CustomStringConvertible {
    var description: String { "plain failure 42" }
}

struct APIThrowsPlain: Job {
    func run() throws -> String { throw APIPlainError() }
}

struct APIWorkerPID: Job {
    func run() -> Int32 { getpid() }
}

struct APISleep: Job {
    var milliseconds: Int
    func run() -> Int {
        takeTime(milliseconds: milliseconds)
        return milliseconds
    }
}

struct APIForever: Job {
    func run() -> Int {
        while true { pause() }
    }
}

struct APIExit: Job {
    var code: Int32
    func run() -> Int { exit(code) }
}

/// The thread a job runs on.
struct APIThreadID: Job {
    func run() -> UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }
}

let apiInitializerVariable = "API_CONFORMANCE_INITIALIZER_RAN"

/// A pool initializer: marks the worker's environment.
struct APIMarkWorker: Job {
    func run() -> Int { Int(setenv(apiInitializerVariable, "yes", 1)) }
}

struct APIReadMark: Job {
    func run() -> String { getenv(apiInitializerVariable).map { String(cString: $0) } ?? "unset" }
}

struct APIRecord: Codable, Equatable, Sendable {
    var id: Int
    var tags: [String]
}

// MARK: - Helpers

/// A value shared between threads, guarded by the package's own `Lock`.
final class APIBox<Value: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// Runs `body` on a new `PosixThread` and expects it to finish within 10 s.
func apiRunOnThread(_ body: @escaping @Sendable () -> Void) throws {
    let thread = PosixThread(body: body)
    try thread.start()
    #expect(thread.join(timeout: .seconds(10)))
}

/// A subclass that overrides `run()` (API.md: "override, or pass `body`").
final class APISumThread: PosixThread, @unchecked Sendable {
    let upTo: Int
    private(set) var sum = 0
    init(upTo: Int) {
        self.upTo = upTo
        super.init(name: "api-sum")
    }
    override func run() { sum = (1...upTo).reduce(0, +) }
}

/// A subclass using the name-less `init(name: String? = nil)`.
final class APIUnnamedThread: PosixThread, @unchecked Sendable {
    private(set) var ran = false
    init() { super.init() }
    override func run() { ran = true }
}

func apiRequireSendable<T: Sendable>(_ value: T) -> T { value }

/// What API.md promises of every `JobExecutor`, so one generic function serves all three.
func apiExercise(_ executor: some JobExecutor) async throws {
    let future: JobFuture<Int> = try executor.submit(APISquare(x: 3))
    let nine: Int = try blockingWait(future, timeout: .seconds(30))
    #expect(nine == 9)
    let sixteen: Int = try await executor.run(APISquare(x: 4))
    #expect(sixteen == 16)
    let squares: [Int] = try await executor.map((1...12).map { APISquare(x: $0) })
    #expect(squares == (1...12).map { $0 * $0 })
    let stream: AsyncThrowingStream<(index: Int, output: Int), any Error> =
        executor.mapUnordered((0..<8).map { APISquare(x: $0) })
    var byIndex: [Int: Int] = [:]
    for try await item in stream { byIndex[item.index] = item.output }
    #expect(byIndex == Dictionary(uniqueKeysWithValues: (0..<8).map { ($0, $0 * $0) }))
    #expect(throws: APICodableError.bad(5)) {
        try executor.submit(APIThrowsCodable(code: 5)).wait(timeout: .seconds(30))
    }
    await executor.shutdown()
    #expect(throws: (any Error).self) { try executor.submit(APISquare(x: 1)) }
}

// MARK: - Threading

@Suite("API conformance: Threading and IPC", .timeLimit(.minutes(1)))
struct APIConformanceTests {
    /// The contract this file checks is the repository's `API.md`.
    @Test func theContractIsInTheRepository() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let contract = try readTextFile("/\(root)/API.md") ?? ""
        for name in [
            "public final class ChildProcess", "public final class Connection",
            "public final class ProcessPool: JobExecutor",
            "public enum ExitStatus", "public struct Pipe", "public protocol Job",
        ] {
            #expect(contract.contains(name), "API.md names \(name)")
        }
    }

    // MARK: Job / JobFuture

    @Test func jobRunsDirectly() throws {
        let output: APISquare.Output = APISquare(x: 7).run()
        #expect(output == 49)
        #expect(throws: APICodableError.bad(1)) { try APIThrowsCodable(code: 1).run() }
    }

    @Test func jobFutureWaitTimeoutCancelAndValue() async throws {
        let pool = ThreadPool(threads: 1)
        let gate = Event()
        let blocker: JobFuture<Int> = pool.submit { gate.wait(timeout: .seconds(20)) ? 1 : 0 }
        #expect(apiRequireSendable(blocker) === blocker)

        // wait(timeout:) throws a timeout error; the job goes on.
        #expect(throws: JobError.waitTimedOut(.milliseconds(20))) { try blocker.wait(timeout: .milliseconds(20)) }
        let done: Bool = blocker.isDone
        #expect(!done)

        // cancel() of a queued job: it never runs.
        let ran = Event()
        let queued: JobFuture<Int> = pool.submit {
            ran.set()
            return 2
        }
        queued.cancel()
        #expect(queued.isDone)

        gate.set()
        let one: Int = try blockingWait(blocker, timeout: .seconds(10))
        #expect(one == 1)
        #expect(throws: JobError.cancelled) { try queued.wait(timeout: .seconds(10)) }
        await #expect(throws: (any Error).self) { try await queued.value }

        let later: JobFuture<Int> = pool.submit { 3 }
        let three: Int = try await later.value
        #expect(three == 3)
        #expect(try blockingWait(later) == 3)  // finished: returns at once
        #expect(!ran.isSet)  // one FIFO thread: the cancelled job would have run before `later`
        await pool.shutdown()
    }

    // MARK: PosixThread

    @Test func posixThreadWithBody() throws {
        let gate = Event()
        let thread = PosixThread(name: "api-worker") { _ = gate.wait(timeout: .seconds(20)) }
        let name: String = thread.name
        #expect(name == "api-worker")
        #expect(!thread.isAlive)
        try thread.start()
        #expect(thread.isAlive)
        let finishedEarly: Bool = thread.join(timeout: .milliseconds(20))
        #expect(!finishedEarly)
        gate.set()
        #expect(thread.join(timeout: .seconds(10)))
        #expect(!thread.isAlive)
        thread.join()  // finished: returns at once
        #expect(throws: (any Error).self) { try thread.start() }  // a second start() throws
    }

    @Test func posixThreadDefaultNameAndSubclasses() throws {
        let unnamed = PosixThread {}
        #expect(!unnamed.name.isEmpty)
        try unnamed.start()
        #expect(unnamed.join(timeout: .seconds(10)))

        let summer = APISumThread(upTo: 100)
        #expect(summer.name == "api-sum")
        try summer.start()
        #expect(summer.join(timeout: .seconds(10)))
        #expect(summer.sum == 5050)

        let plain = APIUnnamedThread()
        try plain.start()
        #expect(plain.join(timeout: .seconds(10)))
        #expect(plain.ran)
        #expect(!plain.name.isEmpty)
    }

    // MARK: Locks

    @Test func lock() throws {
        let lock = Lock()
        lock.lock()
        let fromOtherThread = APIBox<[Bool]>([])
        try apiRunOnThread {
            let tried: Bool = lock.tryLock()
            let timed: Bool = lock.lock(timeout: .milliseconds(10))
            fromOtherThread.value = [tried, timed]
        }
        #expect(fromOtherThread.value == [false, false])
        lock.unlock()

        let got: Bool = lock.tryLock()
        #expect(got)
        lock.unlock()
        let timed: Bool = lock.lock(timeout: .seconds(1))
        #expect(timed)
        lock.unlock()
        let five: Int = lock.withLock { 5 }
        #expect(five == 5)
        #expect(throws: APICodableError.bad(2)) { try lock.withLock { throw APICodableError.bad(2) } }
        #expect(lock.tryLock())  // withLock released it, even when the body threw
        lock.unlock()
    }

    @Test func recursiveLock() throws {
        let lock = RecursiveLock()
        lock.lock()
        lock.lock()  // re-entrant by its owner
        let again: Bool = lock.tryLock()
        #expect(again)
        let timed: Bool = lock.lock(timeout: .milliseconds(10))
        #expect(timed)
        let otherWhileHeld = APIBox(true)
        try apiRunOnThread {
            otherWhileHeld.value = lock.tryLock() || lock.lock(timeout: .milliseconds(10))
        }
        #expect(!otherWhileHeld.value)
        for _ in 0..<4 { lock.unlock() }
        let otherAfter = APIBox(false)
        try apiRunOnThread {
            otherAfter.value = lock.tryLock()
            if otherAfter.value { lock.unlock() }
        }
        #expect(otherAfter.value)
        let nested: Int = lock.withLock { lock.withLock { 11 } }
        #expect(nested == 11)
    }

    // MARK: Condition

    @Test func condition() throws {
        let condition = Condition(lock: Lock())
        let timedOut: Bool = condition.withLock { condition.wait(timeout: .milliseconds(10)) }
        #expect(!timedOut)

        // wait(timeout:until:) woken by notify(count:)
        let ready = APIBox(false)
        let sawReady = APIBox(false)
        let waiter = PosixThread {
            sawReady.value = condition.withLock { condition.wait(timeout: .seconds(10), until: { ready.value }) }
        }
        try waiter.start()
        condition.withLock {
            ready.value = true
            condition.notify(count: 1)
        }
        #expect(waiter.join(timeout: .seconds(10)))
        #expect(sawReady.value)

        // wait() in a loop, woken by notifyAll()
        let go = APIBox(false)
        let woken = APIBox(0)
        let waiters = (0..<2).map { _ in
            PosixThread {
                condition.withLock { while !go.value { condition.wait() } }
                woken.update { $0 += 1 }
            }
        }
        for thread in waiters { try thread.start() }
        condition.withLock {
            go.value = true
            condition.notifyAll()
        }
        for thread in waiters { #expect(thread.join(timeout: .seconds(10))) }
        #expect(woken.value == 2)

        // A predicate already true does not wait; one never true times out.
        let immediate: Bool = condition.withLock { condition.wait(timeout: .seconds(10), until: { true }) }
        #expect(immediate)
        let never: Bool = condition.withLock { condition.wait(timeout: .milliseconds(10), until: { false }) }
        #expect(!never)
        let trailing: Bool = condition.withLock { condition.wait(timeout: .milliseconds(10)) { ready.value } }
        #expect(trailing)

        // On a RecursiveLock (Python's default).
        let recursive = Condition(lock: RecursiveLock())
        let value: Int = recursive.withLock { recursive.withLock { recursive.wait(timeout: .milliseconds(5)) ? 1 : 2 } }
        #expect(value == 2)
    }

    // MARK: Semaphores

    @Test func semaphore() throws {
        let semaphore = Semaphore(value: 1)
        let first: Bool = semaphore.tryAcquire()
        #expect(first)
        #expect(!semaphore.tryAcquire())
        let timed: Bool = semaphore.acquire(timeout: .milliseconds(1))
        #expect(!timed)
        semaphore.release()
        semaphore.acquire()  // a permit is free: returns at once

        let acquired = APIBox(false)
        let blocked = PosixThread {
            semaphore.acquire()
            acquired.value = true
            semaphore.release()
        }
        try blocked.start()
        #expect(!blocked.join(timeout: .milliseconds(20)))
        #expect(!acquired.value)
        semaphore.release()
        #expect(blocked.join(timeout: .seconds(10)))
        #expect(acquired.value)

        let inside: Int = semaphore.withPermit { 8 }
        #expect(inside == 8)
        #expect(semaphore.tryAcquire())  // withPermit gave the permit back
        semaphore.release()
    }

    @Test func boundedSemaphore() throws {
        let semaphore = BoundedSemaphore(value: 2)
        semaphore.acquire()
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.acquire(timeout: .milliseconds(1)))
        try semaphore.release()
        try semaphore.release()
        // release() past the initial value throws
        #expect(throws: (any Error).self) { try semaphore.release() }
        // ... and leaves the value unchanged: still exactly two permits.
        #expect(semaphore.tryAcquire())
        #expect(semaphore.tryAcquire())
        #expect(!semaphore.tryAcquire())
        try semaphore.release()
        try semaphore.release()
        let inside: String = semaphore.withPermit { "ok" }
        #expect(inside == "ok")
    }

    // MARK: Event

    @Test func event() throws {
        let event = Event()
        let isSet: Bool = event.isSet
        #expect(!isSet)
        let timed: Bool = event.wait(timeout: .milliseconds(5))
        #expect(!timed)

        let passed = APIBox(false)
        let waiter = PosixThread {
            event.wait()
            passed.value = true
        }
        try waiter.start()
        event.set()
        #expect(waiter.join(timeout: .seconds(10)))
        #expect(passed.value)
        #expect(event.isSet)
        event.wait()  // set: returns at once
        #expect(event.wait(timeout: .zero))
        event.clear()
        #expect(!event.isSet)
        #expect(!event.wait(timeout: .milliseconds(5)))
    }

    // MARK: Barrier

    @Test func barrierIndexes() throws {
        let barrier = Barrier(parties: 3)
        let indexes = APIBox<[Int]>([])
        let parties = (0..<3).map { _ in
            PosixThread {
                do {
                    let index: Int = try barrier.wait()
                    indexes.update { $0.append(index) }
                } catch {
                    indexes.update { $0.append(-1) }
                }
            }
        }
        for thread in parties { try thread.start() }
        for thread in parties { #expect(thread.join(timeout: .seconds(10))) }
        #expect(indexes.value.sorted() == [0, 1, 2])
    }

    @Test func barrierAbortThenReset() throws {
        let barrier = Barrier(parties: 2)
        let broke = APIBox(false)
        let waiter = PosixThread {
            do { _ = try barrier.wait() } catch { broke.value = true }
        }
        try waiter.start()
        #expect(!waiter.join(timeout: .milliseconds(20)))  // waits for a second party
        barrier.abort()
        #expect(waiter.join(timeout: .seconds(10)))
        #expect(broke.value)
        #expect(throws: (any Error).self) { try barrier.wait() }  // still broken

        barrier.reset()
        let indexes = APIBox<[Int]>([])
        let pair = (0..<2).map { _ in
            PosixThread {
                let index = (try? barrier.wait()) ?? -1
                indexes.update { $0.append(index) }
            }
        }
        for thread in pair { try thread.start() }
        for thread in pair { #expect(thread.join(timeout: .seconds(10))) }
        #expect(indexes.value.sorted() == [0, 1])
    }

    // MARK: Queues

    @Test func fifoQueue() throws {
        let queue = Queue<Int>()  // maxSize: 0 = unbounded
        try queue.put(1)
        try queue.put(2)
        try queue.put(3, timeout: .seconds(1))
        let count: Int = queue.count
        #expect(count == 3)
        let isEmpty: Bool = queue.isEmpty
        let isFull: Bool = queue.isFull
        #expect(!isEmpty && !isFull)
        let a: Int = try queue.get()
        let b: Int = try queue.get(timeout: .seconds(1))
        let c: Int? = queue.tryGet()
        #expect([a, b, c] == [1, 2, 3])
        #expect(queue.isEmpty)
        #expect(queue.tryGet() == nil)
        #expect(throws: (any Error).self) { try queue.get(timeout: .milliseconds(5)) }

        let unbounded = Queue<Int>(maxSize: 0)
        for value in 0..<1000 { try unbounded.put(value) }
        #expect(unbounded.count == 1000 && !unbounded.isFull)

        let bounded = Queue<String>(maxSize: 1)
        let putOK: Bool = bounded.tryPut("x")
        #expect(putOK)
        #expect(bounded.isFull)
        #expect(!bounded.tryPut("y"))
        #expect(throws: (any Error).self) { try bounded.put("y", timeout: .milliseconds(5)) }
        #expect(try bounded.get(timeout: .seconds(1)) == "x")
    }

    @Test func lifoAndPriorityQueues() throws {
        let lifo = LifoQueue<Int>()
        for value in [1, 2, 3] { try lifo.put(value) }
        #expect(try [lifo.get(), lifo.get(), lifo.get()] == [3, 2, 1])

        let priority = PriorityQueue<Int>()
        for value in [5, 1, 4, 2, 3] { try priority.put(value) }
        var out: [Int] = []
        while let value = priority.tryGet() { out.append(value) }
        #expect(out == [1, 2, 3, 4, 5])  // smallest first

        let words = PriorityQueue<String>(maxSize: 3)
        try words.put("pear")
        try words.put("apple", timeout: .seconds(1))
        #expect(words.tryPut("fig"))
        #expect(words.isFull)
        let first: String = try words.get(timeout: .seconds(1))
        #expect(first == "apple")
        #expect(try words.get() == "fig")
    }

    @Test func queueTaskDoneAndJoin() throws {
        let queue = Queue<Int>()
        try queue.put(1)
        try queue.put(2)
        let joined = APIBox(false)
        let joiner = PosixThread {
            queue.join()
            joined.value = true
        }
        try joiner.start()
        _ = try queue.get()
        _ = try queue.get()
        queue.taskDone()
        #expect(!joiner.join(timeout: .milliseconds(20)))  // one task still unfinished
        #expect(!joined.value)
        queue.taskDone()
        #expect(joiner.join(timeout: .seconds(10)))
        #expect(joined.value)
    }

    @Test func queueShutdown() throws {
        let queue = Queue<Int>()
        try queue.put(1)
        queue.shutdown()  // immediate: false by default
        #expect(throws: (any Error).self) { try queue.put(2) }  // later puts throw
        #expect(!queue.tryPut(2))
        #expect(try queue.get() == 1)  // what was queued can still be taken
        #expect(throws: (any Error).self) { try queue.get() }  // then gets throw

        let dropping = LifoQueue<Int>()
        try dropping.put(1)
        try dropping.put(2)
        dropping.shutdown(immediate: true)  // also drops what is queued
        #expect(dropping.isEmpty)
        #expect(throws: (any Error).self) { try dropping.get() }
        #expect(throws: (any Error).self) { try dropping.put(3) }

        // Blocked callers wake with an error.
        let empty = PriorityQueue<Int>()
        let full = Queue<Int>(maxSize: 1)
        try full.put(0)
        let errors = APIBox(0)
        let getter = PosixThread {
            do { _ = try empty.get() } catch { errors.update { $0 += 1 } }
        }
        let putter = PosixThread {
            do { try full.put(1) } catch { errors.update { $0 += 1 } }
        }
        try getter.start()
        try putter.start()
        #expect(!getter.join(timeout: .milliseconds(20)))
        empty.shutdown()
        full.shutdown()
        #expect(getter.join(timeout: .seconds(10)))
        #expect(putter.join(timeout: .seconds(10)))
        #expect(errors.value == 2)
    }

    // MARK: ThreadPool / InlineExecutor

    @Test func threadPool() async throws {
        let pool = ThreadPool(threads: 2)
        let closure: JobFuture<Int> = pool.submit { 6 * 7 }
        #expect(try blockingWait(closure, timeout: .seconds(10)) == 42)
        let throwing: JobFuture<Int> = pool.submit { () throws -> Int in throw APICodableError.bad(3) }
        #expect(throws: APICodableError.bad(3)) { try throwing.wait(timeout: .seconds(10)) }

        // mapUnordered yields in completion order.
        let stream = pool.mapUnordered([APISleep(milliseconds: 500), APISleep(milliseconds: 0)])
        var order: [Int] = []
        for try await item in stream { order.append(item.index) }
        #expect(order == [1, 0])
        await pool.shutdown()

        try await apiExercise(ThreadPool(threads: 2))
        let byDefault = ThreadPool()  // threads: = active processor count
        #expect(try await byDefault.run(APISquare(x: 2)) == 4)
        await byDefault.shutdown()
    }

    @Test func inlineExecutorRunsOnTheCaller() async throws {
        let inline = InlineExecutor()
        let future: JobFuture<UInt> = try inline.submit(APIThreadID())
        #expect(future.isDone)  // ran during submit
        #expect(try blockingWait(future) == UInt(bitPattern: Int(bitPattern: pthread_self())))
        let ordered: [Int] = try await inline.map([3, 1, 2].map { APISquare(x: $0) })
        #expect(ordered == [9, 1, 4])
        try await apiExercise(InlineExecutor())
    }

    // MARK: - Multiprocessing: ChildProcess

    @Test func childProcessExitCode() throws {
        let child: ChildProcess = try ChildProcess.fork { 7 }
        let pid: pid_t = child.pid
        #expect(pid > 0 && pid != getpid())
        let status: Multiprocessing.ExitStatus? = try child.join(timeout: .seconds(20))
        #expect(status == .exited(7))
        let again: Multiprocessing.ExitStatus = try child.join()  // already ended: returns at once
        #expect(again == .exited(7))
        #expect(!child.isAlive)
    }

    @Test func childProcessTerminateAndKill() throws {
        let sleeper = try ChildProcess.fork(name: "api-sleeper") { while true { pause() } }
        #expect(sleeper.isAlive)
        let early: Multiprocessing.ExitStatus? = try sleeper.join(timeout: .milliseconds(20))
        #expect(early == nil)  // nil: still running
        sleeper.terminate()
        #expect(try sleeper.join(timeout: .seconds(20)) == .signaled(SIGTERM))

        let stubborn = try ChildProcess.fork(name: "api-stubborn") {
            signal(SIGTERM, SIG_IGN)
            while true { pause() }
        }
        stubborn.kill()
        #expect(try stubborn.join(timeout: .seconds(20)) == .signaled(SIGKILL))
        let statuses: [Multiprocessing.ExitStatus] = [.exited(0), .signaled(9)]
        #expect(apiRequireSendable(statuses)[0] != statuses[1])
    }

    // MARK: Pipe / Connection

    @Test func duplexPipe() throws {
        let pipe = try Pipe()  // duplex: true by default
        let (a, b) = pipe.ends
        try a.send("hello")
        let text: String = try b.receive(String.self)
        #expect(text == "hello")
        let record = APIRecord(id: 4, tags: ["x", "y"])
        try b.send(record)
        #expect(try a.receive(APIRecord.self) == record)

        try a.sendBytes([1, 2, 3] as [UInt8])
        let bytes: [UInt8] = try b.receiveBytes()
        #expect(bytes == [1, 2, 3])
        try b.sendBytes("xyz".utf8)
        #expect(try a.receiveBytes() == Array("xyz".utf8))

        let nothing: Bool = try b.poll()  // timeout: .zero by default
        #expect(!nothing)
        try a.send(9)
        #expect(try b.poll(timeout: .seconds(10)))
        #expect(try b.receive(Int.self) == 9)

        let fd: Int32 = a.fileDescriptor
        #expect(fd >= 0 && fd != b.fileDescriptor)
        let closed: Bool = a.isClosed
        #expect(!closed)
        a.close()
        #expect(a.isClosed)
        #expect(try b.poll(timeout: .seconds(10)))  // end of stream is readable
        #expect(throws: ConnectionError.endOfStream) { try b.receive(Int.self) }
        b.close()
    }

    @Test func connectionErrors() throws {
        let (a, b) = try Pipe().ends
        // decoding failure: the message is consumed, the connection stays usable
        try a.send("not a number")
        let decoding = #expect(throws: ConnectionError.self) { try b.receive(Int.self) }
        if case .decodingFailed? = decoding {
        } else {
            Issue.record("expected decodingFailed, got \(String(describing: decoding))")
        }
        try a.send(5)
        #expect(try b.receive(Int.self) == 5)
        a.close()
        b.close()

        // message too large
        let (small, sender) = try Pipe(duplex: true, maximumMessageSize: 16).ends
        try sender.sendBytes([UInt8](repeating: 1, count: 1000))
        let tooLarge = #expect(throws: ConnectionError.self) { try small.receiveBytes() }
        if case .messageTooLarge? = tooLarge {
        } else {
            Issue.record("expected messageTooLarge, got \(String(describing: tooLarge))")
        }
        small.close()
        sender.close()
    }

    @Test func simplexPipe() throws {
        let (receiver, sender) = try Pipe(duplex: false).ends  // .0 receives, .1 sends
        try sender.send([1, 2, 3])
        #expect(try receiver.receive([Int].self) == [1, 2, 3])
        #expect(throws: (any Error).self) { try receiver.send(1) }
        #expect(throws: (any Error).self) { try sender.receive(Int.self) }
        receiver.close()
        sender.close()
    }

    @Test func connectionWait() throws {
        let first = try Pipe()
        let second = try Pipe()
        let watched = [first.ends.0, second.ends.0]
        let idle: [Connection] = try Connection.wait(watched, timeout: .milliseconds(10))
        #expect(idle.isEmpty)
        try second.ends.1.send("ready")
        let ready = try Connection.wait(watched, timeout: .seconds(10))
        #expect(ready.count == 1 && ready.first === second.ends.0)
        let noTimeout = try Connection.wait(watched, timeout: nil)  // one is ready: returns at once
        #expect(noTimeout.count == 1)
        #expect(try second.ends.0.receive(String.self) == "ready")
        for connection in [first.ends.0, first.ends.1, second.ends.0, second.ends.1] { connection.close() }
    }
}

// MARK: - ProcessPool (with the other pool suites: one pool test at a time)

extension ProcessPoolSuites {
    @Suite("API conformance: ProcessPool", .timeLimit(.minutes(1)))
    struct APIConformanceProcessPoolTests {
        @Test func optionsDefaultsAndFields() {
            let defaults = ProcessPool.Options()
            #expect(defaults.startMethod == .spawn)
            #expect(defaults.maxJobsPerWorker == nil)
            #expect(defaults.jobTimeout == nil)
            #expect(defaults.initializer == nil)

            var options: ProcessPool.Options = .init()
            options.startMethod = .fork
            options.maxJobsPerWorker = 5
            options.jobTimeout = .seconds(2)
            options.initializer = APIMarkWorker()
            let method: ProcessPool.StartMethod = options.startMethod
            switch method {
            case .fork: break
            case .spawn: Issue.record("startMethod did not keep .fork")
            }
            #expect(options.maxJobsPerWorker == 5)
            #expect(options.jobTimeout == .seconds(2))
            #expect(options.initializer is APIMarkWorker)

            let labelled = ProcessPool.Options(
                startMethod: .spawn, maxJobsPerWorker: 2, jobTimeout: .seconds(5), initializer: nil)
            #expect(labelled.maxJobsPerWorker == 2 && labelled.jobTimeout == .seconds(5))
            let partial = ProcessPool.Options(jobTimeout: .seconds(1))
            #expect(partial.startMethod == .spawn && partial.jobTimeout == .seconds(1))
        }

        @Test func poolWithOptionsOnly() async throws {
            let pool = try ProcessPool(options: .init(maxJobsPerWorker: 3))
            #expect(try await pool.run(APISquare(x: 9)) == 81)
            await pool.shutdown()
        }

        @Test func defaultPoolRunsJobsInOtherProcesses() async throws {
            let pool = try ProcessPool()  // workers: CPUs this process may use; options: .init()
            let pid: Int32 = try await pool.run(APIWorkerPID())
            #expect(pid != getpid())
            await pool.shutdown()
        }

        @Test func anyExecutorSwitchesInOneLine() async throws {
            try await apiExercise(try ProcessPool(workers: 2))
            let executors: [any JobExecutor] = [ThreadPool(threads: 2), InlineExecutor(), try ProcessPool(workers: 2)]
            for executor in executors {
                let outputs: [Int] = try await executor.map([APISquare(x: 2), APISquare(x: 3)])
                #expect(outputs == [4, 9])
                await executor.shutdown()
            }
        }

        @Test func maxJobsPerWorkerRecyclesWorkers() async throws {
            var options = ProcessPool.Options()
            options.maxJobsPerWorker = 1
            let pool = try ProcessPool(workers: 1, options: options)
            let first: Int32 = try await pool.run(APIWorkerPID())
            let second: Int32 = try await pool.run(APIWorkerPID())
            #expect(first != second)
            await pool.shutdown()
        }

        @Test func jobTimeoutFailsTheJobAndReplacesTheWorker() async throws {
            var options = ProcessPool.Options()
            options.jobTimeout = .milliseconds(300)
            let pool = try ProcessPool(workers: 1, options: options)
            let stuck = try pool.submit(APIForever())
            #expect(throws: JobError.timedOut(.milliseconds(300))) { try stuck.wait(timeout: .seconds(30)) }
            #expect(try await pool.run(APISquare(x: 5)) == 25)
            await pool.shutdown()
        }

        @Test func initializerRunsInEachWorkerBeforeItsFirstJob() async throws {
            var options = ProcessPool.Options()
            options.initializer = APIMarkWorker()
            let pool = try ProcessPool(workers: 2, options: options)
            let marks: [String] = try await pool.map(Array(repeating: APIReadMark(), count: 6))
            #expect(marks == Array(repeating: "yes", count: 6))
            #expect(getenv(apiInitializerVariable) == nil)  // it ran in the workers, not here
            await pool.shutdown()
        }

        @Test func terminateFailsPendingJobs() async throws {
            let pool = try ProcessPool(workers: 1)
            let running = try pool.submit(APIForever())
            let pending = try pool.submit(APISquare(x: 2))
            pool.terminate()
            for future in [running, pending] {
                let error = #expect(throws: (any Error).self) { try future.wait(timeout: .seconds(20)) }
                if case JobError.waitTimedOut? = error as? JobError {
                    Issue.record("terminate() did not fail a pending job")
                }
            }
            #expect(throws: JobError.shutDown) { try pool.submit(APISquare(x: 1)) }
        }

        @Test func jobErrorsAndCrashes() async throws {
            let pool = try ProcessPool(workers: 1)
            // A Codable error comes back as its own type.
            await #expect(throws: APICodableError.bad(7)) { try await pool.run(APIThrowsCodable(code: 7)) }
            // Another error comes back with its type name and description.
            let plain = await #expect(throws: (any Error).self) { try await pool.run(APIThrowsPlain()) }
            let remote = plain as? RemoteError
            #expect(remote?.typeName.hasSuffix("APIPlainError") == true)
            #expect(remote?.description == "plain failure 42")
            #expect(plain.map { String(describing: $0) } == "plain failure 42")
            // A worker that dies fails its job; the pool replaces it.
            let crash = await #expect(throws: ProcessPoolError.self) { try await pool.run(APIExit(code: 3)) }
            if case .workerCrashed(_, let status, let job)? = crash {
                #expect(status == .exited(3))
                #expect(job.typeName.contains("APIExit"))
            } else {
                Issue.record("expected workerCrashed, got \(String(describing: crash))")
            }
            #expect(crash.map { String(describing: $0) }?.contains("APIExit") == true)
            #expect(try await pool.run(APISquare(x: 6)) == 36)
            await pool.shutdown()
        }
    }
}
