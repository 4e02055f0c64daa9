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

import Multiprocessing
import MultiprocessingTestSupport

#if canImport(Glibc)
    import Glibc
#endif

// Job, output and error types of the adversarial pool tests. Names start
// with `Adv` so that they never clash with the other tests' types.

struct AdvSquare: Job {
    var x: Int
    func run() -> Int { x * x }
}

struct AdvSleep: Job {
    var milliseconds: Int
    /// Created when the job starts, if given.
    var marker: StartMarker? = nil
    func run() -> Int {
        marker?.announce()
        takeTime(milliseconds: milliseconds)
        return milliseconds
    }
}

struct AdvPID: Job {
    func run() -> Int32 { getpid() }
}

/// Prints a lot to standard output and standard error, then answers.
struct AdvChatty: Job {
    var lines: Int
    func run() -> Int {
        let line = String(repeating: "x", count: 200)
        for i in 0..<lines {
            print("adv chatty stdout \(i) \(line)")
            let text = "adv chatty stderr \(i) \(line)\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
        }
        return lines
    }
}

struct AdvBigBytes: Job {
    var count: Int
    func run() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        for i in stride(from: 0, to: count, by: 4096) { bytes[i] = UInt8(truncatingIfNeeded: i / 4096) }
        bytes[count - 1] = 0xAB
        return bytes
    }
}

struct AdvBigString: Job {
    var count: Int
    func run() -> String { String(repeating: "é", count: count / 2) + "end" }
}

struct AdvSumInput: Job {
    var bytes: [UInt8]
    func run() -> [Int] { [bytes.count, bytes.reduce(0) { $0 &+ Int($1) }] }
}

struct AdvExit: Job {
    var code: Int32
    func run() -> Int { exit(code) }
}

struct AdvAbort: Job {
    func run() -> Int { abort() }
}

/// Runs a ThreadPool inside the worker.
struct AdvNestedThreadPool: Job {
    var n: Int
    func run() throws -> Int {
        let pool = ThreadPool(threads: 4)
        let futures = (1...n).map { i in pool.submit { i * 2 } }
        var total = 0
        for future in futures { total += try future.wait(timeout: .seconds(20)) }
        pool.shutdown(wait: true)
        return total
    }
}

/// Runs a ProcessPool inside the worker.
struct AdvNestedProcessPool: Job {
    var n: Int
    func run() throws -> [Int] {
        let pool = try ProcessPool(workers: 2)
        let futures = try (1...n).map { try pool.submit(AdvSquare(x: $0)) }
        let outputs = try futures.map { try $0.wait(timeout: .seconds(20)) }
        pool.shutdown(wait: true)
        return outputs
    }
}

nonisolated(unsafe) var advWorkerGlobal = 0

struct AdvSlowInitializer: Job {
    var milliseconds: Int
    var value: Int
    func run() -> Int {
        takeTime(milliseconds: milliseconds)
        advWorkerGlobal = value
        return value
    }
}

struct AdvReadGlobal: Job {
    func run() -> Int { advWorkerGlobal }
}

/// A job that is an enum.
enum AdvShape: Job {
    case circle(radius: Double)
    case rect(w: Double, h: Double)
    case nothing
    func run() -> Double {
        switch self {
        case .circle(let r): 3 * r * r
        case .rect(let w, let h): w * h
        case .nothing: 0
        }
    }
}

/// A generic job.
struct AdvBox<T: Codable & Sendable & Equatable>: Job {
    var value: T
    func run() -> [T] { [value, value] }
}

/// A job that is a final class.
final class AdvClassJob: Job, @unchecked Sendable {
    var text: String
    init(text: String) { self.text = text }
    func run() -> String { text.uppercased() }
}

enum AdvPayload: Codable, Sendable, Equatable {
    case none
    case number(Int)
    case pair(String, [Int?])
    indirect case nested(AdvPayload)
}

struct AdvOutputs: Codable, Sendable {
    var optionalNil: Int?
    var optionalSome: String?
    var payloads: [AdvPayload]
    var nested: [[[Int]]]
    var nan: Double
    var negativeZero: Double
    var infinity: Float
    var dictionary: [Int: String]
    var emptyString: String
    var nul: String
}

struct AdvMakeOutputs: Job {
    func run() -> AdvOutputs {
        AdvOutputs(
            optionalNil: nil, optionalSome: "some",
            payloads: [.none, .number(-7), .pair("p", [1, nil, 3]), .nested(.nested(.number(9)))],
            nested: [[], [[]], [[1], [2, 3]]],
            nan: .nan, negativeZero: -0.0, infinity: -.infinity,
            dictionary: [1: "one", -2: "minus two"], emptyString: "", nul: "a\u{0}b")
    }
}

struct AdvReturnsOptional: Job {
    var present: Bool
    func run() -> Int? { present ? 42 : nil }
}

struct AdvReturnsNaN: Job {
    func run() -> Double { .nan }
}

struct AdvReturnsPayload: Job {
    var payload: AdvPayload
    func run() -> AdvPayload { .nested(payload) }
}

enum AdvEnumError: Error, Codable, Equatable {
    case withPayload(code: Int, reason: String)
    case plain
}

struct AdvThrowEnum: Job {
    var code: Int
    func run() throws -> Int { throw AdvEnumError.withPayload(code: code, reason: "bad \(code)") }
}

/// A Codable error that is a class.
final class AdvClassError: Error, Codable, @unchecked Sendable {
    var message: String
    init(message: String) { self.message = message }
}

struct AdvThrowClass: Job {
    func run() throws -> Int { throw AdvClassError(message: "from a class") }
}

/// An error that is a class and not Codable.
final class AdvOpaqueClassError: Error, CustomStringConvertible, @unchecked Sendable {
    var description: String { "opaque class error 77" }
}

struct AdvThrowOpaqueClass: Job {
    func run() throws -> Int { throw AdvOpaqueClassError() }
}

/// Reads standard input, which is /dev/null in a worker.
struct AdvReadStdin: Job {
    func run() -> String { readLine() ?? "<eof>" }
}

/// Leaves a thread running in the worker.
struct AdvLeaveThread: Job {
    func run() throws -> Int {
        let thread = PosixThread { while true { pause() } }
        try thread.start()
        return 1
    }
}

/// Forks a grandchild, reaps it behind ChildProcess's back, then signals it.
struct AdvSignalExternallyReaped: Job {
    func run() throws -> String {
        let child = try ChildProcess.fork { 0 }
        var status: Int32 = 0
        let reaped = waitpid(child.pid, &status, 0)
        guard reaped == child.pid else { return "waitpid failed" }
        child.terminate()  // documented: signalling an ended child does nothing
        child.kill()
        return "survived"
    }
}

/// Forks a grandchild, reaps it behind ChildProcess's back, then joins it.
struct AdvJoinExternallyReaped: Job {
    func run() throws -> String {
        let child = try ChildProcess.fork { 0 }
        var status: Int32 = 0
        _ = waitpid(child.pid, &status, 0)
        do {
            _ = try child.join(timeout: .seconds(5))
            return "joined"
        } catch {
            return "\(type(of: error)): \(error)"
        }
    }
}

/// Writes to a connection created in the worker after its peer is closed.
struct AdvPipeInWorker: Job {
    func run() throws -> String {
        let (a, b) = try Multiprocessing.Pipe().ends
        b.close()
        do {
            try a.send(String(repeating: "z", count: 1 << 20))
            return "sent"
        } catch {
            return "\(error == .peerClosed)"
        }
    }
}
