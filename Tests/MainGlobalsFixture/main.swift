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

// A program whose jobs read globals declared in this file, run by a spawned
// pool worker (which never runs `main`), by a one-off spawned job and in this
// process, for `MainGlobalsTests`. It prints one line per check:
// "<name> <result in a worker> | <result here>", or "<name> error: <error>"
// (the crash of a job that reads a global the pool cannot copy).
import Multiprocessing
import Synchronization

let factor = CommandLine.arguments.count * 3  // set by main as it runs, not at compile time
let scale = 0.5 * Double(CommandLine.arguments.count)
struct Settings: Sendable {
    var limit: Int
    var enabled: Bool
    var mode: Mode?
}
enum Mode: Sendable { case slow, fast }
let settings = Settings(limit: 40 + factor, enabled: true, mode: .fast)
let pair = (factor, -factor)
let hits = Atomic<Int>(factor * 5)  // not Copyable: copied as bits, with nothing to poison
let greeting = String(repeating: "a greeting that lives on the heap ", count: factor)
struct Limits: Codable, Sendable {
    var names: [String: Int]
}

/// Neither plain nor `Codable`: stays uninitialized in workers.
final class Registry: Sendable {
    let count = 5
}
let registry = Registry()
/// Codable, but over the 1 MiB sent to every worker.
let inputData = [Int](repeating: 7, count: 2 << 20)

struct ReadLargeGlobal: Job {
    func run() -> Int { inputData.count }
}

struct ReadUncopyableGlobal: Job {
    func run() -> Int { registry.count }
}

struct ReadPlainGlobals: Job {
    var x: Int
    func run() -> String {
        "\(x * factor) \(scale) \(settings.limit) \(settings.enabled) \(String(describing: settings.mode)) \(pair) "
            + "\(hits.load(ordering: .relaxed))"
    }
}

struct ReadCodableGlobals: Job {
    func run() -> String { "\(greeting.utf8.count) \(limits.names.sorted(by: <)) \(declaredAfterThePool)" }
}

func check<J: Job>(_ name: String, _ job: J, _ body: () throws -> J.Output) where J.Output: CustomStringConvertible {
    do {
        print("\(name) \(try body()) | \(try job.run())")
    } catch {
        print("\(name) error: \(error)")
    }
}

let pool = try ProcessPool(workers: 1)  // the default start method is .spawn
// Set after the pool started its worker, before the first job that reads it.
let declaredAfterThePool = factor + 1
let limits = Limits(names: ["a": factor, "b": declaredAfterThePool])
let job = ReadPlainGlobals(x: 7)
check("plain-in-pool", job) { try pool.mapBlocking([job]).first! }
check("plain-in-spawned-job", job) { try ChildProcess.spawn(job).join() }
check("codable-in-pool", ReadCodableGlobals()) { try pool.submit(ReadCodableGlobals()).wait() }
check("codable-in-spawned-job", ReadCodableGlobals()) { try ChildProcess.spawn(ReadCodableGlobals()).join() }
check("uncopyable-in-pool", ReadUncopyableGlobal()) { try pool.submit(ReadUncopyableGlobal()).wait() }
check("too-large-in-pool", ReadLargeGlobal()) { try pool.submit(ReadLargeGlobal()).wait() }
pool.shutdown(wait: true)
