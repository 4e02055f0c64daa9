// `import Multiprocessing` is enough to use threads and thread pools too.
@_exported public import Threading

// ... and the C names its API is made of (`pid_t`, `SIGTERM`, `SIGKILL`,
// `kill`), as `import Foundation` would bring them on Linux.
#if canImport(Glibc)
@_exported public import Glibc
#endif
