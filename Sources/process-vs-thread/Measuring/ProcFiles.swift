#if canImport(Glibc)
import Glibc
#endif

/// Reads Linux's `/proc` files, which the demo uses to count threads and
/// memory without any dependency.
enum ProcFiles {
    /// The whole text of a `/proc` file, or `nil` if it cannot be read (the
    /// process is gone, or the kernel hides it).
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value of a `Name:   value [kB]` line of `/proc/PID/status` or
    /// `smaps_rollup`, such as `Threads` or `Pss`.
    static func field(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let rest = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return rest.first.flatMap { Int($0) }
        }
        return nil
    }

    /// How many threads this process runs now (`Threads:` of `/proc/self/status`),
    /// or `nil` if `/proc` cannot tell.
    static var threadCount: Int? {
        read("/proc/self/status").flatMap { field("Threads", in: $0) }
    }
}
