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

import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// The small Codable struct of workload (a); Python's peer sends the same fields as a dict.
struct Record: Codable, Sendable {
    var id: Int
    var name: String
    var values: [Double]
    var flag: Bool

    static let sample = Record(id: 42, name: "sample-record", values: [1.5, 2.5, 3.5, 4.5], flag: true)
}

/// A forked peer process running a synchronous loop (the benchmark is
/// single-threaded when it forks, so this is safe).
struct Peer {
    let pid: pid_t

    static func fork(_ body: () -> Void) -> Peer {
        let pid = Glibc.fork()
        precondition(pid >= 0, "fork failed: \(errno)")
        if pid == 0 {
            body()
            _exit(0)
        }
        return Peer(pid: pid)
    }

    func join() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        precondition(status == 0, "peer \(pid) failed with status \(status)")
    }
}

/// The peers' loops: echo until end of stream, or sink `messages` then acknowledge, `rounds` times.
enum PeerLoops {
    static func echoRecords(_ connection: Connection) {
        while let record = try? connection.receive(Record.self) {
            try! connection.send(record)
        }
    }

    static func echoBytes(_ connection: Connection) {
        while let bytes = try? connection.receiveBytes() {
            try! connection.sendBytes(bytes)
        }
    }

    static func sink(_ connection: Connection, messages: Int, rounds: Int) {
        for _ in 0..<rounds {
            for _ in 0..<messages { _ = try! connection.receiveBytes() }
            try! connection.sendBytes([1])
        }
    }

    static func echoRaw(_ channel: RawChannel) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while let count = channel.receive(into: &buffer) {
            buffer.withUnsafeBytes { channel.send(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    static func sinkRaw(_ channel: RawChannel, messages: Int, rounds: Int) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let ack: [UInt8] = [1]
        for _ in 0..<rounds {
            for _ in 0..<messages { _ = channel.receive(into: &buffer) }
            ack.withUnsafeBytes { channel.send($0) }
        }
    }
}
