package import SystemPackage

/// The package's one system-call helper (`valueOrErrno`: checks the result,
/// retries `EINTR`), for the package's other targets: the PostgreSQL test
/// support spawns and reaps PostgreSQL's programs with it.
package enum SystemCalls {
    /// Calls `body` until it does not fail with `EINTR` (unless
    /// `retryOnInterrupt` is false); returns its result, or throws its `errno`.
    @inline(__always)
    package static func value<Result: FixedWidthInteger>(
        retryOnInterrupt: Bool = true, _ body: () -> Result
    ) throws(Errno) -> Result {
        try valueOrErrno(retryOnInterrupt: retryOnInterrupt, body)
    }
}
