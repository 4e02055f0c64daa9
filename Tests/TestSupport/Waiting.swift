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
package import Threading

// Bounded waits for conditions a test cannot be told about directly (a
// process state in /proc, a descriptor count): each polls with a short pause
// until the condition holds or the time is up, so a bug shows as a failed
// expectation, never as a test run that hangs. Where the code under test
// can announce an event, tests wait for it with a hand-off instead
// (`Event`, a semaphore, a pipe).

/// Checks `condition` every millisecond until it holds or `timeout` passes,
/// blocking the calling thread (``eventually(within:_:)`` is the async form).
package func pollUntil(within timeout: Duration = .seconds(3), _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + timeout
    let pause = Event()  // never set: its timed wait is the pause
    while ContinuousClock.now < end {
        if condition() { return true }
        _ = pause.wait(timeout: .milliseconds(1))
    }
    return condition()
}

/// Checks `condition` every 2 ms, without blocking a thread, until it holds or `timeout` passes.
package func eventually(within timeout: Duration = .seconds(3), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}

/// The outcome of an operation raced against a deadline.
package enum AdvOutcome<T: Sendable>: Sendable {
    case value(T)
    case error(String)
    case timedOut
}

/// Runs `operation` in its own task and gives up waiting after `limit`
/// (the operation is then left running: it hung, which the caller reports).
package func advWithin<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async -> AdvOutcome<T> {
    let (outcomes, continuation) = AsyncStream.makeStream(of: AdvOutcome<T>.self)
    let task = Task {
        do { continuation.yield(.value(try await operation())) } catch {
            continuation.yield(.error(String(describing: error)))
        }
    }
    let timer = Task {
        try? await Task.sleep(for: limit)
        continuation.yield(.timedOut)
    }
    var iterator = outcomes.makeAsyncIterator()
    let outcome = await iterator.next() ?? .timedOut
    continuation.finish()
    timer.cancel()
    if case .timedOut = outcome { task.cancel() }
    return outcome
}

/// A value set once from any thread.
package final class AdvOnce<T: Sendable>: Sendable {
    private let stored = Mutex<T?>(nil)
    package init() {}
    package func set(_ value: T) { stored.withLock { if $0 == nil { $0 = value } } }
    package func get() -> T? { stored.withLock { $0 } }
}

/// A counter shared between threads.
package final class AdvCounter: Sendable {
    private let count = Atomic<Int>(0)
    package init() {}
    @discardableResult package func add(_ n: Int = 1) -> Int { count.add(n, ordering: .relaxed).newValue }
    package var value: Int { count.load(ordering: .relaxed) }
}

/// `future.wait()` / `future.wait(timeout:)` for async tests that check the
/// blocking API itself (`wait` is unavailable from async code, where
/// `await future.value` is the way to wait).
package func blockingWait<Value>(_ future: JobFuture<Value>, timeout: Duration? = nil) throws -> Value {
    if let timeout { return try future.wait(timeout: timeout) }
    return try future.wait()
}
