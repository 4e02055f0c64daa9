#if canImport(Glibc)
import Glibc
#endif

// The one place the pool starts its I/O thread. It is a detached pthread: the
// loop ends by itself once every worker is reaped, and nobody needs to join it.
// (Kept to this one function so that moving to `PosixThread` is trivial.)

private final class ThreadBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Starts a detached thread named `name` (at most 15 bytes show) running `body`.
func startDetachedThread(name: String, _ body: @escaping () -> Void) throws(Errno) {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    check(pthread_attr_init(&attributes), "pthread_attr_init")
    defer { pthread_attr_destroy(&attributes) }
    check(pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)), "pthread_attr_setdetachstate")
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attributes, { context in
        let body = Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue()
        body.body()
        return nil
    }, context)
    guard rc == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        throw Errno(rawValue: rc)
    }
    _ = pthread_setname_np(thread, String(name.utf8.prefix(15))!)
}
