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

// What this teaches: waiting on several children at once with
// Connection.wait (Python's multiprocessing.connection.wait): each worker
// child has its own pipe, the parent handles results in the order they
// finish, and a child that exits without answering shows up as end of stream.
//
// Run: swift run connection-wait
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct Answer: Codable {
    var worker: Int
    var square: Int
}

struct Worker {
    var number: Int
    var connection: Connection
    var child: ChildProcess
}

/// Forks a worker that answers after `milliseconds`, or, when `answers` is
/// false, exits without a word.
func startWorker(_ number: Int, after milliseconds: UInt32, answers: Bool = true) throws -> Worker {
    let (parentEnd, childEnd) = try Pipe().ends
    let child = try ChildProcess.fork(name: "worker-\(number)") {
        usleep(milliseconds * 1_000)
        guard answers else { return 3 }
        try childEnd.send(Answer(worker: number, square: number * number))
        return 0
    }
    childEnd.close()  // keep only the child's copy, so its exit ends our stream
    return Worker(number: number, connection: parentEnd, child: child)
}

/// Receives the worker's answer, or reports how it ended if it sent none.
func collect(from worker: Worker) throws {
    do {
        let answer = try worker.connection.receive(Answer.self)
        print("worker \(answer.worker) answered \(answer.square)")
    } catch .endOfStream {
        print("worker \(worker.number) ended without answering: \(try worker.child.join())")
    }
    worker.connection.close()
}

// Fork them all first, while this program has only its main thread.
// Worker 1 is slowest, worker 3 fastest; worker 4 dies without answering.
let workers = [
    try startWorker(1, after: 300),
    try startWorker(2, after: 150),
    try startWorker(3, after: 20),
    try startWorker(4, after: 80, answers: false),
]

var pending = workers
while !pending.isEmpty {
    let ready = try Connection.wait(pending.map(\.connection), timeout: .seconds(10))
    if ready.isEmpty {
        print("nobody answered within 10 s")
        break
    }
    for connection in ready {
        guard let index = pending.firstIndex(where: { $0.connection === connection }) else { continue }
        try collect(from: pending.remove(at: index))
    }
}
for worker in workers { _ = try worker.child.join() }
print("all \(workers.count) workers joined")
