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
internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Another program, started with `posix_spawn(3)` and reaped with
/// `waitpid(2)`: PostgreSQL's programs, the watchdog, worker processes.
///
/// Foundation's `Process` is not used: its `waitUntilExit()` never returned
/// here when called from an `async` `main` (it waits on the main run loop,
/// which that thread does not run). The child's signal mask and dispositions
/// are reset to the defaults (`POSIX_SPAWN_SETSIGMASK`, `POSIX_SPAWN_SETSIGDEF`),
/// so a parent that ignores SIGTERM or SIGINT does not pass that on.
public final class ChildProgram: @unchecked Sendable {
    /// The child's process id.
    public let pid: Int32
    /// The read end of the child's standard output and error, when captured.
    public let output: Int32?
    private var status: Int32?  // guarded by `lock`
    private let lock = Lock()
    /// For a tied child: this process's end of the child's standard input.
    private let tie: Int32?

    /// Starts `path` with `arguments` (not counting `argv[0]`).
    ///
    /// - Parameters:
    ///   - standardInput: a descriptor the child reads as its standard input
    ///     (it stays open in this process), or `nil` for `/dev/null`.
    ///   - captureOutput: whether standard output and error go to ``output``
    ///     (otherwise to `/dev/null`).
    ///   - tiedToThisProcess: the child's standard input is a socket whose
    ///     other end only this process holds (close-on-exec), until this
    ///     object goes away: a child that calls ``exitWhenParentExits()``
    ///     then dies with this process, however it ends. Overrides `standardInput`.
    public init(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        standardInput: Int32? = nil, captureOutput: Bool = false, tiedToThisProcess: Bool = false
    ) throws {
        var standardInput = standardInput
        // (child's end, this process's end), both close-on-exec.
        let tieEnds = try tiedToThisProcess ? makeSocketPair() : nil
        if let tieEnds { standardInput = tieEnds.0 }
        defer { if let tieEnds { closeDescriptor(tieEnds.0) } }
        // (this process's end, child's end).
        let captured: (Int32, Int32)?
        do {
            captured = try captureOutput ? makeSocketPair() : nil
        } catch {
            if let tieEnds { closeDescriptor(tieEnds.1) }
            throw error
        }
        defer { if let captured { closeDescriptor(captured.1) } }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        if let standardInput {
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for target: Int32 in [1, 2] {
            if let captured {
                posix_spawn_file_actions_adddup2(&actions, captured.1, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        var defaults = sigset_t()
        var empty = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let environment = environment ?? Self.currentEnvironment()
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            if let captured { closeDescriptor(captured.0) }
            if let tieEnds { closeDescriptor(tieEnds.1) }
            throw Errno(rawValue: rc)
        }
        pid = child
        output = captured?.0
        tie = tieEnds?.1
    }

    deinit {
        if let output { closeDescriptor(output) }
        if let tie { closeDescriptor(tie) }
    }

    /// In a child started tied to its parent: exits this process (`_exit(0)`)
    /// as soon as standard input reaches end-of-file, that is when the parent
    /// is gone. Watches from a thread of its own.
    public static func exitWhenParentExits() throws {
        let watcher = PosixThread(name: "parent-watch") {
            var byte: UInt8 = 0
            // EINTR is retried; end-of-file or an error means the parent is gone.
            while let count = try? valueOrErrno({ read(STDIN_FILENO, &byte, 1) }), count > 0 {}
            _exit(0)
        }
        try watcher.start()
    }

    /// Starts a tied child whose output is captured, and waits until it
    /// prints its first line (its readiness), which is returned.
    ///
    /// - Throws: ``NotReady`` (with what it printed) if it prints nothing
    ///   within `timeout`; the child is then killed.
    public static func startTied(
        _ path: String, _ arguments: [String],
        readyWithin timeout: Duration = .seconds(60)
    ) throws -> (ChildProgram, String) {
        let child = try ChildProgram(path, arguments, captureOutput: true, tiedToThisProcess: true)
        guard let line = try child.readLine(timeout: timeout) else {
            child.send(SIGKILL)
            throw NotReady(output: (try? child.readAllOutput()) ?? "")
        }
        return (child, line)
    }

    /// A tied child that did not print its readiness line.
    public struct NotReady: Error, CustomStringConvertible {
        /// Everything the child printed before it was killed (possibly nothing).
        public var output: String
        /// The error for a child that printed `output` and no readiness line.
        public init(output: String) { self.output = output }
        /// "the child did not get ready; it printed:" and its output.
        public var description: String { "the child did not get ready; it printed:\n\(output)" }
    }

    /// This process's environment.
    public static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    /// Waits for the child to exit and returns its raw wait status (`WIFEXITED` and so on).
    @discardableResult
    public func wait() throws -> Int32 {
        if let status = lock.withLock({ status }) { return status }
        var raw: Int32 = 0
        _ = try valueOrErrno { waitpid(pid, &raw, 0) }
        lock.withLock { status = raw }
        return raw
    }

    /// Whether the child exited with status 0.
    public func succeeded() throws -> Bool {
        let raw = try wait()
        return raw & 0x7f == 0 && (raw >> 8) & 0xff == 0
    }

    /// Sends `signal` to the child, unless it has been reaped already.
    public func send(_ signal: Int32) {
        lock.withLock {
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Reads the captured output until end-of-file (the child, and every
    /// process it passed the output to, closed it).
    public func readAllOutput() throws -> String {
        guard let output else { return "" }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try valueOrErrno { read(output, &buffer, buffer.count) }
            if count == 0 { break }
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads one line of the captured output, waiting at most `timeout`;
    /// `nil` at end-of-file or when the time is up.
    public func readLine(timeout: Duration) throws -> String? {
        guard let output else { return nil }
        let deadline = ContinuousClock.now + timeout
        var line: [UInt8] = []
        while true {
            let left = deadline - .now
            guard left > .zero else { return nil }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(
                min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            guard try valueOrErrno({ poll(&poller, 1, milliseconds) }) > 0 else { continue }
            var byte: UInt8 = 0
            let count = try valueOrErrno { read(output, &byte, 1) }
            if count == 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Runs `path` to its end and returns its exit status and output.
    public static func run(
        _ path: String, _ arguments: [String],
        environment: [String: String]? = nil
    ) throws -> (succeeded: Bool, output: String) {
        let child = try ChildProgram(path, arguments, environment: environment, captureOutput: true)
        let output = try child.readAllOutput()
        return (try child.succeeded(), output)
    }
}
