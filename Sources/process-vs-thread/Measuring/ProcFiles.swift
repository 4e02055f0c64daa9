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

internal import MultiprocessingPlatform

/// Reads Linux's `/proc` files, which the demo uses to count threads and
/// memory without any dependency.
enum ProcFiles {
    /// The whole text of a `/proc` file, or `nil` if it cannot be read (the
    /// process is gone, or the kernel hides it).
    static func read(_ path: String) -> String? {
        (try? readFile(atPath: path, maximumCount: 1 << 20)).map { String(decoding: $0, as: UTF8.self) }
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
