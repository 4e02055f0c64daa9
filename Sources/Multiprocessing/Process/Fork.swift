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

/// The package's one `fork(2)`, shared by ``ChildProcess/fork(name:diesWithParent:_:)`` and
/// the pool's ``ProcessPool/StartMethod/fork`` workers, with one stdio policy:
/// forks are serialized, standard output and error are flushed before it and
/// no `FILE` lock is held across it, and in the child their buffers start
/// empty and no signal is blocked. See `cmp_fork` in `CMultiprocessing.h`.
///
/// Returns 0 in the child and the child's pid in the parent.
///
/// The corresponding C function is `fork`.
func forkProcess() throws(Errno) -> pid_t {
    try valueOrErrno { cmp_fork() }
}

/// Flushes standard output and standard error only: in a forked child, other
/// `FILE`s may hold the half-done state of threads that do not exist there.
/// A child calls it before `_exit`, a pool worker after every job.
///
/// The corresponding C function is `fflush`.
func flushStandardStreams() {
    cmp_flush_standard_streams()
}
