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

/// The segment of a ``ProcessSemaphore`` or ``ProcessBoundedSemaphore``:
/// one word holding the permit count (bits 0–30) and a "someone sleeps"
/// flag (bit 31), changed only with compare-and-swap.
///
/// No process's state is kept but the count: a waiter killed in its sleep
/// leaves nothing behind, and a process killed holding a permit simply
/// never gives it back.
struct SemaphoreSegment: Sendable {
    let memory: SharedMemory
    private let word: SharedWord
    /// The most permits a bounded semaphore holds; `nil` when unbounded.
    let bound: Int?

    private static let sleepersBit: UInt32 = 1 << 31
    private static let countMask: UInt32 = ~sleepersBit
    /// The most permits a semaphore can hold.
    static let maximumValue = Int(countMask)

    private static func layout() -> (SegmentLayout, word: Int) {
        var layout = SegmentLayout()
        let word = layout.reserveWord()
        return (layout, word)
    }

    private static func header(bound: Int?) -> SegmentHeader {
        SegmentHeader(kind: .semaphore, parameters: (bound == nil ? 0 : 1, UInt64(bound ?? 0), 0))
    }

    init(value: Int, bound: Int?, typeName: String) throws(SharedMemoryError) {
        precondition(
            (0...Self.maximumValue).contains(value),
            "\(typeName): the initial value must be in 0...\(Self.maximumValue), got \(value)")
        let (layout, offset) = Self.layout()
        memory = try .forObject(Self.header(bound: bound), layout: layout)
        word = SharedWord(memory.baseAddress + offset)
        word.store(UInt32(value))
        self.bound = bound
    }

    init(memory: SharedMemory, bounded: Bool) throws(SharedMemoryError) {
        let header = try SegmentHeader.read(from: memory, expecting: .semaphore)
        guard (header.parameters.0 == 1) == bounded else {
            throw .mismatchedSegment(bounded ? "it holds an unbounded semaphore" : "it holds a bounded semaphore")
        }
        let (layout, offset) = Self.layout()
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for a semaphore") }
        self.memory = memory
        word = SharedWord(memory.baseAddress + offset)
        bound = bounded ? Int(header.parameters.1) : nil
    }

    /// The permits available now.
    var value: Int { Int(word.load() & Self.countMask) }

    /// Takes a permit, sleeping while none is available, until `deadline`.
    func acquire(until deadline: Deadline) -> Bool {
        var current = word.load()
        while true {
            if current & Self.countMask > 0 {
                let (exchanged, original) = word.compareExchange(expected: current, desired: current - 1)
                if exchanged { return true }
                current = original
                continue
            }
            if deadline.hasPassed { return false }
            let sleeping = current | Self.sleepersBit
            if current != sleeping {
                let (exchanged, original) = word.compareExchange(expected: current, desired: sleeping)
                if !exchanged {
                    current = original
                    continue
                }
            }
            _ = word.wait(whileEqualTo: sleeping, until: deadline)
            current = word.load()
        }
    }

    /// Adds `count` permits and wakes the sleepers; `false`, changing
    /// nothing, if that would pass the bound or the maximum.
    func release(_ count: Int) -> Bool {
        precondition(count >= 1, "a semaphore must be released by at least 1, got \(count)")
        let limit = bound ?? Self.maximumValue
        var current = word.load()
        while true {
            let permits = Int(current & Self.countMask)
            guard count <= limit - permits else { return false }
            let (exchanged, original) = word.compareExchange(expected: current, desired: UInt32(permits + count))
            if exchanged {
                // Everyone sleeping wakes and competes; the losers sleep again.
                if current & Self.sleepersBit != 0 { word.wake() }
                return true
            }
            current = original
        }
    }
}
