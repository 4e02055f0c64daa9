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

// A thread with its code in `run()`, like Python's
//
//     class Counter(threading.Thread):
//         def run(self): ...
//
// and the same with a closure. `swift run thread-subclass`
import Threading

/// Counts the primes below `limit` on its own thread.
final class PrimeCounter: PosixThread, @unchecked Sendable {
    let limit: Int
    /// Written by the thread, read by the caller only after `join()`.
    private(set) var primes = 0

    init(limit: Int) {
        self.limit = limit
        super.init(name: "primes<\(limit)")
    }

    override func run() {
        print("\(PosixThread.currentSystemName): counting primes below \(limit)")
        primes =
            (2..<limit).filter { n in
                var d = 2
                while d * d <= n {
                    if n % d == 0 { return false }
                    d += 1
                }
                return true
            }.count
    }
}

let counters = [10_000, 50_000, 100_000].map { PrimeCounter(limit: $0) }
for counter in counters { try counter.start() }
for counter in counters {
    counter.join()  // after join, the thread's writes are visible here
    print("\(counter.name): \(counter.primes) primes, still alive: \(counter.isAlive)")
}

// The same thing with a closure instead of a subclass.
let greeter = PosixThread(name: "greeter") {
    print("hello from thread '\(PosixThread.currentSystemName)'")
}
try greeter.start()
let finished = greeter.join(timeout: .seconds(5))
print("greeter finished within 5 s: \(finished)")

// A thread runs once: a second start() is an error, as in Python.
do {
    try greeter.start()
} catch {
    print("second start(): \(error)")
}
