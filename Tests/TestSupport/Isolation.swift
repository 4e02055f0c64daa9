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

package import MultiprocessingPlatform
import SystemPackage
package import Testing

#if canImport(Glibc)
    package import Glibc
#endif

/// A failed check inside an isolated runner (where `#expect` cannot report).
package struct CheckFailure: Error, CustomStringConvertible {
    package var description: String

    package init(description: String) {
        self.description = description
    }
}

/// Throws a ``CheckFailure`` naming the line unless `condition` holds.
package func check(_ condition: Bool, _ message: @autoclosure () -> String = "", line: Int = #line) throws {
    if !condition { throw CheckFailure(description: "check failed at line \(line): \(message())") }
}

/// Throws a ``CheckFailure`` unless `body` throws exactly `expected`.
package func checkThrows<T, E: Error & Equatable>(_ expected: E, line: Int = #line, _ body: () throws -> T) throws {
    do {
        _ = try body()
        throw CheckFailure(description: "line \(line): expected \(expected), nothing was thrown")
    } catch let error as CheckFailure {
        throw error
    } catch {
        try check(error as? E == expected, "expected \(expected), got \(error)", line: line)
    }
}

/// Runs `body` alone in a fresh test runner: the test binary is spawned
/// again (`posix_spawn` of `/proc/self/exe`) with a filter that selects only
/// the calling test, and there `body` runs in-process. The test fails if the
/// spawned runner does (or has not finished after `timeout`: it is then
/// killed), and its output is attached to the failure. `output`, if given,
/// then examines what the runner printed (its standard output and error,
/// which are a socket, not a terminal).
///
/// Why: tests run in parallel, and a child that another test forks inherits
/// copies of every descriptor open at that instant; a copy of a closed end
/// delays end of stream (and `EPIPE`) until that child exits, and
/// process-wide counts (descriptors, resident memory) move with other tests.
/// Forking an isolated child from the test runner instead is not safe: a
/// child of a multi-threaded process can deadlock on a runtime lock (the
/// generic-metadata cache) another thread held at the fork — observed here.
/// Isolated tests must not be parameterized (each case would rerun them all).
package func runIsolated(
    in suite: Any.Type, function: String = #function, timeout: Duration = .seconds(50),
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void,
    output: ((String) -> Void)? = nil
) throws {
    if getenv(isolationMarker) != nil {
        return try body()
    }
    let name = String(reflecting: suite).split(separator: ".").last.map(String.init) ?? ""
    let filter = escapeForRegex("\(name)/\(function)")
    let (status, text) = try runProgram(
        "/proc/self/exe", ["--testing-library", "swift-testing", "--filter", filter],
        environment: ["\(isolationMarker)=1"], timeout: timeout)
    if status != 0 {
        Issue.record(
            "isolated run of \(name)/\(function) failed (status \(status)):\n\(text)",
            sourceLocation: sourceLocation)
    }
    if !text.contains("1 test") {
        Issue.record("the isolated run did not run exactly this test:\n\(text)", sourceLocation: sourceLocation)
    }
    output?(text)
}

private let isolationMarker = "MULTIPROCESSING_TEST_ISOLATED"

private func escapeForRegex(_ text: String) -> String {
    var escaped = ""
    for character in text {
        if "\\^$.|?*+()[]{}".contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return "^.*" + escaped
}

/// Runs `path` (looked up in `PATH` if it has no slash) with `arguments`,
/// this process's environment plus `environment`, and `descriptors` (the
/// key becomes the value's number in the child); returns its wait status and
/// its combined standard output and error. Killed after `timeout`.
package func runProgram(
    _ path: String, _ arguments: [String], environment: [String] = [], descriptors: [Int32: Int32] = [:],
    timeout: Duration
) throws -> (status: Int32, output: String) {
    let (readEnd, writeEnd) = try makeSocketPair()
    defer { closeDescriptor(readEnd) }
    let child: (pid: pid_t, process: PIDDescriptor)
    do {
        defer { closeDescriptor(writeEnd) }
        child = try spawnProgram(
            path, arguments, environment: environment,
            descriptors: descriptors.merging([1: writeEnd, 2: writeEnd]) { $1 })
    }
    defer { child.process.close() }
    var output: [UInt8] = []
    let deadline = Deadline.after(timeout)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        if try pollReadable([readEnd], until: deadline).isEmpty {
            kill(child.pid, SIGKILL)
            output += Array("\n[killed after \(timeout)]".utf8)
            break
        }
        let count = try valueOrErrno { read(readEnd, &buffer, buffer.count) }
        if count == 0 { break }
        output += buffer[..<count]
    }
    let status = try child.process.reap(blocking: true) ?? -1
    return (status, String(decoding: output, as: UTF8.self))
}

/// Starts `path` (looked up in `PATH` if it has no slash) as `posix_spawnp`
/// does, with `descriptors` moved into place (key: the number in the child);
/// returns its pid and a pidfd to wait for it with.
package func spawnProgram(
    _ path: String, _ arguments: [String], environment: [String] = [], descriptors: [Int32: Int32] = [:]
) throws -> (pid: pid_t, process: PIDDescriptor) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for (target, source) in descriptors { posix_spawn_file_actions_adddup2(&actions, source, target) }
    var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var environ = environment.map { strdup($0) }
    var entry = Glibc.environ
    while let variable = entry.pointee {
        environ.append(strdup(variable))
        entry += 1
    }
    environ.append(nil)
    defer { environ.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, path, &actions, nil, &argv, &environ)
    guard rc == 0 else { throw Errno(rawValue: rc) }
    return (pid, try PIDDescriptor.adoptChild(pid))
}
