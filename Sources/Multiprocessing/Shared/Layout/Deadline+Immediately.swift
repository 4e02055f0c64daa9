internal import MultiprocessingPlatform

extension Deadline {
    /// The deadline of the "try" calls (`tryLock`, `tryAcquire`, `tryPut`,
    /// `tryGet`): already passed, so nothing waits.
    static let immediately = Deadline(nanoseconds: 0)
}
