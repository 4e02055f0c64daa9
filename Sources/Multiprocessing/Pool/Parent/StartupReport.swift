import SystemPackage
import Synchronization

/// How the I/O thread tells `ProcessPool.init` that the first workers started.
final class StartupReport: Sendable {
    private let parker = ThreadParker()
    private let error = Mutex<Errno?>(nil)

    func finish(_ failure: Errno?) {
        error.withLock { $0 = failure }
        parker.unpark()
    }

    func wait() -> Errno? {
        _ = parker.park()
        return error.withLock { $0 }
    }
}
