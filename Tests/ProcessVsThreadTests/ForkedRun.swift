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

/// Runs the demo's command with `arguments` in a forked child (single-threaded,
/// as the demo expects) and returns its standard output, which the child writes
/// to a temporary file; standard error, where `--json` sends progress, is discarded.
func runDemoInChild(_ arguments: [String], timeout: Duration = .seconds(50)) throws -> String {
    let outputPath = temporaryPath("stdout.txt")
    defer { unlink(outputPath) }
    let child = try ChildProcess.fork(name: "test-demo") {
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let null = open("/dev/null", O_WRONLY)
        guard output >= 0, null >= 0 else { return 2 }
        dup2(output, STDOUT_FILENO)
        dup2(null, STDERR_FILENO)
        let command = try ProcessVsThread.parse(arguments)
        try command.run()
        return 0
    }
    guard let status = try child.join(timeout: timeout) else {
        child.kill()
        _ = try child.join()
        throw DemoError.childFailed("the demo did not finish within \(timeout)")
    }
    guard status == .exited(0) else { throw DemoError.childFailed("the demo \(status)") }
    return try String(contentsOfFile: outputPath, encoding: .utf8)
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
