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

// What this teaches: InlineExecutor (Python's dummy_threading, for
// debugging) runs every job on the caller, at once and in order; because it
// is a JobExecutor like ThreadPool (and ProcessPool), switching is one line;
// a job's error arrives through its future; after shutdown submit throws.
//
// Run: swift run inline-executor
import Threading

struct Square: Job {
    var x: Int
    func run() -> Int {
        print("  squaring \(x) on \(PosixThread.currentSystemName)")
        return x * x
    }
}

struct Divide: Job {
    struct ByZero: Error, Codable {}
    var a: Int, b: Int
    func run() throws -> Int {
        guard b != 0 else { throw ByZero() }
        return a / b
    }
}

/// Code written against the protocol runs on any executor.
func sumOfSquares(on executor: some JobExecutor) throws -> Int {
    let futures = try (1...4).map { try executor.submit(Square(x: $0)) }
    return try futures.reduce(0) { $0 + (try $1.wait()) }
}

let debugging = CommandLine.arguments.count < 2  // `swift run inline-executor pool` runs on threads
let executor: any JobExecutor = debugging ? InlineExecutor() : ThreadPool()  // the one-line switch

print(
    "\(debugging ? "InlineExecutor (in order, on the caller)" : "ThreadPool"), called from \(PosixThread.currentSystemName):"
)
print("sum of squares = \(try sumOfSquares(on: executor))")

print("ThreadPool (on pool threads, any order):")
let pool = ThreadPool(threads: 2)
print("sum of squares = \(try sumOfSquares(on: pool))")
await pool.shutdown()

// map is async, as on every executor; InlineExecutor runs it on the awaiting
// task's thread (one of Swift's cooperative threads here).
print("map, awaited: \(try await executor.map([Square(x: 5), Square(x: 6)]))")

// submit returns a future that is already finished; errors come through it.
let future = try executor.submit(Divide(a: 1, b: 0))
print("future done at once: \(future.isDone)")
do {
    _ = try await future.value
} catch {
    print("the job threw: \(error)")
}

await executor.shutdown()
do {
    _ = try executor.submit(Square(x: 5))
} catch {
    print("submit after shutdown: \(error)")
}
