import Testing
import SystemPackage
@testable import Multiprocessing
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

/// A 4-byte little-endian length header.
func shortHeader(_ count: UInt32) -> [UInt8] {
    withUnsafeBytes(of: count.littleEndian, Array.init)
}

/// The escape value then an 8-byte little-endian length.
func longHeader(_ count: UInt64) -> [UInt8] {
    [0xFF, 0xFF, 0xFF, 0xFF] + withUnsafeBytes(of: count.littleEndian, Array.init)
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

/// Runs `body` in a forked child and expects it to exit with 0; a thrown
/// error (a failed ``check(_:_:line:)``) is printed by the child and fails the test.
///
/// Why: tests run in parallel, and a child another test forks inherits copies
/// of every descriptor open at that instant. A copy of a closed end held by
/// such a child delays end of stream (and `EPIPE`) until that child exits. A
/// pipe created in this single-threaded child is copied by no one else, and
/// process-wide counts (descriptors, resident memory) measured here are not
/// moved by other tests. The body must stay synchronous (no Dispatch, no async).
func runIsolated(sourceLocation: SourceLocation = #_sourceLocation, _ body: @escaping () throws -> Void) throws {
    let child = try ChildProcess.fork(name: "ipc-test") {
        try body()
        return 0
    }
    #expect(try child.join() == .exited(0), sourceLocation: sourceLocation)
}
