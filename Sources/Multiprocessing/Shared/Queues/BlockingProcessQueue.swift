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

/// A first-in, first-out queue that many producer and consumer processes
/// share: ``ProcessQueue`` (Python's `multiprocessing.Queue` and
/// `SimpleQueue`) and ``JoinableProcessQueue`` (Python's `JoinableQueue`) are
/// this one type, with the vocabulary of Threading's ``Queue`` (timeouts,
/// try-calls, shutdown).
///
/// ```swift
/// let jobs = try ProcessQueue<Int>(maxSize: 100)
/// let consumer = try ChildProcess.fork {
///     while let job = try? jobs.get() { handle(job) }   // ends at shutdown, once drained
///     return 0
/// }
/// for job in 0..<1_000 { try jobs.put(job) }
/// jobs.shutdown()
/// _ = try consumer.join()
/// ```
///
/// Elements are `Codable` and travel in the package's binary wire format
/// through a ring buffer in shared memory: a put encodes the element and
/// copies it in, a get copies it out and decodes it. There is **no
/// background feeder thread**: a put is done when it returns, so a process
/// may exit (or join its consumers) right after putting, with nothing
/// stuck in a buffer (Python's `Queue.join_thread` deadlock cannot happen).
/// ``JoinableProcessQueue`` adds `taskDone()`/`join()`. Python's
/// `SimpleQueue` (unbounded, no task tracking) is `ProcessQueue()`.
///
/// ## Bounds
/// `maxSize` bounds the number of elements (0: unbounded), `capacityBytes`
/// the bytes they take encoded (each plus a 4-byte length). A put waits
/// while either is exhausted. An element whose encoding cannot fit in
/// `capacityBytes` at all throws ``ProcessQueueError/elementTooLarge(byteCount:capacity:)``
/// at once: send large values another way (a ``SharedMemory`` segment, a
/// ``Pipe``), or make the queue larger.
///
/// ## Many at once
/// Producers and consumers take separate locks, so a put never waits for
/// a get (or the other way round); producers queue behind each other, as
/// consumers do. Neither side makes a system call unless the queue is
/// full (a put) or empty (a get) long enough for it to sleep, or someone
/// sleeps whom it must wake. The standard library's fixed-width numbers
/// and `Bool` travel as their bytes; every other type through its
/// `Codable` conformance, so a type's own `init(from:)` always runs.
///
/// ## Killed producers and consumers
/// A process killed in the middle of a put or a get (or while waiting)
/// never wedges the others and never makes them see a torn element: the
/// queue publishes each put and get with one atomic store at its end, and
/// a half-done one is as if it never started (see the design notes in
/// `QueueSegment.swift`). An element a consumer had fully taken when it was
/// killed is gone with it.
///
/// ## Shutting down
/// ``shutdown(immediate:)`` acts for every process: later puts throw
/// ``QueueError/shutDown``; blocked puts wake and throw; gets drain what is
/// queued, then throw; `immediate: true` also drops what is queued.
///
/// An element that fails to decode (a type mismatch between processes) is
/// consumed and its `DecodingError` thrown by the get. The queue reaches
/// other processes by `fork` or, being `Codable`, inside a `Job` or a
/// message over a transport that carries descriptors.
public final class BlockingProcessQueue<Element: Codable & Sendable, Tracking: ProcessQueueTaskTracking>: Sendable {
    let segment: QueueSegment
    /// Whether elements travel as their bytes (see ``RawElements``), looked
    /// up once: the generic code that asks cannot be specialized for a
    /// caller's type, so the question would cost a dozen type comparisons
    /// per element.
    private let travelsRaw = RawElements.contains(Element.self)

    private static var tracksTasks: Bool { Tracking.self == TrackedTasks.self }

    /// Creates an empty queue.
    ///
    /// - Parameters:
    ///   - maxSize: the most elements it holds; 0 means unbounded (negative traps).
    ///   - capacityBytes: the bytes of shared memory for queued elements
    ///     (1 MiB by default), each taking its encoded size plus 4.
    /// - Throws: ``SharedMemoryError`` if no segment can be made.
    public init(maxSize: Int = 0, capacityBytes: Int = 1 << 20) throws(SharedMemoryError) {
        segment = try QueueSegment(
            capacity: capacityBytes, maxSize: maxSize, joinable: Self.tracksTasks,
            typeName: Self.tracksTasks ? "JoinableProcessQueue" : "ProcessQueue")
    }

    init(memory: SharedMemory) throws(SharedMemoryError) {
        segment = try QueueSegment(memory: memory, joinable: Self.tracksTasks)
    }

    /// The most elements the queue holds; 0 means unbounded.
    public var maxSize: Int { segment.maxSize }
    /// The bytes of shared memory for queued elements.
    public var capacityBytes: Int { segment.capacity }
    /// The number of queued elements; a snapshot other processes may change at once.
    public var count: Int { segment.count }
    /// Whether the queue is empty now.
    public var isEmpty: Bool { count == 0 }
    /// Whether ``shutdown(immediate:)`` was called, by any process.
    public var isShutdown: Bool { segment.isShutDown }

    /// Adds `element`, blocking while the queue is full.
    ///
    /// - Throws: ``QueueError/shutDown``;
    ///   ``ProcessQueueError/elementTooLarge(byteCount:capacity:)``; the
    ///   element's own encoding error.
    public func put(_ element: Element) throws {
        try segment.put(element, raw: travelsRaw, until: .distantFuture)
    }

