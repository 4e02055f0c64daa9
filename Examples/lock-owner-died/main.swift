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

// What this teaches: what happens when a process dies holding a
// ProcessLock. Python's multiprocessing.Lock would hang everyone forever;
// here the kernel releases the lock, and the next taker gets LockOwnerDied
// holding it, so it can repair the half-done update before going on.
//
// The holder here is a forked child (killed on purpose), as it would be in
// any program whose workers may crash.
//
// Run: swift run lock-owner-died
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// An account pair whose total must stay 100: a transfer debits, then credits.
let lock = try ProcessLock()
let accounts = try SharedArray([60, 40])
let midTransfer = try ProcessSemaphore(value: 0)

let crasher = try ChildProcess.fork(name: "crasher") {
    try lock.lock()
    accounts[0] -= 25  // debited...
    midTransfer.release()
    while true { pause() }  // ...killed before the credit
}

try midTransfer.acquire()
crasher.kill()
print("crasher: \(try crasher.join())")
print("accounts after the crash: \(accounts.toArray()) (total \(accounts.toArray().reduce(0, +)))")

do {
    try lock.lock()
    print("the lock was free (the crasher finished?)")
} catch {
    // LockOwnerDied (lock() throws nothing else): we hold the lock: repair the state the dead holder left half-done.
    print("LockOwnerDied: repairing while holding the lock")
    let missing = 100 - accounts.toArray().reduce(0, +)
    accounts[1] += missing  // finish the transfer it began
}
lock.unlock()

try lock.withLock {  // the lock works as before
    print("accounts after repair:    \(accounts.toArray()) (total \(accounts.toArray().reduce(0, +)))")
}
precondition(accounts.toArray().reduce(0, +) == 100)
