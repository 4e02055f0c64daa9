//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-multiprocessing open source project
//
// Copyright (c) 2026 the swift-multiprocessing project authors
// Licensed under Apache License v2.0
//
// See LICENSE.txt for license information
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

internal import CThreading
internal import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// How many CPUs this process may actually use: the default size of
/// ``ThreadPool`` and of a `ProcessPool`.
///
/// That is the smallest of:
/// - the CPUs in the process's affinity mask (`taskset`, `sched_setaffinity`,
///   a container's cpuset), not merely the CPUs the machine has;
/// - the cgroup v2 CPU quota (`cpu.max`, what `docker --cpus` and Kubernetes
///   CPU limits set) of this process's cgroup and of every ancestor, as
///   quota ÷ period rounded up;
///
/// and at least 1. Python's `os.cpu_count()` ignores both; its
/// `os.process_cpu_count()` (3.13) respects only affinity.
public enum AvailableProcessors {
    /// The number of CPUs this process may use, computed once.
    public static let count: Int = compute()

    static func compute() -> Int {
        var result = Int(cth_affinity_cpu_count())
        if result < 1 { result = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
        if let quota = cgroupQuota(
            cgroupFile: readSmallFile("/proc/self/cgroup"),
            read: readSmallFile)
        {
            result = min(result, quota)
        }
        return max(result, 1)
    }

    /// The CPU limit set by cgroup v2 on the cgroup named in `cgroupFile`
    /// (the text of `/proc/self/cgroup`) and its ancestors, or `nil` if none.
    static func cgroupQuota(cgroupFile: String?, read: (String) -> String?) -> Int? {
        guard let cgroupFile else { return nil }
        // cgroup v2 has the single line "0::/path".
        guard let line = cgroupFile.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        var path = String(line.dropFirst(3))
        var limit: Int?
        while true {
            let directory = path == "/" ? "/sys/fs/cgroup" : "/sys/fs/cgroup" + path
            if let text = read(directory + "/cpu.max"), let cpus = parseCPUMax(text) {
                limit = min(limit ?? cpus, cpus)
            }
            guard path != "/", let slash = path.lastIndex(of: "/") else { break }
            path = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        return limit
    }

    /// Parses `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for no limit) into
    /// whole CPUs, rounded up; `nil` for no limit or unreadable text.
    static func parseCPUMax(_ text: String) -> Int? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 1, fields[0] != "max", let quota = Int(fields[0]), quota > 0
        else { return nil }
        let period = fields.count >= 2 ? Int(fields[1]) ?? 100_000 : 100_000
        guard period > 0 else { return nil }
        return max(1, (quota + period - 1) / period)
    }

    /// A small text file (procfs, sysfs) whole, at most 1 MiB, or `nil`
    /// on any error.
    static func readSmallFile(_ path: String) -> String? {
        (try? readFile(atPath: path, maximumCount: 1 << 20)).map { String(decoding: $0, as: UTF8.self) }
    }
}
