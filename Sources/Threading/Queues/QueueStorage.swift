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

import DequeModule
import HeapModule

/// The order in which a ``BlockingQueue`` hands out its elements.
///
/// The queue does the locking, blocking and bookkeeping; the storage only
/// decides which element comes out next. ``FIFOStorage``, ``LIFOStorage`` and
/// ``PriorityStorage`` back ``Queue``, ``LifoQueue`` and ``PriorityQueue``;
/// conform your own type for another order. It is only ever used under the
/// queue's lock.
public protocol QueueStorage {
    associatedtype Element
    /// An empty storage.
    init()
    /// How many elements it holds.
    var count: Int { get }
    /// Adds an element.
    mutating func insert(_ element: Element)
    /// Removes and returns the next element; called only when `count > 0`.
    mutating func removeNext() -> Element
    /// Drops every element.
    mutating func removeAll()
}

/// First in, first out, over a `Deque`.
public struct FIFOStorage<Element>: QueueStorage {
    var elements = Deque<Element>()
    /// An empty storage.
    public init() {}
    /// How many elements it holds.
    public var count: Int { elements.count }
    /// Adds an element.
    public mutating func insert(_ element: Element) { elements.append(element) }
    /// Removes the next element in this storage's order.
    public mutating func removeNext() -> Element { elements.removeFirst() }
    /// Drops every element.
    public mutating func removeAll() { elements.removeAll() }
}

/// Last in, first out, over an `Array`.
public struct LIFOStorage<Element>: QueueStorage {
    var elements: [Element] = []
    /// An empty storage.
    public init() {}
    /// How many elements it holds.
    public var count: Int { elements.count }
    /// Adds an element.
    public mutating func insert(_ element: Element) { elements.append(element) }
    /// Removes the next element in this storage's order.
    public mutating func removeNext() -> Element { elements.removeLast() }
    /// Drops every element.
    public mutating func removeAll() { elements.removeAll() }
}

/// Smallest first, over a `Heap` (a min-max heap). Equal elements come out
/// in no particular order; add a sequence number to the element to break ties.
public struct PriorityStorage<Element: Comparable>: QueueStorage {
    var elements = Heap<Element>()
    /// An empty storage.
    public init() {}
    /// How many elements it holds.
    public var count: Int { elements.count }
    /// Adds an element.
    public mutating func insert(_ element: Element) { elements.insert(element) }
    /// Removes the next element in this storage's order.
    public mutating func removeNext() -> Element { elements.removeMin() }
    /// Drops every element.
    public mutating func removeAll() { elements = Heap() }
}

/// A first-in, first-out queue, Python's `queue.Queue`.
public typealias Queue<Element> = BlockingQueue<FIFOStorage<Element>>
/// A last-in, first-out queue (a stack), Python's `queue.LifoQueue`.
public typealias LifoQueue<Element> = BlockingQueue<LIFOStorage<Element>>
/// A queue that hands out its smallest element first, Python's `queue.PriorityQueue`.
public typealias PriorityQueue<Element: Comparable> = BlockingQueue<PriorityStorage<Element>>
