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

#if canImport(Glibc)
    import Glibc
#endif

/// The entry of a pool worker: called before `main` by the C constructor in
/// `worker_entry.c` when the process was spawned as a worker (or directly in
/// the child of a forked worker), with the worker's socket at descriptor 3.
/// It runs the worker loop and never returns.
///
/// Not API: public only so that the C side can call it.
@_cdecl("swift_multiprocessing_worker_main")
public func _swiftMultiprocessingWorkerMain(_ fd: Int32, _ parent: Int32) -> Never {
    // Dies with the thread that created it (PR_SET_PDEATHSIG): the pool's
    // I/O thread, or the launcher thread of a job spawned with
    // `diesWithParent`; a parent of 0 is a job that outlives its parent.
    if parent != 0 { ParentDeathLauncher.armInChild(parent: parent) }
    // The socket is the worker's alone: a program a job executes must not inherit it.
    do {
        try setCloseOnExec(fd)
    } catch {
        WorkerExit.connectionLost.exit()
    }
    var loop = WorkerLoop(fd: fd)
    loop.run()
}

/// How a worker process ends, as its exit status. (A worker whose parent
/// died before its parent-death signal was armed exits with
/// `ParentDeathLauncher.orphanedExitCode`, 70, as every such child does.)
enum WorkerExit: Int32 {
    /// The pool closed the socket: the normal end.
    case finished = 0
    /// Reading from or writing to the pool failed.
    case connectionLost = 71
    /// The pool sent something the worker cannot read.
    case malformedMessage = 72
    /// The initializer failed (after reporting it).
    case initializerFailed = 73

    func exit() -> Never {
        flushStandardStreams()
        _exit(rawValue)
    }
}
