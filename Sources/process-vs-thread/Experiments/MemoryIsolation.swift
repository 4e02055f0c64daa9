import Multiprocessing

/// The global both a thread and a child process try to change.
nonisolated(unsafe) private var sharedCounter = 0

extension Experiment {
    /// A thread shares the parent's memory; a child process changes only its own copy.
    static let memoryIsolation = Experiment(title: "Memory isolation: a global changed by a thread vs by a child process") { _ in
        let outcome = try MemoryIsolation.measure()
        return Finding(
            id: "memory-isolation",
            title: "Memory isolation",
            measurements: [
                Measurement(label: "global in parent after a thread set it to 42", value: Double(outcome.afterThread), unit: ""),
                Measurement(label: "global in the child after it set it to 42", value: Double(outcome.seenByChild), unit: ""),
                Measurement(label: "global in parent after the child set it to 42", value: Double(outcome.afterChild), unit: ""),
            ],
            lesson: "Threads share memory (fast, but every shared write needs a lock); a process gets a copy, so its writes never reach the parent.")
    }
}

/// The memory-isolation experiment's measuring code, separate from its wording so it can be tested.
enum MemoryIsolation {
    struct Outcome: Equatable {
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

enum DemoError: Error, CustomStringConvertible {
    case childFailed(String)

    var description: String {
        switch self {
        case .childFailed(let reason): reason
        }
    }
}
