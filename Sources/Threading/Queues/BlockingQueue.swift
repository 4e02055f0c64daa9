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

/// A thread-safe queue for handing work between threads, Python's `queue`
/// module: ``Queue`` (FIFO), ``LifoQueue`` and ``PriorityQueue`` are this one
/// type with different ``QueueStorage``.
///
/// ```swift
/// let queue = Queue<Int>(maxSize: 100)
/// // producers
/// try queue.put(42)                 // blocks while full
/// // consumers
/// let item = try queue.get()        // blocks while empty
/// queue.taskDone()
/// // coordinator
/// queue.join()                      // until every put item is taskDone
/// ```
///
/// ## Bounds and timeouts
/// `maxSize` 0 means unbounded. ``put(_:)`` blocks while the queue is full,
/// ``get()`` while it is empty; the timed forms throw ``QueueError/full`` and
/// ``QueueError/empty`` when their timeout passes (on the monotonic clock);
/// ``tryPut(_:)`` and ``tryGet()`` never block.
///
/// ## Shutting down
/// ``shutdown(immediate:)`` (what Python gained in 3.13) makes every later
/// put throw ``QueueError/shutDown`` and wakes every blocked caller: blocked
/// puts throw; gets drain what is left and then throw. `immediate: true` also
/// drops what is queued and releases ``join()``.
public final class BlockingQueue<Storage: QueueStorage>: @unchecked Sendable {
    /// The type of the queued values.
    public typealias Element = Storage.Element

    /// The most elements the queue holds; 0 means unbounded.
    public let maxSize: Int
    private let mutex = PThreadMutex()
    private let notEmpty = PThreadCondition()
    private let notFull = PThreadCondition()
    private let allTasksDone = PThreadCondition()
    // Guarded by `mutex`:
    private var storage = Storage()
    private var waitingGetters = 0
    private var waitingPutters = 0
    private var waitingJoiners = 0
    private var unfinishedTasks = 0
    private var isShutDown = false

    /// Creates an empty queue holding at most `maxSize` elements (0: unbounded;
    /// a negative size traps).
    public init(maxSize: Int = 0) {
        precondition(maxSize >= 0, "a queue's maxSize must not be negative, got \(maxSize)")
        self.maxSize = maxSize
    }

    // MARK: State

    /// The number of queued elements; a snapshot that other threads may change at once.
    public var count: Int { mutex.withLock { storage.count } }
    /// Whether the queue is empty now.
    public var isEmpty: Bool { count == 0 }
    /// Whether a bounded queue is full now; an unbounded queue never is.
    public var isFull: Bool { mutex.withLock { isFullLocked } }
    /// Whether ``shutdown(immediate:)`` was called.
    public var isShutdown: Bool { mutex.withLock { isShutDown } }

    private var isFullLocked: Bool { maxSize > 0 && storage.count >= maxSize }

    /// The threads blocked in a get, a put and a join now (for tests).
    var waitingCounts: (getters: Int, putters: Int, joiners: Int) {
        mutex.withLock { (waitingGetters, waitingPutters, waitingJoiners) }
    }

    // MARK: Putting

    /// Adds `element`, blocking while the queue is full.
    ///
    /// - Throws: ``QueueError/shutDown`` if the queue is or gets shut down.
    public func put(_ element: Element) throws(QueueError) {
        try put(element, until: .distantFuture)
    }

    /// Adds `element`, waiting at most `timeout` for room.
    ///
    /// - Throws: ``QueueError/full`` if the timeout passed, ``QueueError/shutDown``.
    public func put(_ element: Element, timeout: Duration) throws(QueueError) {
        try put(element, until: .after(timeout))
    }

    /// Adds `element` if there is room now and the queue is not shut down.
    ///
    /// Neither a full queue nor a shut-down one is an error here: both give
    /// `false` (``isShutdown`` tells them apart).
    ///
    /// - Returns: whether `element` was added.
    @discardableResult
    public func tryPut(_ element: Element) -> Bool {
        do {
            try put(element, until: Deadline(nanoseconds: 0))
            return true
        } catch {
            return false
        }
    }

