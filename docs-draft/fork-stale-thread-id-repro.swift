import Multiprocessing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// Synchronization.Mutex caches the thread id in TLS (_swift_stdlib_gettid).
// After fork() the child's thread keeps the parent's cached id, so a Mutex
// that this thread holds while another thread of the child waits for it
// cannot be unlocked: FUTEX_UNLOCK_PI fails with EPERM -> fatalError.
let warmUp = Mutex(0)
warmUp.withLock { $0 += 1 }          // the main thread caches its tid now

let child = try ChildProcess.fork(name: "stale-tid") {
    let shared = Mutex(0)
    shared.withLock { _ in
        let other = PosixThread(name: "contender") { shared.withLock { $0 += 1 } }
        try? other.start()
        usleep(200_000)                // the contender spins, then blocks in the kernel
    }                                  // unlock with the stale tid: EPERM
    return 0
}
print("child \(try child.join())")    // killed by signal 4 (SIGILL)
