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

// # huge-message-benchmark
//
// One `Connection` message of each given size (GiB, fractions allowed) from a
// parent to a forked child, which checks every byte and answers with one
// byte: the time from the start of `sendBytes` to the end of `join`, and the
// end-to-end rate. The figure of issue 10 item 5 (target: >= 1 GB/s at 4 GiB).
//
//     swift build -c release --product huge-message-benchmark
//     .build/release/huge-message-benchmark 0.25 1 2 3 4
//     HUGE_DEBUG=1 .build/release/huge-message-benchmark 4    # where the time goes, per side
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

let sizes = CommandLine.arguments.dropFirst().compactMap(Double.init)
let clock = ContinuousClock()

/// Whether all of `bytes` are `value` (a megabyte at a time with `memcmp`).
func isFilled(_ bytes: [UInt8], with value: UInt8) -> Bool {
    let chunk = [UInt8](repeating: value, count: 1 << 20)
    return bytes.withUnsafeBytes { all in
        chunk.withUnsafeBytes { reference in
            stride(from: 0, to: all.count, by: chunk.count).allSatisfy { offset in
                memcmp(all.baseAddress! + offset, reference.baseAddress!, min(chunk.count, all.count - offset)) == 0
            }
        }
    }
}

for gib in sizes.isEmpty ? [0.25, 1, 2, 3, 4] : sizes {
    let count = Int(gib * Double(1 << 30))
    let payload = [UInt8](repeating: 0x5A, count: count)
    let (parentEnd, childEnd) = try Pipe().ends
    let child = try ChildProcess.fork {
        let t0 = clock.now
        let received = try childEnd.receiveBytes()
        let t1 = clock.now
        let ok = received.count == count && isFilled(received, with: 0x5A)
        if getenv("HUGE_DEBUG") != nil { print("  child: receive \(t1 - t0), check \(clock.now - t1)") }
        try childEnd.sendBytes([ok ? 1 : 0])
        return ok ? 0 : 1
    }
    let start = clock.now
    try parentEnd.sendBytes(payload)
    let sent = clock.now
    let verdict = try parentEnd.receiveBytes()
    let answered = clock.now
    let status = try child.join()
    if getenv("HUGE_DEBUG") != nil {
        print("  parent: send \(sent - start), answer \(answered - sent), join \(clock.now - answered)")
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    precondition(verdict == [1] && status == .exited(0), "the child saw different bytes")
    let rate = Double(count) / seconds / 1e9
    print("\(gib) GiB: \((seconds * 100).rounded() / 100) s, \((rate * 100).rounded() / 100) GB/s")
    print(
        "BENCH\tipc\tConnection message of \(gib) GiB, parent to forked child\tGB/s\thigher\t\(rate)\ttarget (issue 10)\t1"
    )
}
