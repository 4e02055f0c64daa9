import Testing
import Multiprocessing

// Helpers for the adversarial tests: every wait is bounded, so a hang shows
// as a failed expectation rather than a test run that never ends.

/// The outcome of an operation raced against a deadline.
enum AdvOutcome<T: Sendable>: Sendable {
    case value(T)
    case error(String)
    case timedOut
}

/// Runs `operation` in its own task and gives up waiting after `limit`
/// (the operation is then left running: it hung, which the caller reports).
func advWithin<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async -> AdvOutcome<T> {
    let box = AdvOnce<AdvOutcome<T>>()
    let task = Task {
        do { box.set(.value(try await operation())) } catch { box.set(.error(String(describing: error))) }
    }
    let end = ContinuousClock.now + limit
    while ContinuousClock.now < end {
        if let outcome = box.get() { return outcome }
        try? await Task.sleep(for: .milliseconds(5))
    }
    if let outcome = box.get() { return outcome }
    task.cancel()
    return .timedOut
}

/// A value set once from any thread.
final class AdvOnce<T: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private var stored: T?
    func set(_ value: T) { lock.withLock { if stored == nil { stored = value } } }
    func get() -> T? { lock.withLock { stored } }
}

/// A counter shared between threads.
final class AdvCounter: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0
    @discardableResult func add(_ n: Int = 1) -> Int { lock.withLock { count += n; return count } }
    var value: Int { lock.withLock { count } }
}

/// The number of open descriptors of this process.
func advOpenDescriptors() -> Int {
    guard let dir = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(dir) }
    var count = 0
    while readdir(dir) != nil { count += 1 }
    return count - 3 // ".", ".." and the directory's own descriptor
}

/// Every adversarial suite, one at a time: the leak checks count this
/// process's descriptors, and pools compete for the machine's CPUs.
@Suite(.serialized, .timeLimit(.minutes(1)))
enum AdversarialSuites {}
