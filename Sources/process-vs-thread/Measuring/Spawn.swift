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

internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a program the way a shell or Foundation's `Process` does: a fresh
/// executable image, nothing copied from this process's memory.
enum Spawn {
    /// The program spawned to measure start-up: it exits with 0 at once.
    static let trueProgram: String = {
        let candidates: [String] = ["/bin/true", "/usr/bin/true"]
        return candidates.first { access($0, X_OK) == 0 } ?? candidates[0]
    }()

    /// Runs `path` with no arguments and waits for it; returns its wait status
    /// (0 when it exited with code 0).
    ///
    /// - Throws: ``DemoError/system(_:_:)`` if `posix_spawn` or `waitpid` fails.
    static func runAndWait(_ path: String) throws -> Int32 {
        var pid: pid_t = 0
        let argument = strdup(path)
        defer { free(argument) }
        let argv: [UnsafeMutablePointer<CChar>?] = [argument, nil]
        let rc = argv.withUnsafeBufferPointer { argv in
            posix_spawn(&pid, path, nil, nil, argv.baseAddress!, environ)
        }
        guard rc == 0 else { throw DemoError.system("posix_spawn", rc) }
        return try waitForExit(pid)
    }

    /// Runs `program` (looked up in `PATH` if it has no slash) with
    /// `arguments`, stdin from `/dev/null`, and returns its wait status and
    /// what it wrote to standard output and error (together).
    ///
    /// - Throws: ``DemoError/system(_:_:)`` if the program cannot be started
    ///   (`ENOENT`: it is not installed) or waited for.
    static func runCapturingOutput(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let ends: (Int32, Int32)
        do {
            ends = try makeSocketPair()
        } catch {
            throw DemoError.system("socketpair", error.rawValue)
        }
        defer { closeDescriptor(ends.0) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends.1, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, ends.1, STDERR_FILENO)
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, program, &actions, nil, &argv, environ)
        closeDescriptor(ends.1)
        guard rc == 0 else { throw DemoError.system("posix_spawnp(\(program))", rc) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            // A read error ends the output as end-of-file does; the wait status still tells how the program ended.
            let count = chunk.withUnsafeMutableBytes { raw in
                (try? valueOrErrno { Glibc.read(ends.0, raw.baseAddress, raw.count) }) ?? 0
            }
            if count == 0 { break }
            output += chunk[..<count]
        }
        return (try waitForExit(pid), String(decoding: output, as: UTF8.self))
    }

    /// Waits for child `pid` to exit and returns its wait status.
    private static func waitForExit(_ pid: pid_t) throws -> Int32 {
        var status: Int32 = 0
        do {
            _ = try valueOrErrno { waitpid(pid, &status, 0) }
        } catch {
            throw DemoError.system("waitpid", error.rawValue)
        }
        return status
    }
}
