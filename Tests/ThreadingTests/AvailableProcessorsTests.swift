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

import MultiprocessingTestSupport
import Testing

@testable import Threading

@Suite("AvailableProcessors", .onItsOwnThread, .timeLimit(.minutes(1)))
struct AvailableProcessorsTests {
    @Test func countIsPositiveAndAtMostTheAffinityMask() {
        #expect(AvailableProcessors.count >= 1)
        #expect(AvailableProcessors.count <= AvailableProcessors.compute() + 0)
    }

    @Test func parsesCPUMax() {
        #expect(AvailableProcessors.parseCPUMax("max 100000\n") == nil)
        #expect(AvailableProcessors.parseCPUMax("200000 100000\n") == 2)
        #expect(AvailableProcessors.parseCPUMax("150000 100000") == 2, "rounded up")
        #expect(AvailableProcessors.parseCPUMax("50000 100000") == 1)
        #expect(AvailableProcessors.parseCPUMax("garbage") == nil)
        #expect(AvailableProcessors.parseCPUMax("") == nil)
    }

    @Test func takesTheTightestQuotaOfTheCgroupAndItsAncestors() {
        let files = [
            "/sys/fs/cgroup/cpu.max": "max 100000",
            "/sys/fs/cgroup/a/cpu.max": "300000 100000",
            "/sys/fs/cgroup/a/b/cpu.max": "max 100000",
        ]
        let quota = AvailableProcessors.cgroupQuota(cgroupFile: "0::/a/b\n", read: { files[$0] })
        #expect(quota == 3)
        #expect(AvailableProcessors.cgroupQuota(cgroupFile: "0::/\n", read: { files[$0] }) == nil)
        #expect(
            AvailableProcessors.cgroupQuota(cgroupFile: "4:memory:/x\n", read: { files[$0] }) == nil,
            "cgroup v1 lines are ignored")
        #expect(AvailableProcessors.cgroupQuota(cgroupFile: nil, read: { files[$0] }) == nil)
    }
}
