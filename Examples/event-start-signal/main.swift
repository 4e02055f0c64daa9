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

// An Event as a start signal, Python's `threading.Event`:
// runners wait at the line until the starter sets the event.
// `swift run event-start-signal`
import Threading

let startingGun = Event()
let finishLine = Queue<String>()

let runners = ["ada", "grace", "linus", "guido"].map { name in
    PosixThread(name: name) {
        startingGun.wait()  // every runner blocks here until set()
        try? finishLine.put(name)
    }
}
for runner in runners { try runner.start() }

print("runners at the line; anyone finished before the start? \(!finishLine.isEmpty)")
startingGun.set()
for runner in runners { runner.join() }
var order: [String] = []
while let name = finishLine.tryGet() { order.append(name) }
print("finished after the start: \(order.count) runners (\(order.sorted().joined(separator: ", ")))")

// A timed wait on an event nobody sets returns false.
let never = Event()
print("wait(timeout: 50 ms) on an unset event: \(never.wait(timeout: .milliseconds(50)))")
