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

import MultiprocessingPlatform
import MultiprocessingTestSupport
import Synchronization
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// Increments a counter in a shared dictionary, atomically, `times` times.
struct CountVisits: Job {
    let visits: SharedDictionary<String, Int>
    let times: Int
    func run() throws -> Int {
        for _ in 0..<times { try visits.update("hits") { $0 = ($0 ?? 0) + 1 } }
        return times
    }
}

/// Connects to a manager by address and key, as a separately started process would.
struct FillByAddress: Job {
    let address: ConnectionAddress
    let key: [UInt8]?
    func run() throws -> Int32 {
        let manager = try Manager(connectingTo: address, authKey: key)
        let filled = try manager.dictionary("filled", of: [Int: String].self)
        for index in 0..<10 { try filled.setValue("value \(index)", forKey: index) }
        return manager.pid
    }
}

/// Blocks in a queue's get (after saying so).
struct BlockOnGet: Job {
    let queue: ManagedQueue<Int>
    let marker: StartMarker
    func run() throws -> Int {
        marker.announce()
        return try queue.get()
    }
}

@Suite("Manager", .timeLimit(.minutes(2)))
struct ManagerTests {
    @Test func aDictionaryHoldsValuesForEveryProxy() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let scores = try manager.dictionary("scores", of: [String: Int].self)
        #expect(try scores.value(forKey: "ada") == nil)
        try scores.setValue(3, forKey: "ada")
        scores["grace"] = 5
        #expect(scores["ada"] == 3)
        #expect(try scores.count == 2)
        #expect(try Set(scores.keys) == ["ada", "grace"])
        let again = try manager.dictionary("scores", of: [String: Int].self)
        #expect(try again.snapshot() == ["ada": 3, "grace": 5])
        #expect(try again.removeValue(forKey: "ada") == 3)
        #expect(try again.removeValue(forKey: "ada") == nil)
        scores["grace"] = nil
        #expect(try scores.count == 0)
        #expect(try scores.update("new") { $0 = ($0 ?? 10) * 2 } == 20)
        #expect(try scores.update("new") { $0 = nil } == nil)
        #expect(try scores.snapshot().isEmpty)
    }

    @Test func anObjectAskedForWithOtherTypesIsATypedError() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        _ = try manager.dictionary("thing", of: [String: Int].self)
        #expect(throws: ManagerError.self) { try manager.dictionary("thing", of: [String: Double].self) }
        #expect(throws: ManagerError.self) { try manager.list("thing", of: [Int].self) }
        do {
            _ = try manager.queue("thing", of: Int.self)
        } catch let ManagerError.typeMismatch(name, existing, requested) {
            #expect(name == "thing")
            #expect(existing.hasPrefix("dictionary of"))
            #expect(requested.hasPrefix("queue of"))
        }
    }

    @Test func aListKeepsItsOrder() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let list = try manager.list("names", of: [String].self)
        try list.append("a")
        try list.append("b")
        try list.append("c")
        #expect(list[1] == "b")
        list[1] = "B"
        #expect(try list.remove(at: 0) == "a")
        #expect(try list.snapshot() == ["B", "c"])
        #expect(try list.count == 2)
        #expect(throws: ManagerError.indexOutOfRange(index: 5, count: 2)) { try list.element(at: 5) }
        #expect(throws: ManagerError.indexOutOfRange(index: -1, count: -1)) { try list.remove(at: -1) }
    }

    @Test func aQueueSpeaksTheProcessQueueVocabulary() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let queue = try manager.queue("jobs", of: Int.self, maxSize: 2)
        try queue.put(1)
        #expect(queue.tryPut(2))
        #expect(!queue.tryPut(3), "full")
        #expect(throws: QueueError.full) { try queue.put(3, timeout: .milliseconds(20)) }
        #expect(try queue.count == 2)
        #expect(try queue.get() == 1)
        #expect(try queue.get(upTo: 5, timeout: .zero) == [2])
        #expect(try queue.isEmpty)
        #expect(queue.tryGet() == nil)
        #expect(throws: QueueError.empty) { try queue.get(timeout: .milliseconds(20)) }
        #expect(try queue.get(upTo: 3, timeout: .milliseconds(20)).isEmpty)
        try queue.put(4)
        try queue.shutdown()
        #expect(throws: QueueError.shutDown) { try queue.put(5) }
        #expect(try queue.get() == 4, "what was queued is still delivered")
        #expect(throws: QueueError.shutDown) { try queue.get() }
    }

    @Test func aBlockedGetWakesForAPutFromAnotherProxy() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let queue = try manager.queue("handoff", of: String.self)
        let getter = ClientThread { () throws -> String in try queue.get() }
        #expect(getter.waitUntilBlocked())
        try manager.queue("handoff", of: String.self).put("hello")
        #expect(try getter.value() == "hello")
    }

    /// Pool workers (spawned) get proxies inside their jobs and update one
    /// counter concurrently: no increment is lost.
    @Test func poolWorkersUpdateOneKeyAtomically() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let visits = try manager.dictionary("visits", of: [String: Int].self)
        let pool = try ProcessPool(workers: 2)
        defer { pool.terminate() }
        let futures = try (0..<4).map { _ in try pool.submit(CountVisits(visits: visits, times: 50)) }
        for future in futures { #expect(try future.wait() == 50) }
        #expect(try visits.value(forKey: "hits") == 200)
    }

    /// Another process reaches the server by address and key alone.
    @Test(arguments: [nil, ConnectionAddress.unix(path: "FRESH"), .tcp(host: "127.0.0.1", port: 0)])
    func aProcessConnectsByAddressAndKey(address: ConnectionAddress?) throws {
        let manager = try Manager(address: address.map(ListenerTests.fresh))
        defer { manager.shutdown() }
        let serverPID = try ChildProcess.spawn(FillByAddress(address: manager.address, key: manager.authKey)).join()
        #expect(serverPID == manager.pid)
        let filled = try manager.dictionary("filled", of: [Int: String].self)
        #expect(try filled.count == 10)
        #expect(filled[7] == "value 7")
        #expect(throws: ManagerError.self) { try Manager(connectingTo: manager.address, authKey: Array("wrong".utf8)) }
    }

    @Test func aUnixPathIsTheServersUntilItShutsDown() throws {
        let path = uniqueSocketPath()
        let manager = try Manager(address: .unix(path: path), authKey: testKey)
        #expect(throws: ListenerError.addressInUse(.unix(path: path))) { try Manager(address: .unix(path: path)) }
        #expect(try socketFileStatus(atPath: path) != .missing)
        manager.shutdown()
        #expect(try socketFileStatus(atPath: path) == .missing)
    }

    @Test func aProxyWhoseServerIsGoneThrowsATypedError() throws {
        let manager = try Manager()
        let scores = try manager.dictionary("scores", of: [String: Int].self)
        try scores.setValue(1, forKey: "a")
        manager.shutdown()
        manager.shutdown()  // idempotent
        do {
            _ = try scores.value(forKey: "a")
            Issue.record("a call on a shut-down manager succeeded")
        } catch ManagerError.serverUnavailable {
        }
    }

    /// The server killed while threads call proxies: every call ends with
    /// a typed error, none hangs.
    @Test func theServerKilledWhileProxiesAreInUse() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let counter = try manager.dictionary("counter", of: [Int: Int].self)
        let queue = try manager.queue("never", of: Int.self)
        let started = Atomic<Int>(0)
        let callers = (0..<4).map { thread in
            ClientThread { () throws -> Void in
                started.add(1, ordering: .relaxed)
                var index = 0
                while true {
                    try counter.update(thread) { $0 = ($0 ?? 0) + 1 }
                    index += 1
                }
            }
        }
        let blocked = ClientThread { () throws -> Int in try queue.get() }
        #expect(pollUntil { started.load(ordering: .relaxed) == 4 && ((try? counter.count) ?? 0) == 4 })
        #expect(blocked.waitUntilBlocked())
        kill(manager.pid, SIGKILL)
        for caller in callers {
            guard case ManagerError.serverUnavailable? = caller.error() else {
                Issue.record("a caller ended without serverUnavailable")
                continue
            }
        }
        #expect({ if case ManagerError.serverUnavailable? = blocked.error() { true } else { false } }())
    }

    /// A get whose process is killed while it waits takes nothing with it.
    @Test func aGetterThatDiesLosesNoElement() throws {
        let manager = try Manager()
        defer { manager.shutdown() }
        let queue = try manager.queue("precious", of: Int.self)
        let marker = StartMarker()
        defer { marker.remove() }
        let getter = try ChildProcess.spawn(BlockOnGet(queue: queue, marker: marker))
        #expect(pollUntil(within: .seconds(20)) { marker.hasStarted })
        getter.kill()
        #expect(throws: ChildProcessError.crashed(status: .signaled(SIGKILL))) { try getter.join() }
        try queue.put(42)
        #expect(try queue.get(timeout: .seconds(10)) == 42)
    }

    /// 10,000 proxies made and dropped: no descriptor or thread left behind,
    /// here or in the server.
    @Test func tenThousandProxiesLeaveNothingBehind() throws {
        try runIsolated(in: Self.self) {
            let manager = try Manager()
            defer { manager.shutdown() }
            let warmUp = try manager.dictionary("d", of: [Int: Int].self)
            try warmUp.setValue(0, forKey: 0)
            let ours = try openDescriptorCount()
            let (serverDescriptors, serverThreads) = try Self.resources(of: manager.pid)
            for index in 0..<10_000 {
                let proxy = try manager.dictionary("d", of: [Int: Int].self)
                if index % 100 == 0 { try proxy.setValue(index, forKey: index) }
            }
            try check(try openDescriptorCount() == ours, "descriptors here")
            let after = try Self.resources(of: manager.pid)
            try check(
                after.descriptors == serverDescriptors,
                "server descriptors \(serverDescriptors) -> \(after.descriptors)")
            try check(after.threads == serverThreads, "server threads \(serverThreads) -> \(after.threads)")
            try check(try warmUp.count == 100, "keys 0, 100, …, 9900")
        }
    }

    /// The server's open descriptors and threads, from /proc.
    static func resources(of pid: pid_t) throws -> (descriptors: Int, threads: Int) {
        func entries(_ path: String) -> Int {
            guard let directory = opendir(path) else { return -1 }
            defer { closedir(directory) }
            var count = 0
            while readdir(directory) != nil { count += 1 }
            return count - 2
        }
        return (entries("/proc/\(pid)/fd"), entries("/proc/\(pid)/task"))
    }

    /// The server dies with its owner, even when the owner is killed with
    /// SIGKILL: the owner is a copy of this test runner (running this test
    /// with `SMP_MANAGER_OWNER` set), which starts a manager, prints its
    /// server's pid and waits to be killed.
    @Test func theServerDiesWithItsOwner() throws {
        if getenv("SMP_MANAGER_OWNER") != nil {
            let manager = try Manager()
            try FileDescriptor.standardOutput.writeAll("PIDS \(manager.pid)\n".utf8)
            pause()
            return
        }
        let (readEnd, writeEnd) = try makeSocketPair()
        defer { closeDescriptor(readEnd) }
        let owner: (pid: pid_t, process: PIDDescriptor)
        do {
            defer { closeDescriptor(writeEnd) }
            owner = try spawnProgram(
                "/proc/self/exe",
                ["--testing-library", "swift-testing", "--filter", "ManagerTests/theServerDiesWithItsOwner"],
                environment: ["SMP_MANAGER_OWNER=1"], descriptors: [1: writeEnd, 2: writeEnd])
        }
        defer {
            owner.process.killAndReap()
            owner.process.close()
        }
        let pids = try readPIDLine(from: readEnd)
        try #require(pids.count == 1)
        kill(owner.pid, SIGKILL)
        _ = try owner.process.reap(blocking: true)
        #expect(pollUntil(within: .seconds(1)) { isGone(pids[0]) }, "the server is gone")
    }
}
