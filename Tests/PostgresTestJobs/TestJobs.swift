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

#if Postgres
    public import Multiprocessing
    import Foundation

    // Jobs the PostgreSQL tests submit, in a library that both the test runner
    // and the worker executable (postgres-test-worker) link: a job's type is
    // found by name in the worker's own executable.

    /// Squares a number.
    public struct Square: Job {
        public var x: Int
        public init(x: Int) { self.x = x }
        public func run() -> Int { x * x }
    }

    /// An output with some structure.
    public struct Summary: Codable, Sendable, Equatable {
        public var count: Int
        public var mean: Double
        public var labels: [String: Int]
        public init(count: Int, mean: Double, labels: [String: Int]) {
            self.count = count
            self.mean = mean
            self.labels = labels
        }
    }

    /// Summarizes numbers into a ``Summary``.
    public struct Summarize: Job {
        public var values: [Double]
        public var label: String
        public init(values: [Double], label: String) {
            self.values = values
            self.label = label
        }
        public func run() -> Summary {
            Summary(
                count: values.count, mean: values.reduce(0, +) / Double(max(values.count, 1)),
                labels: [label: values.count])
        }
    }

    /// A job's own Codable error.
    public enum ValidationError: Error, Codable, Equatable {
        case tooLarge(limit: Int, got: Int)
    }

    /// Throws ``ValidationError`` when `x` exceeds `limit`.
    public struct Validate: Job {
        public var x: Int
        public var limit: Int
        public init(x: Int, limit: Int) {
            self.x = x
            self.limit = limit
        }
        public func run() throws -> Int {
            guard x <= limit else { throw ValidationError.tooLarge(limit: limit, got: x) }
            return x
        }
    }

    /// An error that is not Codable.
    public struct PlainError: Error, CustomStringConvertible {
        public var description: String { "plain failure" }
    }

    /// Throws ``PlainError``.
    public struct ThrowPlain: Job {
        public init() {}
        public func run() throws -> Int { throw PlainError() }
    }

    /// Appends a line to a file (O_APPEND: whole lines, however many processes
    /// write), then returns; `pause` seconds of sleep first.
    public struct AppendLine: Job {
        public var path: String
        public var line: String
        public var pause: Double
        public init(path: String, line: String, pause: Double = 0) {
            self.path = path
            self.line = line
            self.pause = pause
        }
        public func run() throws -> String {
            if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
            try TestFiles.append(line, to: path)
            return line
        }
    }

    /// Writes its process id to `path` as it starts, then sleeps `seconds`;
    /// returns the process id.
    public struct HoldAndReport: Job {
        public var path: String
        public var seconds: Double
        public init(path: String, seconds: Double) {
            self.path = path
            self.seconds = seconds
        }
        public func run() throws -> Int32 {
            try TestFiles.append("\(getpid())", to: path)
            usleep(UInt32(seconds * 1_000_000))
            return getpid()
        }
    }

    /// Fails with ``ValidationError`` until it has run `succeedOn` times
    /// (counted in a file), then returns the attempt number.
    public struct Flaky: Job {
        public var counterPath: String
        public var succeedOn: Int
        public init(counterPath: String, succeedOn: Int) {
            self.counterPath = counterPath
            self.succeedOn = succeedOn
        }
        public func run() throws -> Int {
            try TestFiles.append("x", to: counterPath)
            let attempt = try TestFiles.lines(counterPath).count
            guard attempt >= succeedOn else { throw ValidationError.tooLarge(limit: succeedOn, got: attempt) }
            return attempt
        }
    }

    /// Kills the process that runs it (SIGKILL): a job that keeps killing its workers.
    public struct KillMyWorker: Job {
        public init() {}
        public func run() -> Int {
            kill(getpid(), SIGKILL)
            return 0
        }
    }

    /// Returns the wall-clock time (seconds since 1970) at which it started.
    public struct StartTime: Job {
        public init() {}
        public func run() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
    }

    /// Small file helpers shared by the jobs and the tests.
    public enum TestFiles {
        public static func append(_ line: String, to path: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ValidationError.tooLarge(limit: 0, got: Int(errno)) }
            defer { close(fd) }
            let bytes = Array((line + "\n").utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else {
                throw ValidationError.tooLarge(limit: 1, got: Int(errno))
            }
        }

        public static func lines(_ path: String) throws -> [String] {
            guard FileManager.default.fileExists(atPath: path) else { return [] }
            return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        }
    }
#endif
