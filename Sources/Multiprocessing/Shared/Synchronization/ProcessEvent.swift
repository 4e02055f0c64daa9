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

/// A flag that threads of several processes wait for, Python's
/// `multiprocessing.Event`, with ``Event``'s API: a stop signal every
/// worker checks, a start signal they all wait for.
///
/// ```swift
/// let stop = try ProcessEvent()
/// // each worker process
/// while !stop.isSet { doSomeWork() }
/// // the coordinator
/// stop.set()
/// ```
///
/// The flag is one shared word: ``isSet`` is a single atomic load (no lock,
/// no system call), so checking it in a hot loop is cheap. A waiter killed
/// in its wait leaves nothing behind. Timeouts are on the monotonic clock.
public final class ProcessEvent: Sendable {
    let memory: SharedMemory
    /// 0: clear; 1: set; 2: clear, and someone may sleep waiting for it.
    private let flag: SharedWord

    private static let clear: UInt32 = 0
    private static let set: UInt32 = 1
    private static let clearWithSleepers: UInt32 = 2

    private static func layout() -> (SegmentLayout, flag: Int) {
        var layout = SegmentLayout()
        let flag = layout.reserveWord()
        return (layout, flag)
    }

    /// Creates an event whose flag is down.
    ///
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init() throws(SharedMemoryError) {
        let (layout, offset) = Self.layout()
        memory = try .forObject(SegmentHeader(kind: .event), layout: layout)
        flag = SharedWord(memory.baseAddress + offset)
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        _ = try SegmentHeader.read(from: memory, expecting: .event)
        let (layout, offset) = Self.layout()
        guard memory.size >= layout.size else { throw .mismatchedSegment("too small for an event") }
        self.memory = memory
        flag = SharedWord(memory.baseAddress + offset)
    }

    /// Whether the flag is up now.
    public var isSet: Bool { flag.load() == Self.set }

    /// Raises the flag and wakes every waiting thread in every process.
    /// Setting a set event is not an error.
    ///
    /// The corresponding C function is `futex(FUTEX_WAKE)`.
    public func set() {
        if flag.exchange(Self.set) == Self.clearWithSleepers { flag.wake() }
    }

    /// Lowers the flag; later waits block until the next ``set()``.
    public func clear() {
        _ = flag.compareExchange(expected: Self.set, desired: Self.clear)
    }

    /// Blocks until the flag is up; returns at once if it already is.
    ///
    /// - Throws: never today; declared throwing as in the API contract.
    ///
    /// The corresponding C function is `futex(FUTEX_WAIT_BITSET)`.
    public func wait() throws {
        _ = wait(until: .distantFuture)
    }

    /// Blocks until the flag is up or `timeout` has passed.
    ///
    /// - Returns: whether the flag is up: `false` means the timeout passed (not an error).
    @discardableResult
    public func wait(timeout: Duration) throws -> Bool {
        wait(until: .after(timeout))
    }

    private func wait(until deadline: Deadline) -> Bool {
        while true {
            let current = flag.load()
            if current == Self.set { return true }
            if current == Self.clear,
                !flag.compareExchange(expected: Self.clear, desired: Self.clearWithSleepers).exchanged
            {
                continue
            }
            if flag.wait(whileEqualTo: Self.clearWithSleepers, until: deadline) == .timedOut {
                return isSet
            }
        }
    }
}

extension ProcessEvent: Codable {
    public func encode(to encoder: any Encoder) throws { try memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
