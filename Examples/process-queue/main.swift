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

// What this teaches: many producers and consumers in different processes
// sharing one ProcessQueue (Python's multiprocessing.Queue), with a bounded
// queue that makes fast producers wait, get(upTo:timeout:) to take work in
// batches, and shutdown() to tell every consumer, in every process, that no
// more work is coming (they drain what is left, then stop).
//
// The producers and consumers are ProcessPool workers that get the queues
// as stored properties of their jobs: each queue travels with its
// descriptor, and every worker uses the same queue. (Python refuses this:
// "Queue objects should only be shared between processes through
// inheritance" -- its Pool workers need a Manager queue instead.)
//
// Run: swift run process-queue
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct Order: Codable, Sendable {
    var id: Int
    var items: [String]
}

struct Receipt: Codable, Sendable {
    var orderID: Int
    var itemCount: Int
    var packedBy: Int32
}

/// A consumer: packs orders until the queue is shut down and drained;
/// returns how many it packed.
struct Pack: Job {
    var orders: ProcessQueue<Order>
    var receipts: ProcessQueue<Receipt>

    func run() throws -> Int {
        var packed = 0
        while true {
            let batch: [Order]
            do {
                batch = try orders.get(upTo: 4, timeout: nil)  // up to 4 at once
            } catch QueueError.shutDown {
                return packed
            }
            for order in batch {
                try receipts.put(Receipt(orderID: order.id, itemCount: order.items.count, packedBy: getpid()))
            }
            packed += batch.count
        }
    }
}

/// A producer: places 50 orders (waiting while 16 are queued).
struct Shop: Job {
    var number: Int
    var orders: ProcessQueue<Order>

    func run() throws -> Int {
        for order in 0..<50 {
            try orders.put(Order(id: number * 1_000 + order, items: Array(repeating: "widget", count: order % 5 + 1)))
        }
        return 50
    }
}

let orders = try ProcessQueue<Order>(maxSize: 16)  // producers block while 16 wait
let receipts = try ProcessQueue<Receipt>()

// Two packers and two shops run at once: one worker each.
let pool = try ProcessPool(workers: 4)
let packers = try (0..<2).map { _ in try pool.submit(Pack(orders: orders, receipts: receipts)) }
let shops = try (0..<2).map { try pool.submit(Shop(number: $0, orders: orders)) }

for shop in shops { _ = try await shop.value }
orders.shutdown()  // every packer drains what is left, then stops
var packedPerWorker: [Int] = []
for packer in packers { packedPerWorker.append(try await packer.value) }
await pool.shutdown()

let all = try receipts.get(upTo: 1_000, timeout: .zero)
let byPacker = Dictionary(grouping: all, by: \.packedBy).mapValues(\.count)
print("packed \(all.count) orders, \(all.map(\.itemCount).reduce(0, +)) items")
for (packer, count) in byPacker.sorted(by: { $0.key < $1.key }) {
    print("  packer \(packer): \(count) orders")
}
precondition(all.count == 100 && Set(all.map(\.orderID)).count == 100, "every order packed exactly once")
precondition(packedPerWorker.reduce(0, +) == 100 && byPacker.keys.allSatisfy { $0 != getpid() })
