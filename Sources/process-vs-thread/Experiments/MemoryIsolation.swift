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

import Multiprocessing

/// The global both a thread and a child process try to change.
nonisolated(unsafe) private var sharedCounter = 0

extension Experiment {
    /// A thread shares the parent's memory; a child process changes only its own copy.
    static let memoryIsolation = Experiment(
        id: "memory-isolation", title: "(e) Memory isolation: a global changed by a thread vs by a child process"
    ) { _, _ in
        try ForkSafety.waitUntilSingleThreaded()
        let outcome = try MemoryIsolation.measure()
        return Finding(
            id: "memory-isolation",
            title: "Memory isolation (a global, 0 before each write of 42)",
            measurements: [
                Measurement(
                    label: "parent's global after a thread wrote 42", value: Double(outcome.afterThread), unit: "",
                    quantity: "the global's value"),
                Measurement(
                    label: "child's global after the child wrote 42", value: Double(outcome.seenByChild), unit: "",
                    quantity: "the global's value"),
                Measurement(
                    label: "parent's global after the child wrote 42", value: Double(outcome.afterChild), unit: "",
                    quantity: "the global's value"),
            ],
            lesson: MemoryIsolation.lesson(outcome))
    }
}

/// The memory-isolation experiment's measuring code, separate from its wording so it can be tested.
enum MemoryIsolation {
    struct Outcome: Codable, Equatable {
        /// The global as the parent sees it after a thread wrote 42 (starting from 0).
        var afterThread: Int
        /// The global as the child saw it after writing 42 in its own memory.
        var seenByChild: Int
        /// The global as the parent sees it after the child wrote 42 (starting from 0).
        var afterChild: Int
    }

    static func measure() throws -> Outcome {
        sharedCounter = 0
        let thread = PosixThread(name: "demo-writer") { sharedCounter = 42 }
        try thread.start()
        thread.join()
        let afterThread = sharedCounter

        sharedCounter = 0
        let child = try ChildProcess.fork(name: "demo-writer") {
            sharedCounter = 42
            return Int32(sharedCounter)  // report what the child saw as its exit code
        }
        guard case .exited(let seenByChild) = try child.join() else {
            throw DemoError.childFailed("the memory-isolation child did not exit normally")
        }
        return Outcome(afterThread: afterThread, seenByChild: Int(seenByChild), afterChild: sharedCounter)
    }
}

extension MemoryIsolation {
    static func lesson(_ outcome: Outcome) -> String {
        let thread =
            outcome.afterThread == 42
            ? "The thread's write reached the parent (\(outcome.afterThread)): threads share memory, so every shared write needs a lock"
            : "The thread's write did not reach the parent (\(outcome.afterThread))"
        let child =
            outcome.afterChild == 0
            ? "the child's write stayed in its own copy (the parent still has \(outcome.afterChild)): a process must send its results back"
            : "the child's reached the parent (\(outcome.afterChild))"
        return thread + "; " + child + "."
    }
}
