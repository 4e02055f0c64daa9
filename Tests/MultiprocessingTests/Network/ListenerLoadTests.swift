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

import MultiprocessingTestSupport
import Synchronization
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Many clients at once, and many connections one after another; each test
/// runs alone in a fresh test runner, since they count process-wide descriptors.
@Suite("Listener under load", .timeLimit(.minutes(2)))
struct ListenerLoadTests {
    /// 1,000 authenticated clients connected at the same time, all served:
    /// 50 threads each open 20 connections and keep them until every client
    /// has had its answer.
    @Test func aThousandConcurrentClients() throws {
        try runIsolated(in: Self.self) {
            let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey, backlog: 1024)
            defer { listener.close() }
            let address = listener.address
            let answered = Atomic<Int>(0)
            let clients = (0..<50).map { thread in
                ClientThread { () throws -> [Connection] in
                    var connections: [Connection] = []
                    for index in 0..<20 {
                        let connection = try Connection.connect(to: address, authKey: testKey, timeout: .seconds(60))
                        try connection.send(thread * 20 + index)
                        connections.append(connection)
                    }
                    for (index, connection) in connections.enumerated() {
                        try check(try connection.receive(Int.self) == -(thread * 20 + index))
                        answered.add(1, ordering: .relaxed)
                    }
                    return connections
                }
            }
            var accepted: [Connection] = []
            while accepted.count < 1000 {
                let connection = try #require(try listener.accept(timeout: .seconds(60)), "accepted \(accepted.count)")
                try connection.send(-(try connection.receive(Int.self)))
                accepted.append(connection)
            }
            for client in clients { _ = try client.value() }
            try check(answered.load(ordering: .relaxed) == 1000)
            try check(listener.failedHandshakes == 0)
        }
    }

    /// 10,000 connections made, authenticated, used and closed: the
    /// descriptor count ends where it started.
    @Test func descriptorCountsStayFlatOverTenThousandConnections() throws {
        try runIsolated(in: Self.self) {
            let listener = try Listener(address: .abstract(name: uniqueAbstractName()), authKey: testKey)
            defer { listener.close() }
            let address = listener.address
            let before = try openDescriptorCount()
            let client = ClientThread { () throws -> Void in
                for index in 0..<10_000 {
                    let connection = try Connection.connect(to: address, authKey: testKey, timeout: .seconds(30))
                    try connection.send(index)
                    try check(try connection.receive(Int.self) == index)
                }
            }
            for _ in 0..<10_000 {
                let connection = try #require(try listener.accept(timeout: .seconds(30)))
                try connection.send(try connection.receive(Int.self))
            }
            try client.value()
            try check(listener.failedHandshakes == 0)
            let after = try openDescriptorCount()
            try check(after == before, "descriptors: \(before) before, \(after) after")
        }
    }

    /// 1,000 listener set-ups that fail after their socket was made (the
    /// address is held by a live listener, or a regular file is at the path):
    /// each closes its socket once, and the descriptor count ends where it started.
    @Test func failedListenerSetUpsLeaveTheDescriptorCountFlat() throws {
        try runIsolated(in: Self.self) {
            let held = try Listener(address: .tcp(host: "127.0.0.1", port: 0))
            defer { held.close() }
            let heldName = try Listener(address: .abstract(name: uniqueAbstractName()))
            defer { heldName.close() }
            let path = uniqueSocketPath()
            let file = try FileDescriptor.open(path, .writeOnly, options: [.create], permissions: .ownerReadWrite)
            try file.close()
            defer { unlink(path) }
            let before = try openDescriptorCount()
            for _ in 0..<1000 {
                try checkThrows(ListenerError.addressInUse(held.address)) { try Listener(address: held.address) }
                try checkThrows(ListenerError.addressInUse(heldName.address)) {
                    try Listener(address: heldName.address)
                }
                try checkThrows(ListenerError.pathIsNotASocket(path)) { try Listener(address: .unix(path: path)) }
            }
            let after = try openDescriptorCount()
            try check(after == before, "descriptors: \(before) before, \(after) after")
        }
    }
}
