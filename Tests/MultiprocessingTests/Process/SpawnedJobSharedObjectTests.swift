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
import SystemPackage
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

// Python's `Process(target=f, args=(lock, value, queue)).start()`: a spawned
// job holds shared objects the parent made, and its output and error bring
// the child's back, with their descriptors (`SCM_RIGHTS` on the process's
// socket), as a pool's jobs do. Every object is made after the runner
// started, and a spawned process inherits no descriptor: they arrive only
// with the job.

/// Waits for a lock the parent holds, saying first that it is about to;
/// then adds 1 to `counter` under the lock.
struct SpawnLocksTheParentsLock: Job {
    var lock: ProcessLock
    var aboutToLock: ProcessEvent
    var counter: SharedValue<Int>
    func run() throws -> Int {
        aboutToLock.set()
        return try lock.withLock { counter.add(1) }
    }
}

/// Makes a queue in the child, puts `values` on it and returns it.
struct SpawnMakesAQueue: Job {
    var values: [String]
    func run() throws -> ProcessQueue<String> {
        let queue = try ProcessQueue<String>()
        for value in values { try queue.put(value) }
        return queue
    }
}

/// Makes an anonymous segment in the child, fills it with `byte` and returns it.
struct SpawnMakesSharedMemory: Job {
    var size: Int
    var byte: UInt8
    func run() throws -> SharedMemory {
        let memory = try SharedMemory(size: size)
        _ = memory.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: byte) }
        return memory
    }
}

/// A value whose encoding always fails.
struct RefusesToEncode: Codable, Sendable {
    struct Refusal: Error {}
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws { throw Refusal() }
}

/// A job that cannot be encoded.
struct SpawnUnencodable: Job {
    var value = RefusesToEncode()
    func run() -> Int { 0 }
}

/// A job whose output cannot be encoded in the child.
struct SpawnReturnsUnencodable: Job {
    func run() -> RefusesToEncode { RefusesToEncode() }
}

@Suite("ChildProcess.spawn: shared objects", .timeLimit(.minutes(2)))
struct SpawnedJobSharedObjectTests {
    @Test func aSpawnedJobIncrementsASharedValueTheParentMade() throws {
        let counter = try SharedValue(40)
        let child = try ChildProcess.spawn(AddToSharedCounter(counter: counter, amount: 2))
        #expect(try child.join() == child.pid)
        #expect(counter.load() == 42)
    }

    /// The test's thread holds the lock (synchronous: a lock belongs to its thread).
    @Test func aSpawnedJobWaitsForALockTheParentHolds() throws {
        let lock = try ProcessLock()
        let aboutToLock = try ProcessEvent()
        let counter = try SharedValue(0)
        try lock.lock()
        let child = try ChildProcess.spawn(
            SpawnLocksTheParentsLock(lock: lock, aboutToLock: aboutToLock, counter: counter))
        #expect(try aboutToLock.wait(timeout: .seconds(30)), "the job started")
        // Blocked on the lock: asleep in the kernel, the counter untouched.
        #expect(pollUntil(within: .seconds(10)) { processState(child.pid) == "S" })
        #expect(counter.load() == 0)
        lock.unlock()
        #expect(try child.join() == 1)
        #expect(counter.load() == 1)
        #expect(try lock.tryLock(), "the child released the lock")
        lock.unlock()
    }

    @Test func everySharedObjectTypeReachesASpawnedJob() throws {
        let bundle = try SharedObjectBundle.make()
        let barrierWaiter = try bundle.prepare()
        let report = try ChildProcess.spawn(TouchSharedObjects(bundle: bundle)).join()
        try bundle.verify(report, barrierWaiter: barrierWaiter)
    }

    /// The child keeps no reference to what it made: the descriptors that
    /// came back hold the objects.
    @Test func aQueueTheChildMadeComesBackWithItsContents() throws {
        let queue = try ChildProcess.spawn(SpawnMakesAQueue(values: ["a", "b", "c"])).join()
        #expect(try (0..<3).map { _ in try queue.get(timeout: .seconds(10)) } == ["a", "b", "c"])
        try queue.put("d")
        #expect(queue.tryGet() == "d")
    }

