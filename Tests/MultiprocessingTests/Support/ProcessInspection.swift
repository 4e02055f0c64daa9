import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads this process's resources from /proc, for leak checks.
///
/// Tests run in parallel, so other tests may hold a few descriptors or
/// children at the moment of a reading: leak checks compare against a small
/// tolerance that is far below what a per-operation leak would produce.
enum ProcessInspection {
    /// The number of open file descriptors of this process.
    static func openDescriptorCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Resident memory of this process in bytes (from /proc/self/statm).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return -1 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return -1 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The process state letter from /proc/PID/stat (`Z` for a zombie), or nil if gone.
    static func state(of pid: pid_t) -> Character? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(close, offsetBy: 2)...].first
    }

    /// Children of this process that are zombies (exited, not reaped).
    static func zombieChildren() -> [pid_t] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { return false }
            let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && fields[0] == "Z" && pid_t(fields[1]) == me
        }
    }

    /// Polls `condition` every millisecond until it holds or `timeout` passes.
    static func eventually(within timeout: Duration = .seconds(2), _ condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while clock.now < end {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }
}
