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

// What this teaches: running code in a child process with ChildProcess.fork,
// reading its exit status, waiting with a time-out, and stopping it with
// terminate() (SIGTERM) or kill() (SIGKILL) — Python's multiprocessing.Process.
//
// Run: swift run child-process
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

// 1. The closure's return value is the child's exit code.
let worker = try ChildProcess.fork(name: "worker") {
    print("child \(getpid()): computing…")
    let sum = (1...1_000).reduce(0, +)
    return sum == 500_500 ? 0 : 1
}
print("parent: started \(worker.name) as pid \(worker.pid)")
print("parent: worker \(try worker.join())")

// 2. An error thrown in the child is printed to its stderr and becomes exit code 1.
struct NotFound: Error {}
let failing = try ChildProcess.fork(name: "failing") { throw NotFound() }
print("parent: failing child \(try failing.join())")

// 3. join(timeout:) returns nil while the child still runs; terminate() stops it.
let sleeper = try ChildProcess.fork(name: "sleeper") {
    sleep(60)
    return 0
}
if try sleeper.join(timeout: .milliseconds(100)) == nil {
    print("parent: sleeper still running after 100 ms (isAlive: \(sleeper.isAlive)); terminating it")
    sleeper.terminate()
}
print("parent: sleeper \(try sleeper.join())")

// 4. A child that ignores SIGTERM still stops for kill().
let stubborn = try ChildProcess.fork(name: "stubborn") {
    signal(SIGTERM, SIG_IGN)
    sleep(60)
    return 0
}
usleep(50_000)
stubborn.terminate()
if try stubborn.join(timeout: .milliseconds(200)) == nil {
    print("parent: stubborn ignored SIGTERM; killing it")
    stubborn.kill()
}
print("parent: stubborn \(try stubborn.join())")
