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

import Synchronization
import Testing

@testable import Threading

/// How long `body` took, on the monotonic clock.
func measure(_ body: () throws -> Void) rethrows -> Duration {
    let start = ContinuousClock.now
    try body()
    return ContinuousClock.now - start
}

/// Generous upper bound for "returned promptly" on a noisy 2-vCPU VM.
let prompt = Duration.seconds(5)

/// Starts `count` threads running `body(index)` and returns them.
func startThreads(_ count: Int, name: String = "test", _ body: @escaping @Sendable (Int) -> Void) throws
    -> [PosixThread]
{
    let threads = (0..<count).map { index in PosixThread(name: "\(name)-\(index)") { body(index) } }
    for thread in threads { try thread.start() }
    return threads
}

/// A thread-safe counter for tests.
final class Counter: Sendable {
    private let storage = Atomic<Int>(0)
    @discardableResult
    func increment(by amount: Int = 1) -> Int { storage.add(amount, ordering: .relaxed).newValue }
    var value: Int { storage.load(ordering: .relaxed) }
}

/// A thread-safe list for recording orders of events. Guarded by a pthread
/// mutex: ThreadSanitizer cannot see `Synchronization.Mutex`.
final class Recorder<Element: Sendable>: Sendable {
    private let storage = LockedState<[Element]>([])
    func append(_ element: Element) { storage.withLock { $0.append(element) } }
    var elements: [Element] { storage.withLock { $0 } }
}

/// Polls `condition` (test-only) until it holds or `limit` passes.
func eventually(_ limit: Duration = prompt, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleepMilliseconds(1)
    }
    return condition()
}

/// ``eventually(_:_:)`` for async tests: suspends between polls instead of
/// blocking one of the few cooperative threads the tasks it waits for need.
func eventually(_ limit: Duration = prompt, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return condition()
}

func usleepMilliseconds(_ ms: Int) {
    let event = Event()
    _ = event.wait(timeout: .milliseconds(ms))
}

/// `count` threads running the same body, CPython's `lock_tests.Bunch`:
/// counts the threads that started and finished, and, when told to, keeps
/// them from exiting until ``finish()``.
final class Bunch: Sendable {
    let started = Counter()
    let finished = Counter()
    private let mayExit = Event()
    private let threads: [PosixThread]

    init(_ count: Int, waitBeforeExit: Bool = false, _ body: @escaping @Sendable () -> Void) throws {
        if !waitBeforeExit { mayExit.set() }
        let started = started
        let finished = finished
        let mayExit = mayExit
        threads = (0..<count).map { index in
            PosixThread(name: "bunch-\(index)") {
                started.increment()
                body()
                finished.increment()
                mayExit.wait()
            }
        }
        for thread in threads { try thread.start() }
    }

    func waitForStarted() -> Bool { eventually { started.value == threads.count } }

    /// Lets the threads exit and joins them.
    @discardableResult
    func finish() -> Bool {
        mayExit.set()
        return threads.allSatisfy { $0.join(timeout: prompt) }
    }
}

/// Objects made on first use and found again by name: how a `Job`, which
/// must stay `Codable` and so cannot capture one, reaches the gate or the
/// counter of the test that submitted it.
final class NamedObjects<Object: Sendable>: Sendable {
    private let objects = LockedState<[String: Object]>([:])
    private let make: @Sendable () -> Object

    init(_ make: @escaping @Sendable () -> Object) {
        self.make = make
    }

    subscript(name: String) -> Object {
        objects.withLock { objects in
            if let object = objects[name] { return object }
            let object = make()
            objects[name] = object
            return object
        }
    }
}

/// Gates that jobs wait for, by name; a test opens them.
let jobGates = NamedObjects { Event() }
func jobGate(_ name: String) -> Event { jobGates[name] }

/// Counters by name, for jobs of tests that run in parallel.
let namedCounters = NamedObjects { Counter() }
func counter(named name: String) -> Counter { namedCounters[name] }

/// `future.wait()` for async tests that check the blocking API itself on a
/// future that is done or about to be (`wait` is unavailable from async code).
func blockingWait<Value>(_ future: JobFuture<Value>) throws -> Value {
    try future.wait()
}
