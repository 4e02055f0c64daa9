// The one place the pool starts its I/O thread. Nobody joins it: the loop
// ends by itself once every worker is reaped, and a PosixThread that is never
// joined releases its resources when it ends.

/// Starts a thread named `name` running `body`.
func startIOThread(name: String, _ body: @escaping @Sendable () -> Void) throws(ThreadError) {
    try PosixThread(name: name, body: body).start()
}
