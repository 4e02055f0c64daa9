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

import MultiprocessingPlatform
import MultiprocessingTestSupport
import SystemPackage
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The Python interpreters interoperability is tested against: the
/// machine's `python3` (3.11 here: the legacy HMAC-MD5 handshake) and
/// pyenv's 3.12 and 3.13 (the `{sha256}` handshake). A missing one is
/// skipped with a note printed in the test output; CI's fresh machine has
/// `python3` but may have no pyenv.
struct PythonInterpreter: Sendable, CustomStringConvertible {
    let label: String
    let path: String

    var description: String { label }

    /// `python3` on `PATH`, or `nil` with a note.
    static let system: PythonInterpreter? = {
        let directories = (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin").split(separator: ":")
        for directory in directories where access("\(directory)/python3", X_OK) == 0 {
            return PythonInterpreter(label: "python3", path: "\(directory)/python3")
        }
        print("note: no python3 on PATH; Python interoperability tests are skipped")
        return nil
    }()

    /// pyenv's newest `3.MINOR.x`, or `nil` with a note.
    static func pyenv(_ minor: Int) -> PythonInterpreter? {
        let root =
            getenv("PYENV_ROOT").map { String(cString: $0) }
            ?? (getenv("HOME").map { String(cString: $0) } ?? "/root") + "/.pyenv"
        let versions = directoryEntries("\(root)/versions")
            .filter { $0.hasPrefix("3.\(minor).") }
            .sorted {
                $0.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(
                    $1.split(separator: ".").compactMap { Int($0) })
            }
        guard let version = versions.last, access("\(root)/versions/\(version)/bin/python3", X_OK) == 0 else {
            print("note: pyenv has no Python 3.\(minor) under \(root)/versions; its interoperability tests are skipped")
            return nil
        }
        return PythonInterpreter(label: "pyenv \(version)", path: "\(root)/versions/\(version)/bin/python3")
    }

    /// Every interpreter found: the system's, then pyenv's 3.12 and 3.13.
    static let all: [PythonInterpreter] = [system, pyenv(12), pyenv(13)].compactMap { $0 }

    private static func directoryEntries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}

/// A Python script running beside the test, its output captured.
final class PythonProcess: Sendable {
    private let pid: pid_t
    private let process: PIDDescriptor
    private let output: Int32

    init(_ interpreter: PythonInterpreter, script: String, arguments: [String] = []) throws {
        let (readEnd, writeEnd) = try makeSocketPair()
        defer { closeDescriptor(writeEnd) }
        do {
            (pid, process) = try spawnProgram(
                interpreter.path, ["-c", script] + arguments,
                descriptors: [1: writeEnd, 2: writeEnd])
        } catch {
            closeDescriptor(readEnd)
            throw error
        }
        output = readEnd
    }

    deinit {
        process.killAndReap()
        process.close()
        closeDescriptor(output)
    }

    /// Whether the script has exited (not reaped).
    var hasExited: Bool { (try? process.waitForExit(until: .now)) == true }

    /// Waits for the script to end (killing it after `timeout`) and returns
    /// its exit status and everything it printed.
    func finish(timeout: Duration = .seconds(30)) throws -> (status: Int32, output: String) {
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Deadline.after(timeout)
        while true {
            if try pollReadable([output], until: deadline).isEmpty {
                kill(pid, SIGKILL)
                text += Array("\n[killed after \(timeout)]".utf8)
                break
            }
            let count = try valueOrErrno { read(output, &buffer, buffer.count) }
            if count == 0 { break }
            text += buffer[..<count]
        }
        let status = try process.reap(blocking: true) ?? -1
        return (status, String(decoding: text, as: UTF8.self))
    }
}
