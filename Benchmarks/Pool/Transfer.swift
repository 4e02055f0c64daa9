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

// The transfer rows: `map` of the same data as Python's peer, four shapes of
// job (issue 10's table), and the codec work behind each, in this process.

import BenchmarkSupport
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// One shape of job, with the data both sides map over.
struct TransferRow: Sendable {
    /// The row's name in the report and in `BENCH` lines.
    var name: String
    /// The key of Python's figure for the same data in `pool_peer.py`'s JSON.
    var pythonKey: String
    /// What Python maps, for the report.
    var peer: String
    /// At least this many times Python's rate is the target.
    var target: Double
    /// `map` of `count` jobs on a fresh pool of 2 workers: jobs per second,
    /// and CPU nanoseconds per job (this process and the workers).
    var map: @Sendable (_ count: Int) async throws -> MapFigures
    /// Makes `count` jobs and returns the pool's codec work for them (parent
    /// and worker side, in this process), to run as often as wanted.
    var prepareRoundTrip: @Sendable (_ count: Int) -> () throws -> Int

    init<J: Job>(
        _ name: String, python pythonKey: String, peer: String, target: Double,
        _ make: @escaping @Sendable (Int) -> J
    ) where J.Output == Int {
        self.name = name
        self.pythonKey = pythonKey
        self.peer = peer
        self.target = target
        map = { count in try await measureMap(count: count, make) }
        prepareRoundTrip = { count in
            let jobs = (0..<count).map(make)
            return { try TransferProbe.roundTrip(jobs).count }
        }
    }
}

/// The same strings as `pool_peer.py`'s `file_names`.
func fileName(_ i: Int) -> String { "dir\(i % 100)/file_\(i).txt" }

/// The same records as `pool_peer.py`'s `records`.
func record(_ i: Int) -> RecordJob { RecordJob(name: "record-\(i)", x: i, tags: ["tag\(i % 7)", "group\(i % 13)"]) }

let transferRows = [
    TransferRow(
        "map {x: Int}, BitwiseTransferable", python: "map_ints_per_s", peer: "Python Pool.map, ints",
        target: 1
    ) { AddOne(x: $0) },
    TransferRow(
        "map {x: Int} through Codable", python: "map_ints_per_s", peer: "Python Pool.map, ints",
        target: 1
    ) { AddOneCodable(x: $0) },
    TransferRow(
        "map {s: String}, file names", python: "map_strings_per_s", peer: "Python Pool.map, strings",
        target: 1
    ) { FileNameLength(s: fileName($0)) },
    TransferRow(
        "map {name, x, tags} records", python: "map_records_per_s", peer: "Python Pool.map, dataclasses",
        target: 2, record),
]

/// What one `map` measured.
struct MapFigures: Sendable {
    var jobsPerSecond: Double
    /// CPU time of the parent and both workers during the map, per job.
    var cpuNanosecondsPerJob: Double
    /// The parent's share of it.
    var parentCPUNanosecondsPerJob: Double
}

/// `map` of `count` jobs made by `make` on a fresh pool of 2 workers (after a
/// warm-up map); checks every output.
func measureMap<J: Job>(count: Int, _ make: (Int) -> J) async throws -> MapFigures where J.Output == Int {
    let pool = try ProcessPool(workers: 2)
    _ = try await pool.map((0..<8).map(make))
    let jobs = (0..<count).map(make)
    let processes = [getpid()] + pool.workerPIDs
    let (cpuBefore, parentBefore) = (cpuNanoseconds(of: processes), cpuNanoseconds(of: [getpid()]))
    let start = ContinuousClock.now
    let outputs = try await pool.map(jobs)
    let elapsed = ContinuousClock.now - start
    let (cpu, parent) = (cpuNanoseconds(of: processes) - cpuBefore, cpuNanoseconds(of: [getpid()]) - parentBefore)
    let expected = try jobs.map { try $0.run() }
    precondition(outputs == expected, "a job came back wrong")
    await pool.shutdown()
    return MapFigures(
        jobsPerSecond: Double(count) / seconds(elapsed), cpuNanosecondsPerJob: cpu / Double(count),
        parentCPUNanosecondsPerJob: parent / Double(count))
}

/// Nanoseconds of codec work per job of each row: `TransferProbe.roundTrip`
/// over chunks of 4096 (the pool's largest chunk), median of `runs`.
func codecCost(runs: Int) throws -> [(TransferRow, Double)] {
    try transferRows.map { row in
        let roundTrip = row.prepareRoundTrip(4096)
        _ = try roundTrip()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            for _ in 0..<10 { _ = try roundTrip() }
            times.append(seconds(ContinuousClock.now - start) / 40960 * 1e9)
        }
        return (row, median(times))
    }
}

/// `--profile ROW COUNT REPEATS`: only the codec work, for callgrind:
///
///     valgrind --tool=callgrind --toggle-collect='*TransferProbe*' pool-benchmark --profile 1 4096 3
///
/// (strip the binary's DWARF 5 debug information first: valgrind 3.19 cannot
/// read it). The difference between two `REPEATS` divided by the jobs it adds
/// is the instruction count per job.
func profile(row: Int, count: Int, repeats: Int) throws {
    let roundTrip = transferRows[row].prepareRoundTrip(count)
    var sink = 0
    for _ in 0..<repeats { sink &+= try roundTrip() }
    print(sink)
}
