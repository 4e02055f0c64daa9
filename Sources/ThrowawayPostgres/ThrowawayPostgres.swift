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
import Multiprocessing

/// A PostgreSQL server of its own in a temporary folder, for the tests, the
/// `distributed-map` example and the PostgreSQL benchmark: started the way
/// users start one (`initdb`, `pg_ctl start`), reached through a Unix socket
/// in that folder (no TCP port, so no port to collide on), and stopped and
/// deleted at the end.
///
/// PostgreSQL refuses to run as root, and CI runs as root: a root process
/// runs `initdb`, `pg_ctl` and `psql` as `nobody` (`setpriv`) and hands that
/// user the folder.
///
/// The server never outlives its owner: a watchdog shell, in a session of its
/// own, reads its standard input from a socket whose other end only this
/// process holds (close-on-exec). Whenever this process ends -- `stop()`, a
/// normal exit, a crash or SIGKILL -- the socket reaches end-of-file and the
/// watchdog shuts the server down immediately and deletes the folder.
public final class ThrowawayPostgres: @unchecked Sendable {
    /// The folder that holds everything: `data/`, the socket, `server.log`.
    public let directory: String
    /// A URL for `PostgresJobQueue.Configuration(url:)`, `psql` and Python
    /// clients: `postgres://postgres@/postgres?host=<directory>&port=5432`.
    public var url: String { url(database: "postgres") }

    private let binaries: String
    private let watchdog: ChildProgram
    private var watchdogPipe: Int32  // the write end; -1 once stopped

    /// The folder of PostgreSQL's server programs, or `nil` when this machine has none.
    ///
    /// `POSTGRES_BIN_DIR` if set, else Debian's newest `/usr/lib/postgresql/N/bin`,
    /// else the folder of an `initdb` on `PATH`.
    public static let binaryDirectory: String? = {
        let fileManager = FileManager.default
        func hasServer(_ folder: String) -> Bool {
            fileManager.isExecutableFile(atPath: folder + "/initdb")
                && fileManager.isExecutableFile(atPath: folder + "/pg_ctl")
                && fileManager.isExecutableFile(atPath: folder + "/postgres")
        }
        if let folder = ProcessInfo.processInfo.environment["POSTGRES_BIN_DIR"] {
            return hasServer(folder) ? folder : nil
        }
        let debian = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: debian)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where hasServer("\(debian)/\(version)/bin") {
            return "\(debian)/\(version)/bin"
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map(String.init).first(where: hasServer)
    }()

    /// Why ``start(settings:)`` cannot work here, or `nil` when it can.
    public static var unavailableReason: String? {
        binaryDirectory == nil
            ? "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found; install Debian's `postgresql` or set POSTGRES_BIN_DIR"
            : nil
    }

