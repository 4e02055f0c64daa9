// What this teaches: many producers and consumers in different processes
// sharing one ProcessQueue (Python's multiprocessing.Queue), with a bounded
// queue that makes fast producers wait, get(upTo:timeout:) to take work in
// batches, and shutdown() to tell every consumer, in every process, that no
// more work is coming (they drain what is left, then stop).
//
// The workers here are forked children. Once pool sockets carry descriptors
// (issue 11, item 2), the same queue can be a stored property of a Job run
// by ProcessPool workers; this example should then switch to a pool.
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

let orders = try ProcessQueue<Order>(maxSize: 16)      // producers block while 16 wait
let receipts = try ProcessQueue<Receipt>()

// Two consumers: pack orders until the queue is shut down and drained.
let packers = try (0..<2).map { _ in
    try ChildProcess.fork(name: "packer") {
        while true {
            let batch: [Order]
            do {
                batch = try orders.get(upTo: 4, timeout: nil)   // up to 4 at once
            } catch QueueError.shutDown {
                return 0
            }
            for order in batch {
                try receipts.put(Receipt(orderID: order.id, itemCount: order.items.count, packedBy: getpid()))
            }
        }
    }
}

// Two producers, each placing 50 orders.
let shops = try (0..<2).map { shop in
    try ChildProcess.fork(name: "shop") {
        for number in 0..<50 {
            try orders.put(Order(id: shop * 1_000 + number, items: Array(repeating: "widget", count: number % 5 + 1)))
        }
        return 0
    }
}

for shop in shops { _ = try shop.join() }
orders.shutdown()                     // every packer drains what is left, then stops
for packer in packers { _ = try packer.join() }

let all = try receipts.get(upTo: 1_000, timeout: .zero)
let byPacker = Dictionary(grouping: all, by: \.packedBy).mapValues(\.count)
print("packed \(all.count) orders, \(all.map(\.itemCount).reduce(0, +)) items")
for (packer, count) in byPacker.sorted(by: { $0.key < $1.key }) {
    print("  packer \(packer): \(count) orders")
}
precondition(all.count == 100 && Set(all.map(\.orderID)).count == 100, "every order packed exactly once")
