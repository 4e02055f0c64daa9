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

// Side-by-side throughput of the thread toolkit against the peers a user
// would pick instead. Every figure is a median over `runs` runs.
// Usage: threading-benchmark [runs] [jobs] [ours|nio|map]   (only that workload, for profiling)

let arguments = CommandLine.arguments
let runs = arguments.count > 1 ? Int(arguments[1]) ?? 7 : 7
let jobs = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
let lockIterations = 2_000_000
let mapJobs = 300_000
let handoffItems = 200_000

print(
    "threading-benchmark: \(runs) runs each, median; \(ProcessInfo.processInfo.activeProcessorCount) CPUs, AvailableProcessors.count = \(AvailableProcessors.count)"
)
print("")

// MARK: Pools

let pool = ThreadPool(threads: 2)
_ = try await pool.submit { 0 }.value
if arguments.count > 3, arguments[3] == "ours" {
    let figure = try median(runs: runs) { try threadPoolThroughput(pool: pool, jobs: jobs).jobsPerSecond }
    print("ThreadPool.submit(closure)      \(format(figure, "jobs/s"))")
    for _ in 0..<3 {
        var futures: [JobFuture<Int>] = []
        futures.reserveCapacity(jobs)
        let t1 = seconds { for _ in 0..<jobs { futures.append(pool.submit { 1 }) } }
        let doneAtEnd = futures.filter(\.isDone).count
        let t2 = seconds { for f in futures { _ = try! f.wait() } }
        print("  submit phase \(t1 * 1e3) ms, wait phase \(t2 * 1e3) ms, done when submitting ended: \(doneAtEnd)")
    }
    exit(0)
}
let mapInput = (0..<mapJobs).map { Square(x: $0) }
if arguments.count > 3, arguments[3] == "map" {
    let figure = try await median(runs: runs) {
        try await threadPoolMapThroughput(pool: pool, jobs: mapInput).jobsPerSecond
    }
    print("ThreadPool.map                  \(format(figure, "jobs/s"))")
    exit(0)
}
let nio = NIOThreadPool(numberOfThreads: 2)
nio.start()
if arguments.count > 3, arguments[3] == "nio" {
    let figure = median(runs: runs) { nioThreadPoolThroughput(pool: nio, jobs: jobs).jobsPerSecond }
    print("NIOThreadPool.submit            \(format(figure, "jobs/s"))")
    exit(0)
}

let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let eventLoop = eventLoopGroup.next()

// Interleaved, so that a noisy moment of the VM hits every contender alike.
var samples: [String: [PoolSample]] = [:]
for _ in 0..<runs {
    samples["ours", default: []].append(try threadPoolThroughput(pool: pool, jobs: jobs))
    samples["nio", default: []].append(nioThreadPoolThroughput(pool: nio, jobs: jobs))
    samples["oursJob", default: []].append(try threadPoolJobThroughput(pool: pool, jobs: jobs))
    samples["group", default: []].append(await taskGroupThroughput(jobs: jobs))
    // A tenth of the jobs: this one is ~30x slower.
    samples["nioFuture", default: []].append(
        try nioRunIfActiveThroughput(pool: nio, eventLoop: eventLoop, jobs: jobs / 10))
}
// Map of many tiny jobs: batched ThreadPool.map against one submit per job.
for _ in 0..<runs {
    samples["map", default: []].append(try await threadPoolMapThroughput(pool: pool, jobs: mapInput))
    samples["mapPerJob", default: []].append(try await perJobMapThroughput(pool: pool, jobs: mapInput))
}
let medians = samples.mapValues { $0.map(\.jobsPerSecond).sorted()[$0.count / 2] }
let cpuMedians = samples.mapValues { $0.map(\.cpuNanosecondsPerJob).sorted()[$0.count / 2] }
let ours = medians["ours"]!
let oursJob = medians["oursJob"]!
let nioFigure = medians["nio"]!
let group = medians["group"]!
let nioFuture = medians["nioFuture"]!
let mapFigure = medians["map"]!
let mapPerJob = medians["mapPerJob"]!
func cpu(_ key: String) -> String { String(format: "%6.0f ns CPU/job", cpuMedians[key]!) }
let python = runPythonPeer(runs: runs)
await pool.shutdown()
try await nio.shutdownGracefully()
try await eventLoopGroup.shutdownGracefully()

print("Pool: \(jobs) tiny jobs, one submit each, then all awaited (2 threads)")
print("  ThreadPool.submit(closure)      \(format(ours, "jobs/s"))   \(cpu("ours"))")
print("  ThreadPool.submit(Job)          \(format(oursJob, "jobs/s"))   \(cpu("oursJob"))")
print(
    "  NIOThreadPool.submit            \(format(nioFigure, "jobs/s"))   \(cpu("nio"))   ThreadPool ÷ NIO = \(String(format: "%.2f", ours / nioFigure))×"
)
print(
    "  NIOThreadPool.runIfActive      \(format(nioFuture, "jobs/s"))   \(cpu("nioFuture"))   ThreadPool ÷ NIO with futures = \(String(format: "%.2f", ours / nioFuture))×"
)
print(
    "  TaskGroup.addTask               \(format(group, "jobs/s"))   \(cpu("group"))   ThreadPool ÷ TaskGroup = \(String(format: "%.2f", ours / group))×"
)
if let python {
    print(
        "  Python ThreadPoolExecutor(2)    \(format(python.pool_submit_jobs_per_s, "jobs/s"))   ThreadPool ÷ Python = \(String(format: "%.1f", ours / python.pool_submit_jobs_per_s))×"
    )
}
print("")
print("Map: \(mapJobs) tiny jobs, outputs in input order (2 threads)")
print("  ThreadPool.map (in chunks)      \(format(mapFigure, "jobs/s"))   \(cpu("map"))")
print(
    "  one submit per job (before)     \(format(mapPerJob, "jobs/s"))   \(cpu("mapPerJob"))   chunks ÷ per job = \(String(format: "%.1f", mapFigure / mapPerJob))×"
)
if let python {
    print(
        "  Python ThreadPoolExecutor(2).map \(format(python.pool_map_jobs_per_s, "jobs/s"))   ThreadPool.map ÷ Python = \(String(format: "%.0f", mapFigure / python.pool_map_jobs_per_s))×"
    )
}
print("")