    /// Creates a cluster in a new temporary folder and starts its server.
    ///
    /// - Parameter settings: extra `postgresql.conf` settings (`fsync = off`
    ///   is set by default: a throwaway server needs no durability).
    public static func start(settings: [String: String] = [:]) throws -> ThrowawayPostgres {
        guard let binaries = binaryDirectory else { throw Failure(unavailableReason ?? "") }
        var template = Array((NSTemporaryDirectory() + "/swift-multiprocessing-pg.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        if geteuid() == 0, chown(directory, unprivilegedID, unprivilegedID) != 0 {
            rmdir(directory)
            throw Failure("chown \(directory) failed: errno \(errno)")
        }
        let cluster = try ThrowawayPostgres(directory: directory, binaries: binaries)
        do {
            try cluster.initialize(settings: settings)
            try cluster.runServerProgram(
                "pg_ctl", ["-D", cluster.dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60", "start"])
        } catch {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            cluster.stop()
            throw Failure("\(error)\n\(log.suffix(2_000))")
        }
        return cluster
    }

    private init(directory: String, binaries: String) throws {
        self.directory = directory
        self.binaries = binaries
        var ends: [Int32] = [-1, -1]
        // A socket pair rather than pipe2(2), which Glibc's module map hides:
        // both ends close-on-exec from the start, so no child inherits them.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw Failure("socketpair failed: errno \(errno)")
        }
        watchdogPipe = ends[1]
        do {
            watchdog = try ChildProgram(
                "/usr/bin/setsid", ["-w", "/bin/sh", "-c", Self.watchdogScript, "watchdog", directory],
                standardInput: ends[0])
            close(ends[0])
        } catch {
            close(ends[0])
            close(ends[1])
            rmdir(directory)
            throw error
        }
    }

    /// Waits for end-of-file on standard input, then stops the server at once
    /// (SIGQUIT: immediate shutdown), waits for it to exit and deletes the folder.
    private static let watchdogScript = """
        trap '' INT TERM HUP
        while read -r _; do :; done
        pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null)
        if [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null; then
            while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
        fi
        rm -rf "$1"
        """

    deinit { stop() }

    private var dataDirectory: String { directory + "/data" }

    /// A URL for `database` on this server.
    public func url(database: String) -> String {
        "postgres://postgres@/\(database)?host=\(directory)&port=5432"
    }

    private func initialize(settings: [String: String]) throws {
        try runServerProgram(
            "initdb",
            [
                "-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                "--no-sync", "--no-instructions",
            ])
        var conf = [
            "listen_addresses": "''",
            "unix_socket_directories": "'\(directory)'",
            "port": "5432",
            "fsync": "off",
            "max_connections": "200",
        ]
        conf.merge(settings) { _, new in new }
        let lines = conf.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.utf8))
    }

    /// Stops the server (fast shutdown: sessions are ended) and deletes the
    /// folder. Calling it again is not an error.
    public func stop() {
        guard watchdogPipe >= 0 else { return }
        _ = try? runServerProgram("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "30", "stop"])
        close(watchdogPipe)
        watchdogPipe = -1
        _ = try? watchdog.wait()
    }

    /// Restarts the server (fast shutdown: every session is cut), as an
    /// operator or a crash-restart would; clients must reconnect.
    public func restart() throws {
        try runServerProgram(
            "pg_ctl", ["-D", dataDirectory, "-l", directory + "/server.log", "-m", "fast", "-w", "-t", "60", "restart"])
    }

    /// Runs `sql` with `psql` (stopping at the first error) and returns what it printed, unaligned and tuples only.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try runServerProgram(
            "psql",
            [
                "-h", directory, "-p", "5432", "-U", "postgres", "-d", database,
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
            ])
    }

    // MARK: Running PostgreSQL's programs

    /// `nobody`/`nogroup`: whom the server runs as when this process is root.
    private static let unprivilegedID: UInt32 = 65534

    /// Runs one of PostgreSQL's programs (as `nobody` when this process is
    /// root) and returns its standard output; throws with its output if it fails.
    @discardableResult
    private func runServerProgram(_ name: String, _ arguments: [String]) throws -> String {
        let program = binaries + "/" + name
        var environment = ChildProgram.currentEnvironment()
        environment["LC_ALL"] = "C"
        environment["HOME"] = directory
        // env -C: PostgreSQL's programs need a working directory they may read.
        let command = ["/usr/bin/env", "-C", directory, program] + arguments
        let (succeeded, output) =
            geteuid() == 0
            ? try ChildProgram.run(
                "/usr/bin/setpriv",
                ["--reuid=\(Self.unprivilegedID)", "--regid=\(Self.unprivilegedID)", "--clear-groups", "--"]
                    + command, environment: environment)
            : try ChildProgram.run(command[0], Array(command.dropFirst()), environment: environment)
        guard succeeded else {
            throw Failure("\(name) \(arguments.joined(separator: " ")) failed:\n\(output)")
        }
        return output
    }

    /// Why a cluster could not be started or used.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed, with the program's output when there is some.
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
