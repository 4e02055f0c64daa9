internal import CMultiprocessing
#if canImport(Glibc)
import Glibc
#endif

/// `fork(2)` with standard output and standard error locked across it, so
/// that no other thread is inside them at the instant of the fork and the
/// child can print and flush them. Returns what `fork` returns.
///
/// The corresponding C functions are `flockfile`, `fork` and `funlockfile`.
func forkHoldingStandardStreams() -> pid_t {
    cmp_lock_standard_streams()
    let pid = fork()
    cmp_unlock_standard_streams()
    return pid
}

/// Flushes standard output and standard error only: in a forked child, other
/// `FILE`s may be locked forever by threads that do not exist there.
///
/// The corresponding C function is `fflush`.
func flushStandardStreams() {
    cmp_flush_standard_streams()
}
