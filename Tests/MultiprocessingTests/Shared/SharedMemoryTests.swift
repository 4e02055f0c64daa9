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
import Testing

@testable import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("SharedMemory", .onItsOwnThreadOneAtATime, .timeLimit(.minutes(3)))
struct SharedMemoryTests {
    @Test(arguments: [1, 100, 4096, 4097, 1 << 20])
    func anonymousSegmentHasExactlyTheSizeAskedAndStartsZeroed(size: Int) throws {
        let memory = try SharedMemory(size: size)
        #expect(memory.size == size)
        #expect(memory.name == nil)
        memory.withUnsafeMutableBytes { bytes in
            #expect(bytes.count == size)
            #expect(bytes.allSatisfy { $0 == 0 })
        }
        try memory.unlink()  // anonymous: nothing to do, not an error
    }

    @Test func sizeBelowOneIsATypedError() {
        #expect(throws: SharedMemoryError.invalidSize(0)) { try SharedMemory(size: 0) }
        #expect(throws: SharedMemoryError.invalidSize(-5)) {
            try SharedMemory(name: uniqueSegmentName("neg"), size: -5)
        }
    }

    @Test(arguments: ["", "a/b", ".", "..", String(repeating: "x", count: 256)])
    func badNamesAreTypedErrors(name: String) {
        #expect(throws: SharedMemoryError.invalidName(name)) { try SharedMemory(name: name, size: 8) }
        #expect(throws: SharedMemoryError.invalidName(name)) { try SharedMemory(attachingTo: name) }
    }

    @Test func namedSegmentIsSharedByNameAndRemovedByItsOwner() throws {
        let name = uniqueSegmentName("owner")
        var owner: SharedMemory? = try SharedMemory(name: name, size: 1000)
        #expect(owner?.name == name)
        #expect(sharedMemoryNames(withPrefix: name) == [name])
        let attached = try SharedMemory(attachingTo: name)
        #expect(attached.size == 1000, "the size asked for, not the page-rounded one")
        owner?.withUnsafeMutableBytes { $0[999] = 7 }
        #expect(attached.withUnsafeMutableBytes { $0[999] } == 7)
        #expect(throws: SharedMemoryError.nameTaken(name)) { try SharedMemory(name: name, size: 10) }
        owner = nil  // the owner's deinit removes the name...
        #expect(sharedMemoryNames(withPrefix: name).isEmpty)
        #expect(attached.withUnsafeMutableBytes { $0[999] } == 7, "...and attached instances keep the memory")
        #expect(throws: SharedMemoryError.notFound(name)) { try SharedMemory(attachingTo: name) }
    }

    @Test func attachedInstancesNeverRemoveTheNameButMayUnlinkIt() throws {
        let name = uniqueSegmentName("attacher")
        let owner = try SharedMemory(name: name, size: 16)
        do {
            _ = try SharedMemory(attachingTo: name)
        }
        #expect(sharedMemoryNames(withPrefix: name) == [name], "an attached instance's deinit leaves the name")
        try SharedMemory(attachingTo: name).unlink()
        #expect(sharedMemoryNames(withPrefix: name).isEmpty, "unlink is open to anyone")
        try owner.unlink()  // already gone: not an error
    }

    @Test func ownerLeavesANewerSegmentOfTheSameNameAlone() throws {
        let name = uniqueSegmentName("reused")
        let first = try SharedMemory(name: name, size: 8)
        try SharedMemory(attachingTo: name).unlink()
        let second = try SharedMemory(name: name, size: 8)
        try first.unlink()
        #expect(sharedMemoryNames(withPrefix: name) == [name], "the first owner removed only its own segment")
        _ = second
    }

    @Test func anonymousSegmentReachesAForkedChild() throws {
        try runIsolated(in: Self.self) {
            let memory = try SharedMemory(size: 64)
            let child = try ChildProcess.fork {
                memory.withUnsafeMutableBytes { $0[10] = 42 }
                return 0
            }
            try check(try joinChild(child) == .exited(0))
            try check(memory.withUnsafeMutableBytes { $0[10] } == 42)
        }
    }

    /// Item 1: nothing is left in /dev/shm after the owner is killed.
    @Test func killedOwnersNameIsRemovedByTheWatchdog() throws {
        try runIsolated(in: Self.self) {
            let name = uniqueSegmentName("killed-owner")
            let ready = try HandOff()
            let owner = try ChildProcess.fork {
                let memory = try SharedMemory(name: name, size: 4096)
                memory.withUnsafeMutableBytes { $0[0] = 1 }
                ready.signal()
                blockUntilKilled()
            }
            try check(ready.wait() == 1, "the owner never created its segment")
            try check(sharedMemoryNames(withPrefix: name) == [name])
            let survivor = try SharedMemory(attachingTo: name)
            owner.kill()
            try check(try joinChild(owner) == .signaled(SIGKILL))
            try check(
                pollUntil { sharedMemoryNames(withPrefix: name).isEmpty },
                "the killed owner's segment is still in /dev/shm")
            try check(survivor.withUnsafeMutableBytes { $0[0] } == 1, "an attached process keeps the memory")
        }
    }

    /// A killed attacher changes nothing: the owner still removes the name.
    @Test func killedAttacherLeavesOwnershipAlone() throws {
        try runIsolated(in: Self.self) {
            let name = uniqueSegmentName("killed-attacher")
            var owner: SharedMemory? = try SharedMemory(name: name, size: 64)
            let ready = try HandOff()
            let attacher = try ChildProcess.fork {
                _ = try SharedMemory(attachingTo: name)
                ready.signal()
                blockUntilKilled()
            }
            try check(ready.wait() == 1)
            attacher.kill()
            _ = try joinChild(attacher)
            try check(sharedMemoryNames(withPrefix: name) == [name])
            owner = nil
            try check(owner == nil && sharedMemoryNames(withPrefix: name).isEmpty)
        }
    }

    /// Issue 11: 1,000 segments created and dropped leave /dev/shm and the
    /// descriptor count where they were.
    @Test func thousandsOfSegmentsLeakNothing() throws {
        try runIsolated(in: Self.self) {
            let prefix = uniqueSegmentName("churn")
            let descriptorsBefore = try openDescriptorCount()
            for index in 0..<1_000 {
                let anonymous = try SharedMemory(size: 4096 + index)
                anonymous.withUnsafeMutableBytes { $0[index] = 1 }
                let named = try SharedMemory(name: "\(prefix)-\(index)", size: 100)
                named.withUnsafeMutableBytes { $0[0] = 1 }
            }
            try check(sharedMemoryNames(withPrefix: prefix).isEmpty, "named segments left in /dev/shm")
            try check(try openDescriptorCount() <= descriptorsBefore + 2, "descriptors leaked")
        }
    }

    // MARK: Codable and descriptor transfer

    @Test func anonymousSegmentTravelsWithItsDescriptor() throws {
        let memory = try SharedMemory(size: 128)
        let received = try roundTripWithDescriptors(memory)
        #expect(received.size == 128 && received.name == nil)
        received.withUnsafeMutableBytes { $0[5] = 9 }
        #expect(memory.withUnsafeMutableBytes { $0[5] } == 9, "the received instance maps the same memory")
    }

    @Test func anonymousSegmentCannotTravelWithoutDescriptors() throws {
        let memory = try SharedMemory(size: 8)
        #expect(throws: SharedMemoryError.descriptorTransferUnavailable) { try BinaryEncoder().encode(memory) }
    }

    @Test func namedSegmentTravelsByNameWithoutDescriptorsAndNeverOwns() throws {
        let name = uniqueSegmentName("by-name")
        let memory = try SharedMemory(name: name, size: 32)
        let bytes = try BinaryEncoder().encode(memory)
        do {
            let received = try BinaryDecoder().decode(SharedMemory.self, from: bytes)
            #expect(received.name == name && received.size == 32)
        }
        #expect(sharedMemoryNames(withPrefix: name) == [name], "a decoded instance does not remove the name")
        _ = memory
    }

    @Test func aMissingDescriptorIsATypedError() throws {
        let memory = try SharedMemory(size: 8)
        let outgoing = OutgoingDescriptors()
        var encoder = BinaryEncoder()
        encoder.userInfo[DescriptorTransfer.outgoingKey] = outgoing
        let bytes = try encoder.encode(memory)
        #expect(outgoing.descriptors.count == 1)
        outgoing.removeAll()
        // Decoded without the descriptors (none arrived):
        #expect(throws: SharedMemoryError.descriptorMissing) {
            try BinaryDecoder().decode(SharedMemory.self, from: bytes)
        }
        var decoder = BinaryDecoder()
        decoder.userInfo[DescriptorTransfer.incomingKey] = IncomingDescriptors(adopting: [])
        #expect(throws: SharedMemoryError.descriptorMissing) { try decoder.decode(SharedMemory.self, from: bytes) }
    }

    @Test func eachReceivedDescriptorIsOwnedOnceAndUnclaimedOnesAreClosed() throws {
        let first = try duplicateDescriptor(0)
        let second = try duplicateDescriptor(0)
        let incoming = IncomingDescriptors(adopting: [first, second])
        #expect(incoming.take(0) == first)
        #expect(incoming.take(0) == nil, "a descriptor is handed over once")
        #expect(incoming.take(7) == nil)
        incoming.closeUnclaimed()
        #expect(fcntl(second, F_GETFD) == -1, "the unclaimed descriptor was closed")
        #expect(isCloseOnExec(first))
        close(first)
    }

    @Test func aSegmentOfAnotherKindIsRejected() throws {
        let value = try SharedValue(7)
        let memory = try roundTripWithDescriptors(value.segment.memory)
        #expect(throws: SharedMemoryError.self) { try ProcessLock(memory: memory) }
        #expect(throws: SharedMemoryError.self) { try SharedValue<UInt8>(memory: memory) }
        #expect(try SharedValue<Int>(memory: memory).load() == 7)
    }
}
