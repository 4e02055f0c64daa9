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

// CPU time of this process and its pool's workers, from the kernel's
// scheduler statistics: a figure that stays meaningful on a busy machine,
// where wall-clock rates measure the other load as much as our code.

import BenchmarkSupport
import Foundation

/// Nanoseconds the threads of the processes `pids` have run on a CPU so far
/// (`/proc/PID/task/TID/schedstat`, first field). Threads that exited are not
/// counted, so take both readings while the same threads live.
func cpuNanoseconds(of pids: [pid_t]) -> Double {
    var total = 0.0
    for pid in pids {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8),
                let first = text.split(separator: " ").first, let nanoseconds = Double(first)
            else { continue }
            total += nanoseconds
        }
    }
    return total
}
