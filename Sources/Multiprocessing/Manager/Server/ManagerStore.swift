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
internal import MultiprocessingPlatform
internal import Threading

/// The named objects a manager's server holds, as bytes: keys, values and
/// elements stay in their encoding (the server never decodes a user's type),
/// so a dictionary's keys are equal when their encodings are.
///
/// One lock guards them all; a queue's blocked `get` or `put` waits on the
/// lock's condition, notified at every change of a queue.
final class ManagerStore: @unchecked Sendable {
    private final class Dictionary {
        let signature: String
        var entries: [[UInt8]: (version: UInt64, value: [UInt8])] = [:]
        var nextVersion: UInt64 = 1

        init(signature: String) { self.signature = signature }

        func entry(_ key: [UInt8]) -> ManagerReply {
            entries[key].map { .entry(version: $0.version, value: $0.value) } ?? .entry(version: 0, value: nil)
        }

        func set(_ key: [UInt8], _ value: [UInt8]?) {
            if let value {
                entries[key] = (nextVersion, value)
                nextVersion += 1
            } else {
                entries[key] = nil
            }
        }
    }

    private final class List {
        let signature: String
        var elements: [[UInt8]] = []

        init(signature: String) { self.signature = signature }
    }

    private final class Queue {
        let signature: String
        let maxSize: Int
        var elements = Deque<[UInt8]>()
        var isShutDown = false

        init(signature: String, maxSize: Int) {
            self.signature = signature
            self.maxSize = maxSize
        }

        var isFull: Bool { maxSize > 0 && elements.count >= maxSize }
    }

    private enum Object {
        case dictionary(Dictionary)
        case list(List)
        case queue(Queue)

        var kind: ManagedObjectKind {
            switch self {
            case .dictionary: .dictionary
            case .list: .list
            case .queue: .queue
            }
        }

        var signature: String {
            switch self {
            case let .dictionary(object): object.signature
            case let .list(object): object.signature
            case let .queue(object): object.signature
            }
        }
    }

    private let changed = Condition()
    private var objects: [String: Object] = [:]

    /// How long a blocked queue operation waits before it checks that its
    /// client is still there.
    static let clientCheckInterval = Duration.milliseconds(100)

    /// Carries out `request`. A queue operation that must wait calls
    /// `clientIsGone` now and then, and gives up if it says so.
    func perform(_ request: ManagerRequest, clientIsGone: () -> Bool) -> ManagerReply {
        changed.withLock {
            if case let .declare(kind, signature, maxSize) = request.operation {
                return declare(request.name, kind, signature, maxSize: Int(clamping: maxSize))
            }
            guard let object = objects[request.name] else { return .noSuchObject }
            switch (object, request.operation) {
            case let (.dictionary(dictionary), operation): return perform(operation, on: dictionary)
            case let (.list(list), operation): return perform(operation, on: list)
            case let (.queue(queue), operation): return perform(operation, on: queue, clientIsGone: clientIsGone)
            }
        }
    }

    /// Puts back an element taken by a `get` whose reply could not be sent.
    func restore(_ values: [[UInt8]], toQueue name: String) {
        changed.withLock {
            guard case let .queue(queue)? = objects[name] else { return }
            queue.elements.insert(contentsOf: values, at: 0)
            changed.notifyAll()
        }
    }

    // MARK: Operations (called with the lock held)

    private func declare(_ name: String, _ kind: ManagedObjectKind, _ signature: String, maxSize: Int) -> ManagerReply {
        let requested = "\(kind.name) of \(signature)"
        if let existing = objects[name] {
            let description = "\(existing.kind.name) of \(existing.signature)"
            return description == requested ? .done : .typeMismatch(existing: description, requested: requested)
        }
        objects[name] =
            switch kind {
            case .dictionary: .dictionary(Dictionary(signature: signature))
            case .list: .list(List(signature: signature))
            case .queue: .queue(Queue(signature: signature, maxSize: maxSize))
            }
        return .done
    }

