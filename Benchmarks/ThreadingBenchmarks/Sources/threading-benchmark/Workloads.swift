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

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization
import Threading

// MARK: Pools: one submit per tiny job, then wait for all

struct Tiny: Job {
    func run() -> Int { 1 }
}

/// ThreadPool: `jobs` closures submitted one by one, then every future waited.
func threadPoolThroughput(pool: ThreadPool, jobs: Int) throws -> PoolSample {
    var futures: [JobFuture<Int>] = []
    futures.reserveCapacity(jobs)
    var sum = 0
    let sample = try poolSample(jobs: jobs) {
        for _ in 0..<jobs { futures.append(pool.submit { 1 }) }
        for future in futures { sum += try future.wait() }
    }
    precondition(sum == jobs)
    return sample
}

/// ThreadPool: the same with `Job` values, as code written against `JobExecutor` does.
func threadPoolJobThroughput(pool: ThreadPool, jobs: Int) throws -> PoolSample {
    var futures: [JobFuture<Int>] = []
    futures.reserveCapacity(jobs)
    var sum = 0
    let sample = try poolSample(jobs: jobs) {
        for _ in 0..<jobs { futures.append(try pool.submit(Tiny())) }
        for future in futures { sum += try future.wait() }
    }
    precondition(sum == jobs)
    return sample
}

/// NIOThreadPool: `jobs` work items submitted one by one; the last to finish signals.
func nioThreadPoolThroughput(pool: NIOThreadPool, jobs: Int) -> PoolSample {
    let done = Atomic<Int>(0)
    let finished = Event()
    return poolSample(jobs: jobs) {
        for _ in 0..<jobs {
            pool.submit { _ in
                if done.add(1, ordering: .acquiringAndReleasing).newValue == jobs { finished.set() }
            }
        }
        finished.wait()
    }
}

/// NIOThreadPool with a result per job, as NIO users get one: `runIfActive`
/// returns an `EventLoopFuture` completed on an event loop; then every future waited.
func nioRunIfActiveThroughput(pool: NIOThreadPool, eventLoop: any EventLoop, jobs: Int) throws -> PoolSample {
    var futures: [EventLoopFuture<Int>] = []
    futures.reserveCapacity(jobs)
    var sum = 0
    let sample = try poolSample(jobs: jobs) {
        for _ in 0..<jobs { futures.append(pool.runIfActive(eventLoop: eventLoop) { 1 }) }
        for future in futures { sum += try future.wait() }
    }
    precondition(sum == jobs)
    return sample
}

/// A TaskGroup on Swift's cooperative pool: `jobs` child tasks, then summed.
func taskGroupThroughput(jobs: Int) async -> PoolSample {
    var sum = 0
    let sample = await poolSample(jobs: jobs) {
        sum = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<jobs { group.addTask { 1 } }
            return await group.reduce(0, +)
        }
    }
    precondition(sum == jobs)
    return sample
}

// MARK: Map: many tiny jobs, outputs in input order

struct Square: Job {
    var x: Int
    func run() -> Int { x &* x }
}

/// `ThreadPool.map`, which hands the jobs to the threads in chunks.
func threadPoolMapThroughput(pool: ThreadPool, jobs: [Square]) async throws -> PoolSample {
    var outputs: [Int] = []
    let sample = try await poolSample(jobs: jobs.count) { outputs = try await pool.map(jobs) }
    precondition(outputs.count == jobs.count && outputs.last == jobs.last.map { $0.x &* $0.x })
    return sample
}

/// What `ThreadPool.map` did before it batched: `JobExecutor`'s default map,
/// one `submit` per job with 1024 jobs in flight. Through an executor that
/// only forwards `submit`, so the default map runs.
func perJobMapThroughput(pool: ThreadPool, jobs: [Square]) async throws -> PoolSample {
    struct SubmitOnly: JobExecutor {
        let pool: ThreadPool
        func submit<J: Job>(_ job: J) throws -> JobFuture<J.Output> { try pool.submit(job) }
        func shutdown() async {}
    }
    var outputs: [Int] = []
    let sample = try await poolSample(jobs: jobs.count) { outputs = try await SubmitOnly(pool: pool).map(jobs) }
    precondition(outputs.count == jobs.count)
    return sample
}

// MARK: Locks

/// A raw `pthread_mutex_t` (PTHREAD_MUTEX_NORMAL), the floor.
final class RawMutex: @unchecked Sendable {
    let pointer = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(pointer, nil) }
    deinit {
        pthread_mutex_destroy(pointer)
        pointer.deallocate()
    }
    @inline(__always) func lock() { pthread_mutex_lock(pointer) }
    @inline(__always) func unlock() { pthread_mutex_unlock(pointer) }
}

/// Nanoseconds per lock+unlock on one thread.
func uncontended(iterations: Int, lock: () -> Void, unlock: () -> Void) -> Double {
    seconds {
        for _ in 0..<iterations {
            lock()
            unlock()
        }
    } / Double(iterations) * 1e9
}

/// Nanoseconds per lock+increment+unlock with two threads hammering one lock.
func contended(iterations: Int, lock: @escaping @Sendable () -> Void, unlock: @escaping @Sendable () -> Void) -> Double
{
    final class Counter: @unchecked Sendable { var value = 0 }
    let counter = Counter()
    let go = Event()
    let threads = (0..<2).map { _ in
        PosixThread {
            go.wait()
            for _ in 0..<iterations {
                lock()
                counter.value += 1
                unlock()
            }
        }
    }
    for thread in threads { try! thread.start() }
    let elapsed = seconds {
        go.set()
        for thread in threads { thread.join() }
    }
    precondition(counter.value == 2 * iterations)
    return elapsed / Double(2 * iterations) * 1e9
}

// MARK: Queue hand-off

/// Nanoseconds per item put on one thread and taken on another (bounded at 1024).
func queueHandoff(items: Int) -> Double {
    let queue = Threading.Queue<Int>(maxSize: 1024)
    let consumer = PosixThread {
        for _ in 0..<items { _ = try! queue.get() }
    }
    let elapsed = seconds {
        try! consumer.start()
        for item in 0..<items { try! queue.put(item) }
        consumer.join()
    }
    return elapsed / Double(items) * 1e9
}
