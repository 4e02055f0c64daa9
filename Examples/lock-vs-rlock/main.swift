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

// Lock vs RecursiveLock (Python's Lock and RLock). `swift run lock-vs-rlock`
//
// A Lock protects a counter that four threads increment. A RecursiveLock lets
// a method that holds the lock call another method that takes it again —
// with a plain Lock that second `lock()` would deadlock (here it traps with
// a message instead of hanging).
import Threading

final class Account: @unchecked Sendable {
    private let lock = RecursiveLock()
    private var balance = 0  // guarded by `lock`

    func deposit(_ amount: Int) {
        lock.withLock { balance += amount }
    }

    /// Takes the lock, then calls `deposit`, which takes it again: fine for an RLock.
    func depositTwice(_ amount: Int) {
        lock.withLock {
            deposit(amount)
            deposit(amount)
        }
    }

    var current: Int { lock.withLock { balance } }
}

// 1. A plain Lock makes increments from many threads add up.
final class Counter: @unchecked Sendable {
    let lock = Lock()
    var value = 0  // guarded by `lock`
}
let counter = Counter()
let workers = (0..<4).map { index in
    PosixThread(name: "adder-\(index)") {
        for _ in 0..<100_000 { counter.lock.withLock { counter.value += 1 } }
    }
}
for worker in workers { try worker.start() }
for worker in workers { worker.join() }
print("Lock: 4 threads x 100000 increments = \(counter.value)")

// 2. A RecursiveLock can be re-entered by the thread that holds it.
let account = Account()
let depositors = (0..<4).map { index in
    PosixThread(name: "depositor-\(index)") {
        for _ in 0..<1_000 { account.depositTwice(1) }
    }
}
for depositor in depositors { try depositor.start() }
for depositor in depositors { depositor.join() }
print("RecursiveLock: 4 threads x 1000 x depositTwice(1) = \(account.current)")

// 3. Timed acquisition: give up instead of waiting forever.
let busy = Lock()
let holder = PosixThread(name: "holder") {
    busy.withLock { _ = Event().wait(timeout: .milliseconds(200)) }
}
try holder.start()
_ = Event().wait(timeout: .milliseconds(50))
let got = busy.lock(timeout: .milliseconds(20))
print("lock(timeout: 20 ms) while another thread holds it: \(got)")
if got { busy.unlock() }
holder.join()
print("tryLock() after the holder is done: \(busy.tryLock())")
busy.unlock()
