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

extension Experiment {
    /// What an idle thread costs in resident memory, against a worker process.
    static let memoryFootprint = Experiment(
        id: "memory-footprint", title: "(g) Memory footprint: resident memory per thread vs per worker process"
    ) { settings, progress in
        try ForkSafety.waitUntilSingleThreaded()
        progress.step("\(settings.footprintThreads) idle threads (growth of this process's RSS, /proc/self/statm)")
        let thread = try MemoryFootprint.perThread(count: settings.footprintThreads)
        progress.step("one idle forked child (its RSS and Pss, /proc/PID/smaps_rollup)")
        let forked = try MemoryFootprint.forkedChild()
        progress.step("ProcessPool(workers: \(settings.workers)) after one job each (each worker's RSS and Pss)")
        let workers = try MemoryFootprint.poolWorkers(count: settings.workers)
        return MemoryFootprint.finding(thread: thread, forked: forked, workers: workers)
    }
}

/// The memory-footprint experiment's measuring code. Sizes are in KiB.
enum MemoryFootprint {
    struct ThreadCost: Codable, Equatable {
        /// Growth of this process's resident set per idle thread.
        var residentKiB: Double
        /// Growth of its address space per thread (mostly the reserved stack).
        var virtualKiB: Double
    }

    /// Starts `count` threads that each wait on an ``Event``, measures this
    /// process's memory once all are running, then releases and joins them.
    static func perThread(count: Int) throws -> ThreadCost {
        precondition(count > 0, "at least one thread")
        guard let before = ProcessMemory.of() else { throw DemoError.system("read /proc/self/statm", 0) }
        let release = Event()
        let running = Semaphore(value: 0)
        let threads = (0..<count).map { index in
            PosixThread(name: "demo-idle-\(index)") {
                running.release()
                release.wait()
            }
        }
        for thread in threads { try thread.start() }
        for _ in threads { running.acquire() }
        let after = ProcessMemory.of()
        release.set()
        for thread in threads { thread.join() }
        guard let after else { throw DemoError.system("read /proc/self/statm", 0) }
        return ThreadCost(
            residentKiB: Double(after.residentKiB - before.residentKiB) / Double(count),
            virtualKiB: Double(after.virtualKiB - before.virtualKiB) / Double(count))
    }

    /// Forks a child that waits for the demo to close a pipe, and reads its
    /// memory meanwhile. Fork only while single-threaded.
    static func forkedChild() throws -> ProcessMemory {
        let (parentEnd, childEnd) = try Pipe().ends
        let child = try ChildProcess.fork(name: "demo-idle") {
            try childEnd.send(true)  // ready
            _ = try? childEnd.receive(Bool.self)  // until end of stream
            return 0
        }
        childEnd.close()
        defer { _ = try? child.join() }
        defer { parentEnd.close() }
        _ = try parentEnd.receive(Bool.self)
        guard let memory = ProcessMemory.of(child.pid) else { throw DemoError.childFailed("the idle child vanished") }
        return memory
    }

    /// Starts a ProcessPool (spawned workers), runs one job on each worker so
    /// that each is fully started, and reads each worker's memory.
    static func poolWorkers(count: Int) throws -> [ProcessMemory] {
        let pool = try ProcessPool(workers: count)
        defer { pool.shutdown(wait: true) }
        let futures = try (0..<count * 2).map { try pool.submit(Increment(x: $0)) }
        for future in futures { _ = try future.wait() }
        let memories = pool.workerPIDs.compactMap { ProcessMemory.of($0) }
        guard !memories.isEmpty else { throw DemoError.childFailed("no worker's memory could be read") }
        return memories
    }

    static func finding(thread: ThreadCost, forked: ProcessMemory, workers: [ProcessMemory]) -> Finding {
        let workerRSS = Stopwatch.median(workers.map { Double($0.residentKiB) })
        let workerPSS =
            workers.allSatisfy { $0.proportionalKiB != nil }
            ? Stopwatch.median(workers.map { Double($0.proportionalKiB!) }) : nil
        var measurements = [
            Measurement(
                label: "idle thread: resident (RSS growth)", value: thread.residentKiB, unit: "KiB",
                quantity: "resident memory"),
            Measurement(
                label: "idle thread: address space (reserved only)", value: thread.virtualKiB, unit: "KiB",
                quantity: "reserved address space"),
            Measurement(
                label: "forked child: RSS", value: Double(forked.residentKiB), unit: "KiB", quantity: "resident memory"),
        ]
        if let pss = forked.proportionalKiB {
            measurements.append(
                Measurement(label: "forked child: Pss", value: Double(pss), unit: "KiB", quantity: "resident memory"))
        }
        measurements.append(
            Measurement(
                label: "spawned pool worker: RSS (median)", value: workerRSS, unit: "KiB", quantity: "resident memory"))
        if let workerPSS {
            measurements.append(
                Measurement(
                    label: "spawned pool worker: Pss (median)", value: workerPSS, unit: "KiB",
                    quantity: "resident memory"))
        }
        let processCost = workerPSS ?? workerRSS
        let share =
            workerPSS == nil ? "" : ", \(Wording.kibibytes(processCost)) counting shared pages proportionally (Pss)"
        let forkedShare =
            forked.proportionalKiB.map {
                "; a forked child shares copy-on-write pages with its parent (Pss \(Wording.kibibytes(Double($0))))"
            } ?? ""
        let lesson =
            "An idle thread added \(Wording.kibibytes(thread.residentKiB)) resident (its address space grew "
            + "\(Wording.kibibytes(thread.virtualKiB)), reserved but untouched); a spawned worker process holds "
            + "\(Wording.kibibytes(workerRSS)) resident\(share): \(Wording.ratio(processCost / max(thread.residentKiB, 0.1))) "
            + "a thread\(forkedShare). Run a few workers, not thousands."
        return Finding(id: "memory-footprint", title: "Memory footprint", measurements: measurements, lesson: lesson)
    }
}
