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

// Python's threading housekeeping: current_thread, main_thread, enumerate,
// ident and native_id, threading.local, threading.Timer, excepthook and
// non-daemon threads.
// `swift run thread-housekeeping`
import Threading

print("this is \(PosixThread.current.name), the main thread: \(PosixThread.current === PosixThread.main)")

// threading.local: every thread its own copy, made on first use.
let requestCount = ThreadLocal { 0 }
let workers = (1...3).map { index in
    PosixThread(name: "worker-\(index)") {
        for _ in 0..<index { requestCount.value += 1 }
        let me = PosixThread.current
        print("\(me.name): \(requestCount.value) requests, native id \(me.nativeID ?? 0)")
    }
}
for worker in workers { try worker.start() }
print("threads alive now: \(PosixThread.all.map(\.name))")
for worker in workers { worker.join() }
print("main thread's own count is still \(requestCount.value)")

// threading.Timer: runs after a delay unless cancelled first.
let reminder = ThreadTimer(after: .milliseconds(50)) { print("timer fired") }
let cancelled = ThreadTimer(after: .seconds(60)) { print("never printed") }
try reminder.start()
try cancelled.start()
print("cancelled in time: \(cancelled.cancel())")
reminder.join()
cancelled.join()

// excepthook: an error thrown by a thread's body ends that thread only.
PosixThread.uncaughtErrorHandler = { thread, error in print("\(thread.name) failed: \(error)") }
struct DiskFull: Error {}
let failing = PosixThread(name: "writer") { throw DiskFull() }
try failing.start()
failing.join()
print("its error is kept too: \(failing.error.map { "\($0)" } ?? "none")")

// A non-daemon thread: the process waits for it at exit, as Python does.
let finisher = PosixThread(name: "finisher") { print("finisher ran to the end before the process exited") }
finisher.isDaemon = false
try finisher.start()
