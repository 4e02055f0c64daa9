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

/// A value of which every thread has its own copy, Python's `threading.local`.
///
/// ```swift
/// let buffer = ThreadLocal { [UInt8](repeating: 0, count: 4096) }
/// // on any thread:
/// buffer.value[0] = 1        // this thread's buffer; others never see it
/// ```
///
/// A thread's copy is made by `makeInitial` the first time that thread reads
/// or writes ``value``, and released when the thread exits (on that thread,
/// as the pthread key destructors run) or when the `ThreadLocal` itself is
/// released, whichever comes first. Threads of any origin may use it: a
/// ``PosixThread``, a ``ThreadPool`` thread, the main thread, or a thread
/// started by other code.
///
/// Swift tasks are not threads: a task may move between threads at each
/// `await`, so in async code use a `TaskLocal` instead.
///
/// The type is `Sendable` whatever `Value` is, because each value is only
/// ever touched by its own thread (and released by it, or by whoever
/// releases the `ThreadLocal`).
public final class ThreadLocal<Value>: ThreadLocalOwner, @unchecked Sendable {
    private let makeInitial: @Sendable () -> Value
    /// The records of the threads holding a value, so that `deinit` can drop them.
    private let holders = LockedState<[ObjectIdentifier: Holder]>([:])

    private struct Holder {
        weak var record: ThreadRecord?
    }

    private final class Box {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Creates a thread-local value; each thread's copy starts as `makeInitial()`.
    public init(_ makeInitial: @escaping @Sendable () -> Value) {
        self.makeInitial = makeInitial
    }

    deinit {
        let records = holders.withLock { $0.values.compactMap(\.record) }
        for record in records { record.removeLocalValue(for: ObjectIdentifier(self)) }
    }

    /// The calling thread's copy.
    public var value: Value {
        get { box.value }
        set { box.value = newValue }
    }

    /// The calling thread's box, made on first use.
    private var box: Box {
        let record = ThreadRecord.current
        if let existing = record.localValue(for: ObjectIdentifier(self)) {
            // Only this local stores under its identifier, and always a Box.
            return unsafeDowncast(existing, to: Box.self)
        }
        let box = Box(makeInitial())
        record.setLocalValue(box, for: self)
        holders.withLock { $0[ObjectIdentifier(record)] = Holder(record: record) }
        return box
    }

    func threadExited(_ record: ThreadRecord) {
        holders.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(record)) }
    }
}
