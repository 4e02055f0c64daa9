internal import Threading

/// How the I/O thread tells `ProcessPool.init` that the first workers started.
final class StartupReport: Sendable {
    private let parker = ThreadParker()
    private let error = LockedState<ProcessPoolError?>(nil)

    func finish(_ failure: ProcessPoolError?) {
        error.withLock { $0 = failure }
        parker.unpark()
    }

    func wait() -> ProcessPoolError? {
        _ = parker.park()
        return error.withLock { $0 }
    }
}
