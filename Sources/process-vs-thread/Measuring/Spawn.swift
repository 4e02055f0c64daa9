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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw DemoError.system("waitpid", errno) }
        }
        return status
    }
}
