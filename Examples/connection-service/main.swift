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

// What this teaches: two programs started separately that find each other
// by address and prove they share a key: a Listener serving Codable
// requests, and clients that Connection.connect to it (Python's
// multiprocessing.connection Listener and Client). Each client is served
// on a thread of its own; a wrong key never reaches the service.
//
// Run it as two programs, in two terminals:
//   swift run connection-service serve
//   swift run connection-service ask "hello there"
//   swift run connection-service ask --stop
// With no argument it plays both parts: it spawns the service as a process
// of its own (ChildProcess.spawn), asks it a few things, and stops it.
import Multiprocessing

/// Where the service listens, and the key both sides know. (Static
/// properties, not globals of main.swift: a spawned process runs the job
/// before `main`, whose globals it never initializes.)
enum Endpoint {
    static let address = ConnectionAddress.unix(path: "/tmp/swift-multiprocessing-connection-service.sock")
    static let key = Array("connection-service demo key".utf8)
}

enum Request: Codable {
    case shout(String)
    case count(String)
    case stop
}

enum Reply: Codable {
    case text(String)
    case number(Int)
    case stopping
}

/// The service: answers requests until one says stop.
struct Service: Job {
    func run() throws -> Int {
        let listener = try Listener(address: Endpoint.address, authKey: Endpoint.key)
        print("service: listening at \(listener.address)")
        var served = 0
        while let connection = try? listener.accept() {
            served += 1
            let thread = PosixThread(name: "client-\(served)") {
                while let request = try? connection.receive(Request.self) {
                    switch request {
                    case let .shout(text): try? connection.send(Reply.text(text.uppercased() + "!"))
                    case let .count(text): try? connection.send(Reply.number(text.split(separator: " ").count))
                    case .stop:
                        try? connection.send(Reply.stopping)
                        listener.close()  // the accept loop ends
                    }
                }
            }
            try thread.start()
        }
        print("service: stopped after \(served) clients (\(listener.failedHandshakes) failed their handshake)")
        return served
    }
}

/// One client: connects, asks, prints the answer.
func ask(_ request: Request) throws {
    let connection = try Connection.connect(to: Endpoint.address, authKey: Endpoint.key, timeout: .seconds(5))
    try connection.send(request)
    print("client: \(request) -> \(try connection.receive(Reply.self))")
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve":
    _ = try Service().run()
case "ask":
    try ask(arguments.dropFirst().first == "--stop" ? .stop : .shout(arguments.dropFirst().joined(separator: " ")))
default:
    let service = try ChildProcess.spawn(Service(), name: "service", diesWithParent: true)
    // The service may not listen yet: try to connect for a moment.
    var attempts = 0
    while (try? Connection.connect(to: Endpoint.address, authKey: Endpoint.key)) == nil && attempts < 500 {
        attempts += 1
        _ = Event().wait(timeout: .milliseconds(10))
    }
    try ask(.shout("hello from another process"))
    try ask(.count("how many words are in this sentence"))
    do {
        _ = try Connection.connect(to: Endpoint.address, authKey: Array("wrong key".utf8), timeout: .seconds(5))
    } catch {
        print("client with a wrong key: \(error)")
    }
    try ask(.stop)
    print("the service served \(try service.join()) clients (one was the first attempt to connect)")
}