    private func put(_ element: Element, until deadline: Deadline) throws(QueueError) {
        mutex.lock()
        defer { mutex.unlock() }
        while true {
            guard !isShutDown else { throw .shutDown }
            if !isFullLocked { break }
            if deadline == Deadline(nanoseconds: 0) { throw .full }
            waitingPutters += 1
            let signalled = notFull.wait(on: mutex, until: deadline)
            waitingPutters -= 1
            if !signalled, isFullLocked, !isShutDown { throw .full }
        }
        storage.insert(element)
        unfinishedTasks += 1
        if waitingGetters > 0 { notEmpty.signal() }
    }

    // MARK: Getting

    /// Removes and returns the next element, blocking while the queue is empty.
    ///
    /// - Throws: ``QueueError/shutDown`` once the queue is shut down and empty.
    public func get() throws(QueueError) -> Element {
        try get(until: .distantFuture)
    }

    /// Removes and returns the next element, waiting at most `timeout` for one.
    ///
    /// - Throws: ``QueueError/empty`` if the timeout passed, ``QueueError/shutDown``.
    public func get(timeout: Duration) throws(QueueError) -> Element {
        try get(until: .after(timeout))
    }

    /// Removes and returns the next element if there is one now.
    ///
    /// An empty queue, shut down or not, is not an error here: the result is
    /// `nil`. After a graceful shutdown the elements still queued keep coming.
    public func tryGet() -> Element? {
        try? get(until: Deadline(nanoseconds: 0))
    }

    private func get(until deadline: Deadline) throws(QueueError) -> Element {
        mutex.lock()
        defer { mutex.unlock() }
        while storage.count == 0 {
            guard !isShutDown else { throw .shutDown }
            if deadline == Deadline(nanoseconds: 0) { throw .empty }
            waitingGetters += 1
            let signalled = notEmpty.wait(on: mutex, until: deadline)
            waitingGetters -= 1
            if !signalled, storage.count == 0, !isShutDown { throw .empty }
        }
        let element = storage.removeNext()
        if waitingPutters > 0 { notFull.signal() }
        return element
    }

    // MARK: Tasks

    /// Marks one element taken with `get` as processed. When every element
    /// ever put has been marked, ``join()`` returns.
    ///
    /// Calling it more times than elements were put is a programmer error and
    /// traps with a message (Python raises `ValueError`), like the misuse of a
    /// ``Lock``.
    public func taskDone() {
        mutex.withLock {
            precondition(unfinishedTasks > 0, "Queue.taskDone() called more times than elements were put")
            unfinishedTasks -= 1
            if unfinishedTasks == 0 { allTasksDone.broadcast() }
        }
    }

    /// Blocks until every element put has been marked with ``taskDone()``
    /// (or an immediate shutdown dropped it).
    public func join() {
        _ = join(until: .distantFuture)
    }

    /// Like ``join()``, giving up after `timeout`.
    ///
    /// - Returns: `false` if tasks were still unfinished at the timeout (not an error).
    public func join(timeout: Duration) -> Bool {
        join(until: .after(timeout))
    }

    private func join(until deadline: Deadline) -> Bool {
        mutex.withLock {
            waitingJoiners += 1
            defer { waitingJoiners -= 1 }
            while unfinishedTasks > 0 {
                if !allTasksDone.wait(on: mutex, until: deadline) { return unfinishedTasks == 0 }
            }
            return true
        }
    }

    // MARK: Shutting down

    /// Shuts the queue down: later puts throw ``QueueError/shutDown``, and
    /// every blocked ``put(_:)`` and ``get()`` wakes. Gets go on returning
    /// queued elements and throw once the queue is empty.
    ///
    /// - Parameter immediate: also drop every queued element (counting each
    ///   as done for ``join()``), so gets throw at once.
    ///
    /// Shutting down twice is not an error.
    public func shutdown(immediate: Bool = false) {
        mutex.withLock {
            isShutDown = true
            if immediate {
                unfinishedTasks = max(0, unfinishedTasks - storage.count)
                storage.removeAll()
                allTasksDone.broadcast()
            }
            notEmpty.broadcast()
            notFull.broadcast()
        }
    }
}
