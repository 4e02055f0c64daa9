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
    ///   ``ProcessPoolError/jobEncodingFailed(typeName:description:)``.
    ///   What the job throws is not an error of `spawn`: ``SpawnedJob/join()`` throws it.
    ///   The corresponding C function is `posix_spawn`.
    public static func spawn<J: Job>(_ job: J, name: String? = nil, diesWithParent: Bool = false) throws -> SpawnedJob<J.Output> {
        try SpawnedJob(job, name: name ?? nextName(), diesWithParent: diesWithParent, inheritedDescriptor: nil)
    }
}
