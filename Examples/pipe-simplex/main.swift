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

// What this teaches: a one-way Pipe (Pipe(duplex: false)): ends.0 only
// receives, ends.1 only sends; a producer child streams messages and closes,
// the consumer reads until end of stream; using an end the wrong way is a
// typed error, not a crash. Python: multiprocessing.Pipe(duplex=False).
//
// Run: swift run pipe-simplex
import Multiprocessing

let (receiver, sender) = try Pipe(duplex: false).ends

let producer = try ChildProcess.fork(name: "producer") {
    for line in ["first", "second", "third"] {
        try sender.send(line)
    }
    try sender.send([1.5, 2.5, 4.0])  // any Codable value
    sender.close()  // end of stream for the reader
    return 0
}
sender.close()  // the parent's copy: now the child holds the only sending end

var lines: [String] = []
for _ in 0..<3 { lines.append(try receiver.receive(String.self)) }
let numbers = try receiver.receive([Double].self)
print("received \(lines) and \(numbers)")

do {
    _ = try receiver.receive(String.self)
} catch ConnectionError.endOfStream {
    print("end of stream: the producer closed its end")
}

do {
    try receiver.send("wrong way")
} catch {
    print("sending on the receiving end: \(error)")
}
print("producer \(try producer.join())")
