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

// # worker-death-benchmark
//
// How long a `ProcessPool` takes from the SIGKILL of a worker running a job
// to the caller's error, the figure of issue 10 item 4 (pool-benchmark's
// "worker death" row measures the same, once per run; this one repeats it
// many times on one pool and prints the median and quartiles).
//
//     swift build -c release --product worker-death-benchmark
//     .build/release/worker-death-benchmark [samples] [fork]
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct SleepForever: Job {
    func run() -> Int {
        while true { sleep(3600) }
    }
}

struct Ready: Job {
    func run() -> Int32 { getpid() }
}

let arguments = CommandLine.arguments.dropFirst()
let samples = arguments.first.flatMap(Int.init) ?? 30
let method: ProcessPool.StartMethod = arguments.contains("fork") ? .fork : .spawn
let clock = ContinuousClock()
let pool = try ProcessPool(workers: 1, options: .init(startMethod: method))
var milliseconds: [Double] = []
for _ in 0..<samples {
    let pid = try await pool.run(Ready())  // the replacement is up and idle
    let future = try pool.submit(SleepForever())
    try await Task.sleep(for: .milliseconds(20))  // the job has started
    let start = clock.now
    kill(pid, SIGKILL)
    do {
        _ = try await future.value
        preconditionFailure("a killed worker's job succeeded")
    } catch {
        let elapsed = clock.now - start
        milliseconds.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
}
await pool.shutdown()
let sorted = milliseconds.sorted()
let quantile = { (q: Double) in sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
print(
    "worker death to caller's error (\(method)): median \(quantile(0.5)) ms, quartiles \(quantile(0.25))–\(quantile(0.75)) ms, \(samples) samples"
)
print(
    "BENCH\tpool\tworker death to caller's error (\(method), median of \(samples))\tms\tlower\t\(quantile(0.5))\ttarget (issue 10)\t1"
)
