package import SystemPackage
#if canImport(Glibc)
package import Glibc
#endif

/// Waits until at least one of `descriptors` is ready or `deadline` passes,
/// and returns the ready ones' `revents` in place.
///
/// `EINTR` is retried with the time still left, so a signal never shortens
/// or stretches the wait. Returns the number of ready descriptors (0 on time-out).
///
/// The corresponding C function is `poll`.
package func pollDescriptors(_ descriptors: inout [pollfd], until deadline: Deadline) throws(Errno) -> Int {
    while true {
        let count = descriptors.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), deadline.remainingMillisecondsForPoll)
        }
        if count >= 0 { return Int(count) }
        let error = Errno(rawValue: errno)
        guard error == .interrupted else { throw error }
    }
}

/// Waits until `descriptor` is readable (or hung up) or `deadline` passes.
/// Returns `false` on time-out. The corresponding C function is `poll`.
package func waitUntilReadable(_ descriptor: Int32, until deadline: Deadline) throws(Errno) -> Bool {
    var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
    return try pollDescriptors(&descriptors, until: deadline) > 0
}
