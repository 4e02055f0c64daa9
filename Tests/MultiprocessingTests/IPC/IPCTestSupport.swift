import Testing
import SystemPackage
@testable import Multiprocessing
import MultiprocessingPlatform
#if canImport(Glibc)
import Glibc
#endif

/// A raw pthread for tests that need a second thread (a concurrent reader, a
/// thread to interrupt with signals), independent of the Threading module.
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void
    private let unblockedSignal: Int32?

    /// Starts `body` on a new thread. The test runner's threads block most
    /// signals (and a new thread inherits its creator's mask), so a thread
    /// meant to be interrupted unblocks `unblocking` first.
    init(unblocking signal: Int32? = nil, _ body: @escaping @Sendable () -> Void) {
        self.body = body
        self.unblockedSignal = signal
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            let me = Unmanaged<TestThread>.fromOpaque(context!).takeRetainedValue()
            if let signal = me.unblockedSignal {
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, signal)
                precondition(pthread_sigmask(SIG_UNBLOCK, &set, nil) == 0)
            }
            me.body()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    var handle: pthread_t { thread }

    func join() {
        precondition(pthread_join(thread, nil) == 0)
    }
}

/// A value set by one thread and read by another.
final class Box<Value>: @unchecked Sendable {
    private let lock = PThreadMutex()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// Writes raw bytes to a descriptor, bypassing the framing (to fake a peer).
func writeRaw(_ fd: Int32, _ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
        try DescriptorIO.writeAll(fd, isSocket: true, buffer)
    }
}

/// A 4-byte big-endian length header (Python's short form).
func shortHeader(_ count: UInt32) -> [UInt8] {
    withUnsafeBytes(of: count.bigEndian, Array.init)
}

/// The marker -1 then an 8-byte big-endian length (Python's long form).
func longHeader(_ count: UInt64) -> [UInt8] {
    [0xFF, 0xFF, 0xFF, 0xFF] + withUnsafeBytes(of: count.bigEndian, Array.init)
}

/// Whether every byte of `bytes` is `value` (checked a megabyte at a time with
/// `memcmp`: fast enough for gigabytes in a debug build).
func isFilled(_ bytes: ArraySlice<UInt8>, with value: UInt8) -> Bool {
    let chunk = [UInt8](repeating: value, count: 1 << 20)
    return bytes.withUnsafeBytes { all in
        chunk.withUnsafeBytes { reference in
            stride(from: 0, to: all.count, by: chunk.count).allSatisfy { offset in
                memcmp(all.baseAddress! + offset, reference.baseAddress!, min(chunk.count, all.count - offset)) == 0
            }
        }
    }
}

/// A deterministic byte pattern, different for each `seed`.
func pattern(count: Int, seed: UInt8 = 0) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var state = UInt32(seed) &* 2_654_435_761 &+ 1
    for index in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return bytes
}

/// Number of open descriptors of this process.
func openDescriptorCount() throws -> Int {
    guard let dir = opendir("/proc/self/fd") else { throw Errno(rawValue: errno) }
    defer { closedir(dir) }
    var count = 0
    while readdir(dir) != nil { count += 1 }
    return count - 3 // ".", ".." and the directory's own descriptor
}

/// Resident memory of this process in bytes, from /proc/self/statm.
func residentMemory() throws -> Int {
    let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Errno(rawValue: errno) }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = read(fd, &buffer, buffer.count)
    guard count > 0 else { throw Errno(rawValue: errno) }
    let fields = String(decoding: buffer[..<count], as: UTF8.self).split(separator: " ")
    return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Whether `FD_CLOEXEC` is set on `fd`.
func isCloseOnExec(_ fd: Int32) -> Bool {
    fcntl(fd, F_GETFD) & FD_CLOEXEC != 0
}

/// A small Codable value for round trips.
struct Sample: Codable, Equatable, Sendable {
    var id: Int
    var name: String
    var values: [Double]
}

/// A failed check inside an isolated child (where `#expect` cannot report).
struct CheckFailure: Error, CustomStringConvertible {
    var description: String
}

/// Throws a ``CheckFailure`` naming the line unless `condition` holds.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "", line: Int = #line) throws {
    if !condition { throw CheckFailure(description: "check failed at line \(line): \(message())") }
}

/// Throws a ``CheckFailure`` unless `body` throws exactly `expected`.
func checkThrows<T>(_ expected: ConnectionError, line: Int = #line, _ body: () throws -> T) throws {
    do {
        _ = try body()
        throw CheckFailure(description: "line \(line): expected \(expected), nothing was thrown")
    } catch let error as CheckFailure {
        throw error
    } catch {
        try check(error as? ConnectionError == expected, "expected \(expected), got \(error)", line: line)
    }
}

/// Runs `body` alone in a fresh test runner: the test binary is spawned
/// again (`posix_spawn` of `/proc/self/exe`) with a filter that selects only
/// the calling test, and there `body` runs in-process. The test fails if the
/// spawned runner does, and its output is attached to the failure.
///
/// Why: tests run in parallel, and a child that another test forks inherits
/// copies of every descriptor open at that instant; a copy of a closed end
/// delays end of stream (and `EPIPE`) until that child exits, and
/// process-wide counts (descriptors, resident memory) move with other tests.
/// Forking an isolated child from the test runner instead is not safe: a
/// child of a multi-threaded process can deadlock on a runtime lock (the
/// generic-metadata cache) another thread held at the fork — observed here.
/// Isolated tests must not be parameterized (each case would rerun them all).
func runIsolated(
    in suite: Any.Type, function: String = #function,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) throws {
    if getenv(isolationMarker) != nil {
        return try body()
    }
    let name = String(reflecting: suite).split(separator: ".").last.map(String.init) ?? ""
    let filter = escapeForRegex("\(name)/\(function)")
    let (status, output) = try spawnSelf(["--testing-library", "swift-testing", "--filter", filter],
                                          timeout: .seconds(50))
    if status != 0 {
        Issue.record("isolated run of \(name)/\(function) failed (status \(status)):\n\(output)",
                     sourceLocation: sourceLocation)
    }
    if !output.contains("1 test") {
        Issue.record("the isolated run did not run exactly this test:\n\(output)", sourceLocation: sourceLocation)
    }
}

private let isolationMarker = "MULTIPROCESSING_IPC_TEST_ISOLATED"

private func escapeForRegex(_ text: String) -> String {
    var escaped = ""
    for character in text {
        if "\\^$.|?*+()[]{}".contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return "^.*" + escaped
}

/// Spawns this test binary with `arguments` and the isolation marker set;
/// returns its wait status and combined output. Killed after `timeout`.
private func spawnSelf(_ arguments: [String], timeout: Duration) throws -> (Int32, String) {
    let (readEnd, writeEnd) = try makeSocketPair()
    defer { close(readEnd) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
    posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
    let executable = "/proc/self/exe"
    var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var environment: [UnsafeMutablePointer<CChar>?] = [strdup("\(isolationMarker)=1")]
    var entry = environ
    while let variable = entry.pointee {
        environment.append(strdup(variable))
        entry += 1
    }
    environment.append(nil)
    defer { environment.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, &argv, &environment)
    close(writeEnd)
    guard rc == 0 else { throw Errno(rawValue: rc) }
    var output: [UInt8] = []
    let deadline = Deadline.after(timeout)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        if try pollReadable([readEnd], until: deadline).isEmpty {
            kill(pid, SIGKILL)
            output += Array("\n[killed after \(timeout)]".utf8)
            break
        }
        let count = read(readEnd, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        output += buffer[..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return (status, String(decoding: output, as: UTF8.self))
}
