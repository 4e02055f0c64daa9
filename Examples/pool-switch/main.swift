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

// What this teaches: the same jobs run on a ThreadPool (threads of this
// process, nothing encoded) or a ProcessPool (worker processes: memory
// isolation, crash isolation, time limits) by changing ONE line — both are a
// JobExecutor. Python's ThreadPoolExecutor <-> ProcessPoolExecutor switch.
//
// Run: swift run pool-switch [process]
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct WordCount: Job {
    var text: String
    func run() -> Int { text.split(whereSeparator: \.isWhitespace).count }
}

struct WhereAmI: Job {
    func run() -> String { "pid \(getpid())" }
}

func countWords(with executor: any JobExecutor) async throws -> Int {
    let lines = (1...1_000).map { "line \($0) has exactly six words" }
    let counts = try await executor.map(lines.map { WordCount(text: $0) })
    return counts.reduce(0, +)
}

let useProcesses = CommandLine.arguments.dropFirst().first == "process"

// The one line that changes:
let executor: any JobExecutor = useProcesses ? try ProcessPool(workers: 2) : ThreadPool(threads: 2)

print("\(type(of: executor)) in parent pid \(getpid()); jobs run in \(try await executor.run(WhereAmI()))")
print("words: \(try await countWords(with: executor))")
await executor.shutdown()
