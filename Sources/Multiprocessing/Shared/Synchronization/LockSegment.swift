internal import MultiprocessingPlatform
#if canImport(Glibc)
import Glibc
#endif

/// The segment of a ``ProcessLock`` or ``ProcessRecursiveLock``: one robust,
/// process-shared mutex, and the calls both types make on it.
struct LockSegment: Sendable {
    let memory: SharedMemory
    let mutex: RobustMutex
    /// The public type's name, for misuse messages.
    private let typeName: StaticString

    private static func layout() -> (SegmentLayout, mutex: Int) {
        var layout = SegmentLayout()
        let mutex = layout.reserveMutex()
        return (layout, mutex)
    }

    /// A new lock segment.
    init(recursive: Bool, typeName: StaticString) throws(SharedMemoryError) {
        let (layout, offset) = Self.layout()
        memory = try .forObject(SegmentHeader(kind: recursive ? .recursiveLock : .lock), layout: layout)
        mutex = RobustMutex.initialize(at: memory.baseAddress + offset, recursive: recursive)
        self.typeName = typeName
    }

    /// The lock in a received segment.
    init(memory: SharedMemory, recursive: Bool, typeName: StaticString) throws(SharedMemoryError) {
        _ = try SegmentHeader.read(from: memory, expecting: recursive ? .recursiveLock : .lock)
        let (layout, offset) = Self.layout()
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for a lock") }
        self.memory = memory
        self.mutex = RobustMutex(at: memory.baseAddress + offset)
        self.typeName = typeName
    }

    /// Takes the lock before `deadline`; `false` if it passed first.
    /// Throws ``LockOwnerDied`` with the lock held.
    @inline(__always)
    func lock(until deadline: Deadline) throws(LockOwnerDied) -> Bool {
        try outcome(mutex.lock(until: deadline), "lock()")
    }

    @inline(__always)
    func tryLock() throws(LockOwnerDied) -> Bool {
        try outcome(mutex.tryLock(), "tryLock()")
    }

    @inline(__always)
    func unlock() {
        let rc = mutex.unlock()
        if rc != 0 { misuse(rc, "unlock()") }
    }

    /// Runs `body` holding the lock; after a dead holder, runs nothing,
    /// leaves the lock free and throws ``LockOwnerDied``.
    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        do {
            _ = try lock(until: .distantFuture)
        } catch {
            unlock()
            throw error
        }
        defer { unlock() }
        return try body()
    }

    /// Called at deinit: a lock some thread of this process still holds must
    /// stay mapped, because glibc's list of that thread's robust mutexes
    /// points into it (the kernel walks it when the thread exits). Its
    /// mapping is then kept for the life of the process: a few KiB.
    func keepMappedIfHeld() {
        if mutex.isHeldInThisProcess { _ = Unmanaged.passRetained(memory) }
    }

    @inline(__always)
    private func outcome(_ acquisition: RobustMutex.Acquisition, _ function: StaticString) throws(LockOwnerDied) -> Bool {
        switch acquisition {
        case .acquired: return true
        case .unavailable: return false
        case .ownerDied: throw LockOwnerDied()
        case .failed(let rc): misuse(rc, function)
        }
    }

    private func misuse(_ rc: Int32, _ function: StaticString) -> Never {
        switch rc {
        case EPERM:
            preconditionFailure("\(typeName).\(function): the calling thread does not hold this lock")
        case EDEADLK:
            preconditionFailure("\(typeName).\(function): the calling thread already holds this lock; use ProcessRecursiveLock to re-enter")
        case EAGAIN:
            preconditionFailure("\(typeName).\(function): the lock was taken recursively too many times")
        default:
            preconditionFailure("\(typeName).\(function) failed with error \(rc)")
        }
    }
}
