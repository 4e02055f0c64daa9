// `import Multiprocessing` is enough to use threads and thread pools too.
//
// The C library is not re-exported: a program that calls `getpid()`, names
// `pid_t` or sends `SIGTERM` by number imports Glibc itself, as it would
// with swift-system or swift-subprocess. This package's own API spells
// signals as ``Signal`` and process ids as `Int32` (`pid_t`).
@_exported public import Threading
