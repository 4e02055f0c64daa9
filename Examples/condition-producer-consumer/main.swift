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

// Producer/consumer with a Condition, Python's `threading.Condition`.
// `swift run condition-producer-consumer`
//
// The consumer waits with the predicate form, `wait(until:)`, which re-checks
// the state after every wake-up, so spurious wake-ups cannot fool it.
import Threading

final class Shelf: @unchecked Sendable {
    let condition = Condition()
    var items: [Int] = []  // guarded by condition.lock
    var closed = false  // guarded by condition.lock
}
let shelf = Shelf()
let capacity = 4

let consumer = PosixThread(name: "consumer") {
    var total = 0
    while true {
        let item: Int? = shelf.condition.withLock {
            shelf.condition.wait { !shelf.items.isEmpty || shelf.closed }
            if shelf.items.isEmpty { return nil }  // closed and drained
            let item = shelf.items.removeFirst()
            shelf.condition.notifyAll()  // room for the producer
            return item
        }
        guard let item else { break }
        total += item
    }
    print("consumer: shelf closed, total = \(total)")
}

let producer = PosixThread(name: "producer") {
    for item in 1...20 {
        shelf.condition.withLock {
            shelf.condition.wait { shelf.items.count < capacity }
            shelf.items.append(item)
            shelf.condition.notifyAll()
        }
    }
    shelf.condition.withLock {
        shelf.closed = true
        shelf.condition.notifyAll()
    }
    print("producer: put 1...20, expected total \((1...20).reduce(0, +))")
}

try consumer.start()
try producer.start()
producer.join()
consumer.join()

// A timed wait that nobody notifies returns false after the timeout.
let lonely = Condition()
let notified = lonely.withLock { lonely.wait(timeout: .milliseconds(50)) }
print("wait(timeout: 50 ms) with no notify: \(notified)")
