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

// The jobs pool-benchmark sends, at file scope so that spawned workers (copies
// of this executable) find them by mangled name.

import Foundation
import Multiprocessing

/// f(x) = x + 1, travelling as its bytes: the pool's own overhead, for the
/// rows that measure scheduling rather than transfer (submit, start, death).
struct AddOne: Job, BitwiseTransferable {
    var x: Int
    func run() -> Int { x + 1 }
}

/// The same job through its (synthesized) Codable conformance: what a
/// `struct { var x: Int }` job costs by default.
struct AddOneCodable: Job {
    var x: Int
    func run() -> Int { x + 1 }
}

/// A file name in, its length out (Python's peer maps `len` over the same strings).
struct FileNameLength: Job {
    var s: String
    func run() -> Int { s.utf8.count }
}

/// A small record (Python's peer: a dataclass with the same fields and values).
struct RecordJob: Job {
    var name: String
    var x: Int
    var tags: [String]
    func run() -> Int { x + tags.count }
}

/// CPU-bound work: `iterations` rounds of integer arithmetic.
struct Busy: Job {
    var iterations: Int
    @inline(never)
    func run() -> Int {
        var total = 0
        for i in 0..<iterations { total = (total &+ i &* i) % 1_000_003 }
        return total
    }
}

struct SleepForever: Job {
    func run() -> Int {
        while true { sleep(3600) }
    }
}

/// `--trace-busy`: where and when each CPU-bound job ran.
struct TracedBusy: Job {
    var iterations: Int
    func run() -> [Int] {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let value = Busy(iterations: iterations).run()
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        return [
            Int(getpid()), start.tv_sec * 1000 + start.tv_nsec / 1_000_000, end.tv_sec * 1000 + end.tv_nsec / 1_000_000,
            value,
        ]
    }
}
