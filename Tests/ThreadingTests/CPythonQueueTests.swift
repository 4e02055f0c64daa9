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

import MultiprocessingTestSupport
import Testing

@testable import Threading

// The shutdown cases of CPython 3.13's Lib/test/test_queue.py, restated
// against our queues. One difference on purpose: a `taskDone()` too many
// traps here, where Python raises `ValueError` (see `taskDone()`).

@Suite("CPython test_queue: shutdown", .onItsOwnThread, .timeLimit(.minutes(1)))
struct CPythonQueueShutdownTests {
    @Test func shutdownEmpty() {
        let queue = Queue<String>()
        queue.shutdown()
        #expect(throws: QueueError.shutDown) { try queue.put("data") }
        #expect(throws: QueueError.shutDown) { try queue.get() }
    }

    @Test func shutdownNonEmpty() throws {
        let queue = Queue<String>()
        try queue.put("data")
        queue.shutdown()
        #expect(try queue.get() == "data")
        #expect(throws: QueueError.shutDown) { try queue.get() }
    }

    @Test func shutdownImmediate() throws {
        let queue = Queue<String>()
        try queue.put("data")
        queue.shutdown(immediate: true)
        #expect(throws: QueueError.shutDown) { try queue.get() }
    }

    /// From alive via shutdown to immediate; shutting down again is no error.
    @Test func allowedTransitions() {
        let queue = Queue<Int>()
        #expect(!queue.isShutdown)
        queue.shutdown()
        #expect(queue.isShutdown)
        queue.shutdown(immediate: true)
        #expect(queue.isShutdown)
        queue.shutdown(immediate: false)
        #expect(queue.isShutdown)
    }

    @Test(arguments: [false, true])
    func allMethodsInOneThread(immediate: Bool) throws {
        let queue = Queue<String>(maxSize: 2)
        try queue.put("L")
        #expect(queue.tryPut("O"))
        queue.shutdown(immediate: immediate)
        #expect(throws: QueueError.shutDown) { try queue.put("E") }
        #expect(!queue.tryPut("W"))
        if immediate {
            #expect(throws: QueueError.shutDown) { try queue.get() }
            #expect(queue.tryGet() == nil)
            #expect(queue.join(timeout: prompt), "the dropped items count as done")
        } else {
            #expect(["L", "O"].contains(try queue.get()))
            queue.taskDone()
            #expect(["L", "O"].contains(queue.tryGet()))
            queue.taskDone()
            #expect(queue.join(timeout: prompt))
            #expect(throws: QueueError.shutDown) { try queue.get() }
            #expect(queue.tryGet() == nil)
            #expect(throws: QueueError.shutDown) { try queue.get(timeout: .seconds(1)) }
        }
    }

    /// Getters started before a shutdown of a full queue: after a graceful
    /// one, two get the items and one fails; after an immediate one, all fail.
    @Test(arguments: [false, true])
    func blockedAndLateGetters(immediate: Bool) throws {
        let queue = Queue<String>(maxSize: 2)
        try queue.put("Y")
        try queue.put("D")
        let go = Event()
        let results = Recorder<Bool>()
        let getters = immediate ? 2 : 3
        let bunch = try Bunch(getters) {
            go.wait()
            results.append((try? queue.get()) != nil)
        }
        queue.shutdown(immediate: immediate)
        go.set()
        #expect(bunch.finish())
        let expected = immediate ? [false, false] : [false, true, true]
        #expect(results.elements.sorted { !$0 && $1 } == expected)
    }

    @Test(arguments: [false, true])
    func puttersAfterAShutdownFail(immediate: Bool) throws {
        let queue = Queue<String>(maxSize: 2)
        try queue.put("Y")
        try queue.put("D")
        let go = Event()
        let failures = Recorder<QueueError>()
        let bunch = try Bunch(2) {
            go.wait()
            do throws(QueueError) { try queue.put("E") } catch { failures.append(error) }
        }
        queue.shutdown(immediate: immediate)
        go.set()
        #expect(bunch.finish())
        #expect(failures.elements == [.shutDown, .shutDown])
    }

    /// Joiners return once the item is done: by a getter after a graceful
    /// shutdown, or because an immediate one drops it.
    @Test(arguments: [false, true])
    func joinersReturnAfterAShutdown(immediate: Bool) throws {
        let queue = Queue<String>()
        try queue.put("Y")
        let go = Event()
        let joined = Counter()
        let joiners = try Bunch(2) {
            queue.join()
            joined.increment()
        }
        let getter = try Bunch(immediate ? 0 : 1) {
            go.wait()
            if (try? queue.get()) != nil { queue.taskDone() }
        }
        queue.shutdown(immediate: immediate)
        go.set()
        #expect(joiners.finish() && getter.finish())
        #expect(joined.value == 2)
    }

    @Test func getTaskDoneJoin() throws {
        let queue = Queue<String>(maxSize: 2)
        try queue.put("Y")
        try queue.put("D")
        let go = Event()
        let results = Recorder<Bool>()
        let getters = try Bunch(2) {
            go.wait()
            if (try? queue.get()) != nil {
                queue.taskDone()
                results.append(true)
            } else {
                results.append(false)
            }
        }
        let joiners = try Bunch(2) {
            queue.join()
            results.append(true)
        }
        go.set()
        queue.shutdown(immediate: false)
        #expect(getters.finish() && joiners.finish())
        #expect(results.elements == Array(repeating: true, count: 4))
    }

    @Test func pendingGetFailsOnShutdown() throws {
        let queue = Queue<Int>()
        let errors = Recorder<QueueError>()
        let getter = try Bunch(1) {
            do throws(QueueError) { _ = try queue.get() } catch { errors.append(error) }
        }
        queue.shutdown(immediate: false)
        #expect(getter.finish())
        #expect(errors.elements == [.shutDown])
    }

    /// Several producers, consumers and joiners; one producer shuts the
    /// queue down halfway: every consumer ends with `shutDown`, and an
    /// immediate shutdown leaves the queue empty.
    @Test(arguments: [false, true])
    func allMethodsInManyThreads(immediate: Bool) throws {
        let queue = Queue<Int>()
        let writers = 4
        let readers = 6
        let joiners = immediate ? 2 : 0
        let perWriter = 4096
        let start = Barrier(parties: writers + readers + joiners, timeout: prompt)
        let shutdownOnce = Event()
        let endedGets = Counter()
        let writing = try Bunch(writers) {
            for i in 0..<perWriter / 2 { try? queue.put(i) }
            _ = try? start.wait()
            for i in perWriter / 2..<perWriter {
                do { try queue.put(i) } catch { break }
                if i == perWriter * 3 / 4, !shutdownOnce.isSet {
                    shutdownOnce.set()
                }
            }
        }
        let reading = try Bunch(readers) {
            if (try? queue.get()) != nil { queue.taskDone() }
            _ = try? start.wait()
            while true {
                do {
                    _ = try queue.get(timeout: .milliseconds(1))
                    queue.taskDone()
                } catch QueueError.shutDown {
                    endedGets.increment()
                    return
                } catch {}
            }
        }
        let joining = try Bunch(joiners) {
            _ = try? start.wait()
            queue.join()
        }
        shutdownOnce.wait()
        queue.shutdown(immediate: immediate)
        #expect(writing.finish() && reading.finish() && joining.finish())
        #expect(endedGets.value == readers)
        if immediate { #expect(queue.isEmpty) }
    }
}