    private func perform(_ operation: ManagerRequest.Operation, on dictionary: Dictionary) -> ManagerReply {
        switch operation {
        case let .dictionaryGet(key):
            return dictionary.entry(key)
        case let .dictionarySet(key, value):
            dictionary.set(key, value)
            return .done
        case let .dictionaryRemove(key):
            let removed = dictionary.entries.removeValue(forKey: key)
            return .entry(version: removed?.version ?? 0, value: removed?.value)
        case .dictionaryCount:
            return .count(UInt64(dictionary.entries.count))
        case .dictionaryItems:
            return .pairs(dictionary.entries.map { ($0.key, $0.value.value) })
        case let .dictionaryCompareAndSet(key, expected, value):
            let current = dictionary.entries[key]
            guard (current?.version ?? 0) == expected else {
                return .conflict(version: current?.version ?? 0, value: current?.value)
            }
            dictionary.set(key, value)
            return .done
        default:
            return .typeMismatch(
                existing: "dictionary of \(dictionary.signature)", requested: "an operation of another kind")
        }
    }

    private func perform(_ operation: ManagerRequest.Operation, on list: List) -> ManagerReply {
        switch operation {
        case let .listAppend(value):
            list.elements.append(value)
            return .done
        case let .listGet(index):
            guard index < list.elements.count else {
                return .indexOutOfRange(index: index, count: UInt64(list.elements.count))
            }
            return .value(list.elements[Int(index)])
        case let .listSet(index, value):
            guard index < list.elements.count else {
                return .indexOutOfRange(index: index, count: UInt64(list.elements.count))
            }
            list.elements[Int(index)] = value
            return .done
        case let .listRemove(index):
            guard index < list.elements.count else {
                return .indexOutOfRange(index: index, count: UInt64(list.elements.count))
            }
            return .value(list.elements.remove(at: Int(index)))
        case .listCount:
            return .count(UInt64(list.elements.count))
        case .listItems:
            return .values(list.elements)
        default:
            return .typeMismatch(existing: "list of \(list.signature)", requested: "an operation of another kind")
        }
    }

    private func perform(_ operation: ManagerRequest.Operation, on queue: Queue, clientIsGone: () -> Bool)
        -> ManagerReply
    {
        switch operation {
        case let .queuePut(timeout, value):
            guard wait(until: WireTimeout.decode(timeout), clientIsGone, while: { !queue.isShutDown && queue.isFull })
            else {
                return .queueFull
            }
            guard !queue.isShutDown else { return .queueShutDown }
            queue.elements.append(value)
            changed.notifyAll()
            return .done
        case let .queueGet(timeout):
            if let taken = take(from: queue, count: 1, until: WireTimeout.decode(timeout), clientIsGone) {
                return .value(taken[0])
            }
            return queue.isShutDown ? .queueShutDown : .queueEmpty
        case let .queueGetMany(count, timeout):
            guard count > 0 else { return .malformedRequest("a get of 0 elements") }
            if let taken = take(from: queue, count: Int(count), until: WireTimeout.decode(timeout), clientIsGone) {
                return .values(taken)
            }
            return queue.isShutDown ? .queueShutDown : .values([])
        case .queueCount:
            return .count(UInt64(queue.elements.count))
        case let .queueShutdown(immediate):
            queue.isShutDown = true
            if immediate { queue.elements.removeAll() }
            changed.notifyAll()
            return .done
        default:
            return .typeMismatch(existing: "queue of \(queue.signature)", requested: "an operation of another kind")
        }
    }

    /// Takes up to `count` elements, waiting for the first; `nil` at the
    /// deadline, or once the queue is shut down and empty.
    private func take(from queue: Queue, count: Int, until deadline: Deadline, _ clientIsGone: () -> Bool) -> [[UInt8]]?
    {
        guard wait(until: deadline, clientIsGone, while: { !queue.isShutDown && queue.elements.isEmpty }),
            !queue.elements.isEmpty
        else { return nil }
        let taken = Array(queue.elements.prefix(count))
        queue.elements.removeFirst(taken.count)
        changed.notifyAll()
        return taken
    }

    /// Waits while `blocked` holds, until `deadline`; `false` if it still
    /// holds then (or the client went away).
    private func wait(until deadline: Deadline, _ clientIsGone: () -> Bool, while blocked: () -> Bool) -> Bool {
        while blocked() {
            guard !deadline.hasPassed else { return false }
            _ = changed.wait(timeout: min(deadline.remaining, Self.clientCheckInterval))
            if blocked() && clientIsGone() { return false }
        }
        return true
    }
}
