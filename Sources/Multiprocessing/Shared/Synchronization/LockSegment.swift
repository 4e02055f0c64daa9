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

internal import MultiprocessingPlatform

/// The segment of a ``ProcessLock`` or ``ProcessRecursiveLock``: one
/// ``LockWord``, and the calls both types make on it.
struct LockSegment: Sendable {
    let memory: SharedMemory
    private let lockWord: LockWord
    private let recursive: Bool
    /// The public type's name, for misuse messages.
    private let typeName: StaticString

    private static func layout() -> (SegmentLayout, word: Int) {
        var layout = SegmentLayout()
        let word = layout.reserve(LockWord.size, alignment: 64)
        return (layout, word)
    }

    /// A new lock segment.
    init(recursive: Bool, typeName: StaticString) throws(SharedMemoryError) {
        let (layout, offset) = Self.layout()
        memory = try .forObject(SegmentHeader(kind: recursive ? .recursiveLock : .lock), layout: layout)
        lockWord = LockWord(memory.baseAddress + offset)
        self.recursive = recursive
        self.typeName = typeName
    }

    /// The lock in a received segment.
    init(memory: SharedMemory, recursive: Bool, typeName: StaticString) throws(SharedMemoryError) {
        _ = try SegmentHeader.read(from: memory, expecting: recursive ? .recursiveLock : .lock)
        let (layout, offset) = Self.layout()
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for a lock") }
        self.memory = memory
        lockWord = LockWord(memory.baseAddress + offset)
        self.recursive = recursive
        self.typeName = typeName
    }

    /// Takes the lock before `deadline` (``Deadline/immediately``: only if free now; `nil`:
    /// no deadline); `false` if it passed first. Throws ``LockOwnerDied``
    /// with the lock held.
    @inline(__always)
    func lock(until deadline: Deadline?) throws(LockOwnerDied) -> Bool {
        if recursive && lockWord.isOwnedByCurrentThread {
            lockWord.depth.add(1)
            return true
        }
        switch lockWord.lock(until: deadline) {
        case .acquired:
            if recursive { lockWord.depth.store(1) }
            return true
        case .ownerDied:
            if recursive { lockWord.depth.store(1) }
            throw LockOwnerDied()
        case .unavailable:
            return false
        case .alreadyOwned:
            preconditionFailure(
                "\(typeName): the calling thread already holds this lock; use ProcessRecursiveLock to re-enter")
        }
    }

    @inline(__always)
    func unlock() {
        if recursive {
            guard lockWord.isOwnedByCurrentThread else { notHeld() }
            if lockWord.depth.add(0 &- 1) > 1 { return }
        }
        guard lockWord.unlock() else { notHeld() }
    }

    private func notHeld() -> Never {
        preconditionFailure("\(typeName).unlock(): the calling thread does not hold this lock")
    }

    /// Runs `body` holding the lock; after a dead holder, runs nothing,
    /// leaves the lock free and throws ``LockOwnerDied``.
    @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
        do {
            _ = try lock(until: nil)
        } catch {
            unlock()
            throw error
        }
        defer { unlock() }
        return try body()
    }
}
