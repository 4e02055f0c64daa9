import Foundation
import Synchronization
import Multiprocessing
@testable import process_vs_thread

/// Runs `body` in a forked child and returns what it sends back.
///
/// The test runner has many threads, which would spoil measurements of this
/// process's memory and make the demo's fork-safety check refuse; a forked
/// child has exactly one thread. Call the same code once in the parent first,
/// so that the type metadata it needs exists before the fork.
func inForkedChild<T: Codable & Sendable>(timeout: Duration = .seconds(45), _ body: @escaping () throws -> T) throws -> T {
    let (parentEnd, childEnd) = try Pipe().ends
    let child = try ChildProcess.fork(name: "test-child") {
        try childEnd.send(try body())
        return 0
    }
    childEnd.close()
    defer { parentEnd.close() }
    guard try parentEnd.poll(timeout: timeout) else {
        child.kill()
        _ = try child.join()
        throw DemoError.childFailed("the test child answered nothing within \(timeout)")
    }
    let value = try parentEnd.receive(T.self)
    guard try child.join() == .exited(0) else { throw DemoError.childFailed("the test child failed") }
    return value
}

/// Runs the demo's command with `arguments` in a freshly spawned process —
/// a ProcessPool worker, which is single-threaded as the demo expects — and
/// returns its standard output.
///
/// Not in a child forked from this multi-threaded test runner: there, the
/// forking thread's id cached by `Synchronization.Mutex` is stale, and the
/// demo's pools crash on the first contended lock (see docs-draft/).
func runDemoInFreshProcess(_ arguments: [String], timeout: Duration = .seconds(50)) throws -> String {
    let pool = try ProcessPool(workers: 1, options: .init(maxJobsPerWorker: 1, jobTimeout: timeout))
    defer { pool.shutdown(wait: true) }
    return try pool.submit(RunDemo(arguments: arguments, outputPath: temporaryPath("stdout.txt"),
                                   errorPath: temporaryPath("stderr.txt"))).wait()
}

/// Runs the demo's command in the process running the job, with standard
/// output and error sent to files; returns what it wrote to standard output.
struct RunDemo: Job {
    struct Failed: Error, Codable, CustomStringConvertible {
        var description: String
    }

    var arguments: [String]
    var outputPath: String
    var errorPath: String

    func run() throws -> String {
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let error = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0, error >= 0 else { throw Failed(description: "cannot create \(outputPath)") }
        fflush(nil)
        dup2(output, STDOUT_FILENO)
        dup2(error, STDERR_FILENO)
        do {
            let command = try ProcessVsThread.parse(arguments)
            try command.run()
        } catch {
            fflush(nil)
            let log = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw Failed(description: "the demo failed: \(error); the end of its standard error:\n\(log.suffix(2_000))")
        }
        fflush(nil)
        return try String(contentsOfFile: outputPath, encoding: .utf8)
    }
}

/// A path in the temporary directory unique to this process and call.
func temporaryPath(_ name: String) -> String {
    let counter = TemporaryNames.next()
    return NSTemporaryDirectory() + "process-vs-thread-test-\(getpid())-\(counter)-\(name)"
}

enum TemporaryNames {
    private static let counter = Mutex(0)
    static func next() -> Int { counter.withLock { $0 += 1; return $0 } }
}