// MARK: Locks

let lock = Threading.Lock()
let recursive = RecursiveLock()
let nioLock = NIOLock()
let raw = RawMutex()
let mutex = Mutex<Void>(())

/// One summary line for Benchmarks/run-all.
func bench(_ workload: String, _ unit: String, _ better: String, _ ours: Double, _ peer: String, _ theirs: Double) {
    print("BENCH\tthreading\t\(workload)\t\(unit)\t\(better)\t\(ours)\t\(peer)\t\(theirs)")
}
bench("submit, one tiny job each (2 threads)", "jobs/s", "higher", ours, "NIOThreadPool.submit", nioFigure)
bench("submit, one tiny job each (2 threads)", "jobs/s", "higher", ours, "TaskGroup.addTask", group)
if let python {
    bench(
        "submit, one tiny job each (2 threads)", "jobs/s", "higher", ours, "Python ThreadPoolExecutor(2)",
        python.pool_submit_jobs_per_s)
}
bench(
    "map, \(mapJobs) tiny jobs (2 threads)", "jobs/s", "higher", mapFigure,
    "one submit per job (ThreadPool.map before batching)", mapPerJob)
if let python {
    bench(
        "map, \(mapJobs) tiny jobs (2 threads)", "jobs/s", "higher", mapFigure, "Python ThreadPoolExecutor(2).map",
        python.pool_map_jobs_per_s)
}

print("Lock, uncontended: lock + unlock on one thread")
let rows: [(String, Double)] = [
    (
        "Threading.Lock",
        median(runs: runs) { uncontended(iterations: lockIterations, lock: lock.lock, unlock: lock.unlock) }
    ),
    (
        "Threading.RecursiveLock",
        median(runs: runs) { uncontended(iterations: lockIterations, lock: recursive.lock, unlock: recursive.unlock) }
    ),
    (
        "NIOLock",
        median(runs: runs) { uncontended(iterations: lockIterations, lock: nioLock.lock, unlock: nioLock.unlock) }
    ),
    (
        "pthread_mutex (normal)",
        median(runs: runs) { uncontended(iterations: lockIterations, lock: raw.lock, unlock: raw.unlock) }
    ),
    (
        "Synchronization.Mutex",
        median(runs: runs) {
            seconds { for _ in 0..<lockIterations { mutex.withLock { _ in } } } / Double(lockIterations) * 1e9
        }
    ),
]
for (name, ns) in rows { print("  \(name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(format(ns, "ns"))") }
if let python { print("  Python threading.Lock          \(format(python.lock_uncontended_ns, "ns"))") }
bench("Lock, uncontended", "ns", "lower", rows[0].1, "NIOLock", rows[2].1)
if let python {
    bench("Lock, uncontended", "ns", "lower", rows[0].1, "Python threading.Lock", python.lock_uncontended_ns)
}
print("")

print("Lock, contended: 2 threads, lock + increment + unlock, per operation")
let contendedRows: [(String, Double)] = [
    (
        "Threading.Lock",
        median(runs: runs) { contended(iterations: lockIterations / 4, lock: lock.lock, unlock: lock.unlock) }
    ),
    (
        "NIOLock",
        median(runs: runs) { contended(iterations: lockIterations / 4, lock: nioLock.lock, unlock: nioLock.unlock) }
    ),
    (
        "pthread_mutex (normal)",
        median(runs: runs) { contended(iterations: lockIterations / 4, lock: raw.lock, unlock: raw.unlock) }
    ),
]
for (name, ns) in contendedRows {
    print("  \(name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(format(ns, "ns"))")
}
if let python { print("  Python threading.Lock          \(format(python.lock_contended_ns, "ns"))") }
bench("Lock, 2 threads contended", "ns", "lower", contendedRows[0].1, "NIOLock", contendedRows[1].1)
if let python {
    bench(
        "Lock, 2 threads contended", "ns", "lower", contendedRows[0].1, "Python threading.Lock",
        python.lock_contended_ns)
}
print("")

print("Queue hand-off: put on one thread, get on another, maxSize 1024, per item")
let handoff = median(runs: runs) { queueHandoff(items: handoffItems) }
print("  Threading.Queue                \(format(handoff, "ns"))")
if let python {
    print(
        "  Python queue.Queue             \(format(python.queue_handoff_ns, "ns"))   Python ÷ ours = \(String(format: "%.1f", python.queue_handoff_ns / handoff))×"
    )
    bench("Queue hand-off between 2 threads", "ns", "lower", handoff, "Python queue.Queue", python.queue_handoff_ns)
}