    /// Adds `element`, waiting at most `timeout` for room.
    ///
    /// - Throws: ``QueueError/full`` if the timeout passed; the errors of ``put(_:)``.
    public func put(_ element: Element, timeout: Duration) throws {
        try segment.put(element, raw: travelsRaw, until: .after(timeout))
    }

    /// Adds `element` if there is room now.
    ///
    /// - Returns: `false` if the queue is full, shut down, or the element
    ///   cannot be put at all (too large, or its encoding fails); use
    ///   ``put(_:timeout:)`` with `.zero` to learn which.
    @discardableResult
    public func tryPut(_ element: Element) -> Bool {
        (try? segment.put(element, raw: travelsRaw, until: .immediately)) != nil
    }

    /// Removes and returns the next element, blocking while the queue is empty.
    ///
    /// - Throws: ``QueueError/shutDown`` once the queue is shut down and
    ///   empty; the element's `DecodingError` (it is consumed).
    public func get() throws -> Element {
        try segment.get(Element.self, raw: travelsRaw, until: .distantFuture)
    }

    /// Removes and returns the next element, waiting at most `timeout`.
    ///
    /// - Throws: ``QueueError/empty`` if the timeout passed; the errors of ``get()``.
    public func get(timeout: Duration) throws -> Element {
        try segment.get(Element.self, raw: travelsRaw, until: .after(timeout))
    }

    /// Removes and returns the next element if there is one now.
    ///
    /// - Returns: `nil` if the queue is empty (shut down or not), or the
    ///   element failed to decode (it is consumed; ``get(timeout:)`` throws the error).
    public func tryGet() -> Element? {
        try? segment.get(Element.self, raw: travelsRaw, until: .immediately)
    }

    /// Removes up to `count` elements at once, in order, waiting for the first.
    ///
    /// - Parameters:
    ///   - count: the most elements to return (at least 1; fewer traps).
    ///   - timeout: how long to wait for the first element; `nil` waits forever.
    /// - Returns: 1 to `count` elements; empty if the timeout passed (not an error).
    /// - Throws: ``QueueError/shutDown`` once the queue is shut down and
    ///   empty; a `DecodingError` (every element taken is consumed).
    public func get(upTo count: Int, timeout: Duration?) throws -> [Element] {
        try segment.get(
            upTo: count, Element.self, raw: travelsRaw, until: timeout.map(Deadline.after) ?? .distantFuture)
    }

    /// Shuts the queue down for every process: later puts throw
    /// ``QueueError/shutDown`` and every blocked put and get wakes; gets go on
    /// returning queued elements and throw once the queue is empty.
    ///
    /// - Parameter immediate: also drop every queued element, so gets throw
    ///   at once (counting each as done, which releases `join()`).
    ///
    /// Shutting down twice is not an error.
    public func shutdown(immediate: Bool = false) {
        segment.shutdown(immediate: immediate)
    }
}

/// Marks whether a ``BlockingProcessQueue`` counts unfinished tasks:
/// ``UntrackedTasks`` or ``TrackedTasks``.
public protocol ProcessQueueTaskTracking: Sendable {}
/// A queue without `taskDone()`/`join()`: ``ProcessQueue``.
public enum UntrackedTasks: ProcessQueueTaskTracking {}
/// A queue with `taskDone()`/`join()`: ``JoinableProcessQueue``.
public enum TrackedTasks: ProcessQueueTaskTracking {}

/// Python's `multiprocessing.Queue` (and `SimpleQueue`): see ``BlockingProcessQueue``.
public typealias ProcessQueue<Element: Codable & Sendable> = BlockingProcessQueue<Element, UntrackedTasks>

/// Python's `multiprocessing.JoinableQueue`: a ``BlockingProcessQueue`` that
/// also counts unfinished tasks. Consumers mark each element they took with
/// ``BlockingProcessQueue/taskDone()``, and ``BlockingProcessQueue/join()``
/// waits, in any process, until every element put was marked.
///
/// ```swift
/// let work = try JoinableProcessQueue<String>()
/// // consumers, in other processes:
/// while let path = try? work.get() { process(path); work.taskDone() }
/// // the coordinator:
/// for path in paths { try work.put(path) }
/// work.join()          // every path processed
/// work.shutdown()
/// ```
///
/// A consumer killed between its get and its `taskDone()` leaves that task
/// unfinished for good, so `join()` would wait forever: use
/// `join(timeout:)` where consumers may die. Calling `taskDone()` more times
/// than elements were put traps with a message, as with ``Queue``.
public typealias JoinableProcessQueue<Element: Codable & Sendable> = BlockingProcessQueue<Element, TrackedTasks>

extension BlockingProcessQueue where Tracking == TrackedTasks {
    /// Marks one element taken with `get` as processed. When every element
    /// ever put has been marked, ``join()`` returns in every process.
    public func taskDone() {
        segment.taskDone(typeName: "JoinableProcessQueue")
    }

    /// Blocks until every element put has been marked with ``taskDone()``
    /// (or dropped by an immediate shutdown).
    public func join() {
        _ = segment.join(until: .distantFuture)
    }

    /// Like ``join()``, giving up after `timeout`.
    ///
    /// - Returns: `false` if tasks were still unfinished at the timeout (not an error).
    public func join(timeout: Duration) -> Bool {
        segment.join(until: .after(timeout))
    }
}

extension BlockingProcessQueue: Codable {
    public func encode(to encoder: any Encoder) throws { try segment.memory.encode(to: encoder) }
    public convenience init(from decoder: any Decoder) throws {
        try self.init(memory: SharedMemory.decodedShared(from: decoder))
    }
}
