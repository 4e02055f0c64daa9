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

// What this teaches: a Swift Listener answering a Python program. The
// handshake (HMAC challenge and response, {sha256} with Python 3.12 and
// later, HMAC-MD5 with 3.11 and older) and the framing are Python's
// multiprocessing.connection's, so Python's Client(address, authkey=...)
// with send_bytes/recv_bytes talks to Connection's receiveBytes/sendBytes.
// The Python side is client.py, beside this file.
//
// Run: swift run python-client          (starts python3 client.py itself)
//      swift run python-client serve    (waits; run client.py by hand)
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

let path = "/tmp/swift-multiprocessing-python-client.sock"
let key = Array("python-client".utf8)
let hexKey = key.map { String($0, radix: 16) }.joined()
let script = String(#filePath.dropLast("main.swift".count)) + "client.py"

let listener = try Listener(address: .unix(path: path), authKey: key)
defer { listener.close() }

/// Answers each message with its reversed bytes, until the client hangs up.
func serve(_ connection: Connection) {
    while let message = try? connection.receiveBytes() {
        print("swift:  got \(String(decoding: message, as: UTF8.self))")
        try? connection.sendBytes(Array(message.reversed()))
    }
}

if CommandLine.arguments.dropFirst().first == "serve" {
    print("listening at \(path); run: python3 \(script) \(path) \(hexKey)")
    while let connection = try? listener.accept() { serve(connection) }
} else {
    // python3 runs as a child (fork, then exec: nothing else runs yet).
    let python = try ChildProcess.fork(name: "python3") {
        let arguments = ["python3", script, path, hexKey]
        var argv = arguments.map { strdup($0) } + [nil]
        execvp("python3", &argv)
        return 127  // no python3
    }
    if let connection = try listener.accept(timeout: .seconds(30)) {
        serve(connection)
        print("python3 finished: \(try python.join())")
    } else {
        print("note: python3 did not connect (\(try python.join())); is python3 installed?")
    }
}
