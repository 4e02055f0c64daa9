import Multiprocessing

extension Experiment {
    /// What starting and joining a thread costs against forking and joining a process.
    static let startupCost = Experiment(title: "Start-up: a thread vs a forked process (start + join, median)") { settings in
        let costs = try StartupCost.measure(repetitions: settings.startupRepetitions)
        return Finding(
            id: "startup",
            title: "Start-up cost",
            measurements: [
                Measurement(label: "thread start + join", value: costs.threadMicroseconds, unit: "µs"),
                Measurement(label: "fork + join", value: costs.forkMicroseconds, unit: "µs"),
                Measurement(label: "process / thread", value: costs.forkMicroseconds / costs.threadMicroseconds, unit: "×"),
            ],
            lesson: "A thread starts several times faster than a process: use pools so the start-up cost is paid once, not per job.")
    }
}

/// The start-up experiment's measuring code.
enum StartupCost {
    struct Costs {
        var threadMicroseconds: Double
        var forkMicroseconds: Double
    }

    static func measure(repetitions: Int) throws -> Costs {
        let thread = try Stopwatch.medianMicroseconds(repetitions: repetitions) {
            let thread = PosixThread(name: "demo-empty") {}
            try thread.start()
            thread.join()
        }
        let fork = try Stopwatch.medianMicroseconds(repetitions: repetitions) {
            let child = try ChildProcess.fork(name: "demo-empty") { 0 }
            guard try child.join() == .exited(0) else {
                throw DemoError.childFailed("an empty child failed")
            }
        }
        return Costs(threadMicroseconds: thread, forkMicroseconds: fork)
    }
}
