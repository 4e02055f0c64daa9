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

#if canImport(Glibc)
    import Glibc
#endif

/// The memory a process occupies, as the kernel reports it.
struct ProcessMemory: Codable, Equatable {
    /// Resident set size: every page in RAM the process maps, including pages
    /// it shares with others (libraries, copy-on-write pages after `fork`).
    var residentKiB: Int
    /// Proportional set size: each shared page divided by the number of
    /// processes sharing it. `nil` when `smaps_rollup` is unavailable.
    var proportionalKiB: Int?
    /// The size of the address space, mostly reserved and never touched.
    var virtualKiB: Int

    /// Reads `/proc/PID/statm` (resident and virtual pages) and, when it can,
    /// `/proc/PID/smaps_rollup` (`Pss`).
    ///
    /// - Parameter pid: the process, or `nil` for this one.
    /// - Returns: `nil` if the process is gone.
    static func of(_ pid: pid_t? = nil) -> ProcessMemory? {
        let directory = pid.map { "/proc/\($0)" } ?? "/proc/self"
        guard let statm = ProcFiles.read("\(directory)/statm") else { return nil }
        let pages = statm.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard pages.count >= 2 else { return nil }
        let pageKiB = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        let pss = ProcFiles.read("\(directory)/smaps_rollup").flatMap { ProcFiles.field("Pss", in: $0) }
        return ProcessMemory(residentKiB: pages[1] * pageKiB, proportionalKiB: pss, virtualKiB: pages[0] * pageKiB)
    }
}
