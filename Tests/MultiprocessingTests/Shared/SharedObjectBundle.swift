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

/// One of every shared object type, made by the parent and used by another
/// process that received it (over a `Connection` or inside a `Job`): every
/// descriptor of the bundle travels in one message.
///
/// The parent ``prepare()``s (holds the locks, takes a permit, queues an
/// element, waits at the barrier in a thread), the other process
/// ``touch()``es every object, and the parent ``verify(_:)``s that it saw
/// each touch: the objects are the same memory in both processes.
struct SharedObjectBundle: Codable, Sendable {
    var memory: SharedMemory
    var value: SharedValue<Int>
    var array: SharedArray<Double>
    var lock: ProcessLock
    var recursiveLock: ProcessRecursiveLock
    var condition: ProcessCondition
    var semaphore: ProcessSemaphore
    var bounded: ProcessBoundedSemaphore
    var event: ProcessEvent
    var barrier: ProcessBarrier
    var queue: ProcessQueue<String>
    var joinable: JoinableProcessQueue<Int>

    /// How many distinct segments (so descriptors) a bundle holds.
    static let segmentCount = 13  // the condition has its own lock

    static func make() throws -> SharedObjectBundle {
        SharedObjectBundle(
            memory: try SharedMemory(size: 64), value: try SharedValue(0),
            array: try SharedArray(repeating: 0, count: 4), lock: try ProcessLock(),
            recursiveLock: try ProcessRecursiveLock(), condition: try ProcessCondition(),
            semaphore: try ProcessSemaphore(value: 0), bounded: try ProcessBoundedSemaphore(value: 1),
            event: try ProcessEvent(), barrier: try ProcessBarrier(parties: 2),
            queue: try ProcessQueue(), joinable: try JoinableProcessQueue())
    }

    /// The parent's part before the other process touches the objects;
    /// returns the thread that waits at the barrier.
    func prepare() throws -> TestThread {
        try lock.lock()
        try recursiveLock.lock()
        try condition.lock.lock()
        try check(bounded.tryAcquire())
        try joinable.put(17)
        let barrier = self.barrier
        return TestThread { _ = try? barrier.wait(timeout: .seconds(30)) }
    }

    /// What the other process does with each object.
    func touch() throws -> TouchReport {
        memory.withUnsafeMutableBytes { $0[0] = 0xAB }
        value.add(5)
        array[1] = 2.5
        let report = TouchReport(
            lockWasHeld: try !lock.tryLock(), recursiveLockWasHeld: try !recursiveLock.tryLock(),
            conditionLockWasHeld: try !condition.lock.tryLock(),
            joinableElement: try joinable.get(timeout: .seconds(20)), pid: getpid())
        joinable.taskDone()
        semaphore.release()
        try bounded.release()
        event.set()
        _ = try barrier.wait(timeout: .seconds(20))
        try queue.put("touched by \(getpid())")
        return report
    }

    /// The parent's checks once the other process is done; releases the locks.
    func verify(_ report: TouchReport, barrierWaiter: TestThread) throws {
        defer {
            lock.unlock()
            recursiveLock.unlock()
            condition.lock.unlock()
        }
        try check(report.pid != getpid(), "touched in another process")
        try check(memory.withUnsafeMutableBytes { $0[0] } == 0xAB)
        try check(value.load() == 5)
        try check(array[1] == 2.5)
        try check(
            report.lockWasHeld && report.recursiveLockWasHeld && report.conditionLockWasHeld,
            "the locks the parent holds are held over there: \(report)")
        try check(report.joinableElement == 17)
        try check(joinable.join(timeout: .seconds(5)), "taskDone over there counts here")
        try check(semaphore.tryAcquire())
        try check(bounded.value == 1)
        try check(event.isSet)
        barrierWaiter.join()
        try check(try queue.get(timeout: .seconds(5)) == "touched by \(report.pid)")
    }
}

/// What the process that touched a ``SharedObjectBundle`` saw.
struct TouchReport: Codable, Sendable, Equatable {
    var lockWasHeld: Bool
    var recursiveLockWasHeld: Bool
    var conditionLockWasHeld: Bool
    var joinableElement: Int
    var pid: Int32
}

/// The number of this process's descriptors whose `/proc/self/fd` link
/// contains `label` (the label of an anonymous segment).
func descriptorsLabelled(_ label: String) -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    var target = [CChar](repeating: 0, count: 512)
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let length = readlink("/proc/self/fd/" + name, &target, target.count - 1)
        guard length > 0 else { continue }
        let link = String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.contains(label) { count += 1 }
    }
    return count
}
