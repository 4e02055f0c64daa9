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
import Synchronization
import SystemPackage
internal import Threading

#if canImport(Glibc)
    import Glibc
#endif

/// The thread that starts every child that must die with its parent
/// (``ChildProcess/fork(name:diesWithParent:_:)`` and
/// ``ChildProcess/spawn(_:name:diesWithParent:)`` with `diesWithParent`).
///
/// `PR_SET_PDEATHSIG` fires when the *thread* that created the child exits,
/// not when its process does: a child started from a short-lived thread
/// would be killed with that thread. So such children are started by this
/// thread, which is created at first use and lives as long as the process.
/// (The pool's workers are started by its I/O thread, for the same reason.)
///
/// In a forked child the launcher of the parent does not exist (only the
/// forking thread was copied): there, children are started from the calling
/// thread, and die when it ends.
final class ParentDeathLauncher: @unchecked Sendable {
    static let shared = ParentDeathLauncher()

    /// The exit code of a child whose parent died before the child armed
    /// its parent-death signal (a pool worker's too).
    static let orphanedExitCode: Int32 = 70

    private let callers = Threading.Lock()
    private let requested = Semaphore(value: 0)
    private let finished = Semaphore(value: 0)
    private var request: (() -> Void)?
    private let thread = Mutex<PosixThread?>(nil)
    /// The fork generation the launcher belongs to.
    private let generation = cmp_fork_generation()

    /// In a child just forked from `parent`: arms the parent-death signal, or
    /// exits with ``orphanedExitCode`` if the parent died before it was armed.
    /// Async-signal-safe. The corresponding C function is `prctl(PR_SET_PDEATHSIG)`.
    static func armInChild(parent: Int32) {
        if cmp_arm_parent_death_signal(parent) != 0 { _exit(orphanedExitCode) }
    }

    /// Runs `body` (which starts a child) on the launcher thread and returns its result.
    func perform<R>(_ body: () throws(Errno) -> R) throws(Errno) -> R {
        guard cmp_fork_generation() == generation else { return try body() }
        return try callers.withLock { () throws(Errno) -> R in
            try startThreadIfNeeded()
            var result: Result<R, Errno>?
            withoutActuallyEscaping(body) { body in
                request = { result = Result { () throws(Errno) in try body() } }
                requested.release()
                finished.acquire()
            }
            return try result!.get()
        }
    }

    private func startThreadIfNeeded() throws(Errno) {
        try thread.withLock { (thread) throws(Errno) in
            guard thread == nil else { return }
            let launcher = PosixThread(name: "mp-launcher") { [unowned self] in self.serve() }
            do {
                try launcher.start()
            } catch {
                throw .resourceTemporarilyUnavailable
            }
            thread = launcher
        }
    }

    private func serve() {
        while true {
            requested.acquire()
            request?()
            request = nil
            finished.release()
        }
    }
}
