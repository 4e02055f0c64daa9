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

internal import Threading

extension ChildProcess {
    /// Runs `job` in a fresh process of this executable and returns at once:
    /// Python's `multiprocessing.Process` with the spawn start method.
    ///
    /// ```swift
    /// let render = try ChildProcess.spawn(RenderJob(scene: scene), name: "render")
    /// // … other work …
    /// let image = try render.join()      // the job's output, decoded
    /// ```
    ///
    /// The process starts as a ``ProcessPool``'s `.spawn` workers do
    /// (`posix_spawn` of `/proc/self/exe`, entered before `main`, the job's
    /// type found by its name with no registration), so it is safe whatever
    /// threads this process runs. It runs the one job, sends its output (or
    /// the error it threw) back, and exits.
    ///
    /// Shared objects travel as arguments do in Python's
    /// `Process(target=f, args=(lock, value, queue))`: a ``SharedValue``,
    /// ``ProcessLock``, ``ProcessQueue``, ``SharedMemory``… held by the job
    /// reach the process with their descriptors (`SCM_RIGHTS` on its
    /// socket, as a pool's jobs do), and those in its output, or in the
    /// error it throws, come back the same way.
    ///
    /// - Parameters:
    ///   - job: the job; it travels through its `Codable` conformance.
    ///   - name: the process's name (its thread name, shown by `ps -o comm`);
    ///     `ChildProcess-N` if `nil`.
    ///   - diesWithParent: Python's `daemon`: the process is killed when
    ///     this one ends, however it ends (see
    ///     ``fork(name:diesWithParent:_:)``). `false` (the default): it
    ///     finishes its job even if this process is gone.
    /// - Returns: the running job; ``SpawnedJob/process`` is among ``activeChildren``.
    /// - Throws: ``ChildProcessError/spawnFailed(_:)``;
    ///   ``ProcessPoolError/jobEncodingFailed(typeName:description:)`` when
    ///   the job does not encode, or the kernel refuses the descriptors of
    ///   its shared objects (`ETOOMANYREFS`, `ENOMEM`): the process started
    ///   for it is then killed and reaped.
    ///   What the job throws is not an error of `spawn`: ``SpawnedJob/join()`` throws it.
    ///   The corresponding C functions are `posix_spawn` and `sendmsg`.
    public static func spawn<J: Job>(_ job: J, name: String? = nil, diesWithParent: Bool = false) throws -> SpawnedJob<
        J.Output
    > {
        try SpawnedJob(job, name: name ?? nextName(), diesWithParent: diesWithParent, inheritedDescriptor: nil)
    }
}
