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

// What this teaches: a Manager (Python's multiprocessing.Manager) holding a
// dictionary that pool workers fill in. The proxy is Codable: it travels
// inside each Job to the worker processes, which write into the same
// dictionary on the manager's server; update(_:_:) is an atomic
// read-modify-write there, so concurrent workers lose no count.
//
// Run: swift run manager-dictionary
import Multiprocessing

/// Counts the words of one text into the shared tallies.
struct CountWords: Job {
    let text: String
    let tallies: SharedDictionary<String, Int>

    func run() throws -> Int {
        let words = text.lowercased().split { !$0.isLetter }
        for word in words {
            try tallies.update(String(word)) { $0 = ($0 ?? 0) + 1 }
        }
        return words.count
    }
}

let texts = [
    "The quick brown fox jumps over the lazy dog",
    "The dog sleeps; the fox runs",
    "A fox, a dog, and the quick end",
    "Lazy days for the brown dog",
]

let manager = try Manager()  // starts the server process
let tallies = try manager.dictionary("tallies", of: [String: Int].self)
let pool = try ProcessPool(workers: 2)
let counted = try await pool.map(texts.map { CountWords(text: $0, tallies: tallies) })
await pool.shutdown()

let snapshot = try tallies.snapshot()
print("words counted by the workers: \(counted.reduce(0, +))")
for (word, count) in snapshot.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).prefix(5) {
    print("  \(word): \(count)")
}
precondition(snapshot.values.reduce(0, +) == counted.reduce(0, +), "no update was lost")
manager.shutdown()