    @Test func sharedMemoryTheChildMadeComesBack() throws {
        let memory = try ChildProcess.spawn(SpawnMakesSharedMemory(size: 4096, byte: 0x5A)).join()
        #expect(memory.size == 4096 && memory.name == nil)
        #expect(memory.withUnsafeMutableBytes { bytes in bytes.allSatisfy { $0 == 0x5A } })
        let counter = try ChildProcess.spawn(MakeSharedCounter(start: 9)).join()
        #expect(try ChildProcess.spawn(AddToSharedCounter(counter: counter, amount: 1)).join() != getpid())
        #expect(counter.load() == 10, "a value made by one child reaches another through the parent")
    }

    @Test func anErrorWithASharedObjectComesBackWithIt() throws {
        do {
            _ = try ChildProcess.spawn(FailWithSharedState(value: 42)).join()
            Issue.record("the job should have thrown")
        } catch let failure as SharedStateFailure {
            #expect(failure.state.load() == 42)
        }
    }

    /// A job of more descriptors than one `sendmsg` carries (253).
    @Test func aJobWithHundredsOfSharedObjectsReachesTheChild() throws {
        let counters = try (0..<300).map { _ in try SharedValue(0) }
        #expect(try ChildProcess.spawn(AddToEachCounter(counters: counters)).join() == 300)
        #expect(counters.allSatisfy { $0.load() == 1 })
    }

    /// A descriptor the kernel refuses (`EBADF` here; `ETOOMANYREFS` and
    /// `ENOMEM` take the same path): spawn throws a typed error, and the
    /// process it started is gone, reaped, its socket closed.
    @Test func aJobWhoseDescriptorsAreRefusedFailsToSpawnAndLeavesNothing() throws {
        try runIsolated(in: Self.self) {
            _ = try ChildProcess.spawn(SpawnSquare(value: 2)).join()  // warm up
            let descriptors = try openDescriptorCount()
            for _ in 0..<3 {
                do {
                    _ = try ChildProcess.spawn(UnsendableJob())
                    throw CheckFailure(description: "spawn should have failed")
                } catch let ProcessPoolError.jobEncodingFailed(typeName, description) {
                    try check(typeName.hasSuffix("UnsendableJob"), typeName)
                    try check(description.contains("could not be sent to the process"), description)
                    try check(description.contains(String(describing: Errno.badFileDescriptor)), description)
                }
            }
            try check(ChildProcess.activeChildren.isEmpty, "\(ChildProcess.activeChildren.map(\.pid))")
            try check(childProcesses().isEmpty, "no child left, not even a zombie: \(childProcesses())")
            let after = try openDescriptorCount()
            try check(after == descriptors, "descriptors went from \(descriptors) to \(after)")
        }
    }

    @Test func whatCannotTravelStillGivesItsTypedError() throws {
        #expect {
            _ = try ChildProcess.spawn(SpawnUnencodable())
        } throws: { error in
            guard case let ProcessPoolError.jobEncodingFailed(typeName, _) = error else { return false }
            return typeName.hasSuffix("SpawnUnencodable")
        }
        let child = try ChildProcess.spawn(SpawnReturnsUnencodable())
        #expect {
            _ = try child.join()
        } throws: { error in
            guard case let ProcessPoolError.outputEncodingFailed(typeName, _) = error else { return false }
            return typeName.hasSuffix("RefusesToEncode")
        }
        #expect(child.process.exitStatus == .exited(0), "the child ended normally after reporting")
    }

    /// 200 spawns whose jobs, outputs and errors carry shared objects leave
    /// this process's descriptor count where it was.
    @Test func twoHundredSpawnsWithSharedObjectsLeakNoDescriptor() throws {
        try runIsolated(in: Self.self) {
            let counter = try SharedValue(0)
            _ = try ChildProcess.spawn(AddToSharedCounter(counter: counter, amount: 1)).join()  // warm up
            let before = try openDescriptorCount()
            for round in 0..<200 {
                switch round % 3 {
                case 0:
                    _ = try ChildProcess.spawn(AddToSharedCounter(counter: counter, amount: 1)).join()
                case 1:
                    let made = try ChildProcess.spawn(MakeSharedCounter(start: round)).join()
                    try check(made.load() == round)
                default:
                    do {
                        _ = try ChildProcess.spawn(FailWithSharedState(value: round)).join()
                        throw CheckFailure(description: "the job should have thrown")
                    } catch let failure as SharedStateFailure {
                        try check(failure.state.load() == round)
                    }
                }
            }
            try check(counter.load() == 1 + 67)
            let after = try openDescriptorCount()
            try check(after == before, "descriptors went from \(before) to \(after)")
        }
    }
}
