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

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Python's figures for the same workloads, measured by `Benchmarks/Python/ipc_peer.py`.
struct PythonFigures: Decodable {
    var small_rtt_us: Double
    var bytes4k_rtt_us: Double
    var throughput_gbps: Double
    var python: String
}

/// Runs the Python peer script and parses the JSON line it prints.
func runPythonPeer(python: String, script: String, iterations: Int, messages: Int, runs: Int, pin: Bool) throws
    -> PythonFigures
{
    var arguments = [
        python, script, "--json", "--iterations", "\(iterations)",
        "--messages", "\(messages)", "--runs", "\(runs)",
    ]
    if pin { arguments.append("--pin") }
    let output = try captureOutput(arguments)
    guard let line = output.split(separator: "\n").last else {
        throw BenchmarkError("the Python peer printed nothing")
    }
    return try JSONDecoder().decode(PythonFigures.self, from: Data(line.utf8))
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command (searched in PATH) and returns its standard output; fails on a non-zero exit.
func captureOutput(_ arguments: [String]) throws -> String {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw BenchmarkError("pipe failed") }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    var argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
    close(fds[1])
    guard rc == 0 else {
        close(fds[0])
        throw BenchmarkError("cannot run \(arguments[0]): error \(rc)")
    }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fds[0], &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        output += chunk[..<count]
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    guard status == 0 else { throw BenchmarkError("\(arguments.joined(separator: " ")) failed: status \(status)") }
    return String(decoding: output, as: UTF8.self)
}
