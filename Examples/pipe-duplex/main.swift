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

// What this teaches: a duplex Pipe between a parent and a forked child, with
// Codable messages going both ways (Python's multiprocessing.Pipe()); how the
// child learns the parent is done (end of stream after close()); and that
// closing your copy of the other end is what makes end of stream arrive.
//
// Run: swift run pipe-duplex
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

struct Request: Codable {
    var id: Int
    var numbers: [Int]
}

struct Reply: Codable {
    var id: Int
    var sum: Int
    var handledBy: Int32
    var problem: String?
}

// Fork first, while this program has only its main thread (see ChildProcess's
// Safety section): the child then runs plain synchronous code.
let (parentEnd, childEnd) = try Pipe().ends

let server = try ChildProcess.fork(name: "summer") {
    // Using childEnd here closes this process's copy of parentEnd (the pipe's
    // fork rule), so the parent's close() below ends this loop.
    while true {
        let request: Request
        do {
            request = try childEnd.receive(Request.self)
        } catch ConnectionError.endOfStream {
            return 0  // the parent closed its end: no more requests
        } catch ConnectionError.decodingFailed(let type, _) {
            // A message that is not a Request was consumed whole: the
            // connection is still usable, so answer and carry on.
            try childEnd.send(Reply(id: -1, sum: 0, handledBy: getpid(), problem: "that was not a \(type)"))
            continue
        }
        try childEnd.send(Reply(id: request.id, sum: request.numbers.reduce(0, +), handledBy: getpid()))
    }
}
// The parent's mirror rule: close our copy of the child's end, so that if the
// child dies we see end of stream instead of waiting forever.
childEnd.close()

for id in 1...3 {
    let request = Request(id: id, numbers: Array(1...(id * 10)))
    try parentEnd.send(request)
    let reply = try parentEnd.receive(Reply.self)
    print(
        "request \(reply.id): sum of 1...\(id * 10) = \(reply.sum), computed by pid \(reply.handledBy) (we are \(getpid()))"
    )
}

// Raw bytes travel too, framed the same way; the child cannot decode these.
try parentEnd.sendBytes(Array("not a Request".utf8))
print("after sending raw bytes: \(try parentEnd.receive(Reply.self).problem ?? "no complaint")")

parentEnd.close()
print("child \(try server.join())")
