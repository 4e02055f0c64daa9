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

internal import CMultiprocessing
internal import MultiprocessingPlatform
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A worker process just started: its pid, a pidfd to wait for it on, and the
/// pool's end of its socket (non-blocking, close-on-exec).
struct StartedWorker {
    var pid: pid_t
    var pidfd: PIDDescriptor
    var socket: Int32
}

/// Starts worker processes, by spawn or by fork: the pool's workers, and the
/// one-off processes of ``ChildProcess/spawn(_:name:diesWithParent:)``
/// (a worker given one job).
///
/// A worker that dies with its parent dies with the *thread* that created it
/// (the parent-death signal fires when that thread exits), so it must be
/// started from a thread that outlives it: the pool's I/O thread, or the
/// process's launcher thread (`ParentDeathLauncher`).
enum WorkerStarter {
    /// How a process is started, beyond its start method.
    struct Options {
        /// Whether it dies with the thread that starts it (pool workers always do).
        var diesWithParent = true
        /// Its name as the system shows it (at most 15 bytes); spawn only.
        var systemName: [CChar]?
        /// A descriptor it finds at `CMP_INHERITED_FD` (a Manager's listening socket); spawn only.
        var inheritedDescriptor: Int32?
    }

    static let workerFDVariable = CMP_WORKER_FD_VARIABLE
    static let parentPIDVariable = CMP_PARENT_PID_VARIABLE
    static let processNameVariable = CMP_PROCESS_NAME_VARIABLE
    /// Set for spawned workers unless the user chose: a crash reporter that
    /// prints a backtrace takes a second or more per crashed job.
    static let backtraceVariable = "SWIFT_BACKTRACE"

    /// References the C worker entry so the linker keeps its constructor.
    static func keepWorkerEntryLinked() {
        _ = cmp_worker_entry_anchor()
    }

    static func start(_ method: ProcessPool.StartMethod, options: Options = Options()) throws(Errno) -> StartedWorker {
        let (parentEnd, childEnd) = try makeWorkerSocketPair()
        let pid: pid_t
        do throws(Errno) {
            pid =
                switch method {
                case .spawn: try spawn(childEnd: childEnd, options: options)
                case .fork: try fork(childEnd: childEnd, parentEnd: parentEnd, diesWithParent: options.diesWithParent)
                }
        } catch {
            closeDescriptor(parentEnd)
            closeDescriptor(childEnd)
            throw error
        }
        closeDescriptor(childEnd)
        do throws(Errno) {
            return StartedWorker(pid: pid, pidfd: try PIDDescriptor.adoptChild(pid), socket: parentEnd)
        } catch {
            closeDescriptor(parentEnd)
            throw error
        }
    }

    /// A close-on-exec socket pair; the child's end is never descriptor 3, so
    /// that spawn's dup2 onto 3 clears close-on-exec on the copy.
    private static func makeWorkerSocketPair() throws(Errno) -> (parent: Int32, child: Int32) {
        var (parentEnd, childEnd) = try makeSocketPair()
        do throws(Errno) {
            if childEnd == CMP_WORKER_FD {
                let moved = try duplicateDescriptor(childEnd, atLeast: CMP_WORKER_FD + 1)
                closeDescriptor(childEnd)
                childEnd = moved
            }
            try setNonBlocking(parentEnd, true)
        } catch {
            closeDescriptor(parentEnd)
            closeDescriptor(childEnd)
            throw error
        }
        return (parentEnd, childEnd)
    }

    // MARK: Spawn

    private static func spawn(childEnd: Int32, options: Options) throws(Errno) -> pid_t {
        var owned: [UnsafeMutablePointer<CChar>] = [
            strdup("\(workerFDVariable)=\(CMP_WORKER_FD)"),
            strdup("\(parentPIDVariable)=\(options.diesWithParent ? getpid() : 0)"),
            strdup(CommandLine.arguments.first ?? "swift-multiprocessing-worker"),
            strdup("--swift-multiprocessing-worker"),
        ]
        defer { owned.forEach { free($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [owned[0], owned[1]]
        if let systemName = options.systemName {
            owned.append(
                strdup(
                    "\(processNameVariable)="
                        + String(decoding: systemName.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
            environment.append(owned.last!)
        }
        var hasBacktraceSetting = false
        if var entry = Optional(environ) {
            while let variable = entry.pointee {
                let text = String(cString: variable)
                if ![workerFDVariable, parentPIDVariable, processNameVariable].contains(where: {
                    text.hasPrefix($0 + "=")
                }) {
                    environment.append(variable)
                }
                hasBacktraceSetting = hasBacktraceSetting || text.hasPrefix(backtraceVariable + "=")
                entry += 1
            }
        }
        if !hasBacktraceSetting {
            owned.append(strdup("\(backtraceVariable)=enable=no"))
            environment.append(owned.last!)
        }
        environment.append(nil)
        let arguments: [UnsafeMutablePointer<CChar>?] = [owned[2], owned[3], nil]
        let inherited = try options.inheritedDescriptor.map(movedAboveSpawnTargets)
        defer { if let inherited, inherited != options.inheritedDescriptor { closeDescriptor(inherited) } }
        var pid: pid_t = 0
        let rc = cmp_spawn_worker("/proc/self/exe", arguments, environment, childEnd, inherited ?? -1, &pid)
        guard rc == 0 else { throw Errno(rawValue: rc) }
        return pid
    }

    /// `fd`, or a close-on-exec copy of it above the descriptors spawn moves
    /// things to (a dup2 onto itself would not clear close-on-exec).
    private static func movedAboveSpawnTargets(_ fd: Int32) throws(Errno) -> Int32 {
        guard fd == CMP_WORKER_FD || fd == CMP_INHERITED_FD else { return fd }
        return try duplicateDescriptor(fd, atLeast: CMP_INHERITED_FD + 1)
    }

    // MARK: Fork

    private static func fork(childEnd: Int32, parentEnd: Int32, diesWithParent: Bool) throws(Errno) -> pid_t {
        let parent = getpid()
        let pid = try forkProcess()
        if pid == 0 {
            // The child: only async-signal-safe C until the worker loop, which
            // is synchronous Swift (see ProcessPool.StartMethod.fork).
            close(parentEnd)
            if cmp_prepare_forked_worker(childEnd) != 0 {
                _exit(WorkerExit.connectionLost.rawValue)
            }
            _swiftMultiprocessingWorkerMain(CMP_WORKER_FD, diesWithParent ? parent : 0)
        }
        return pid
    }
}
