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

// job-plugin: load Job types from a shared library at run time — jobs this
// program was not built with — and run them on a ThreadPool and on a
// ProcessPool, whose workers load the same library by themselves. Python's
// equivalent is importing a module from a file path (importlib, or the old
// ihooks' import_from).
//
// The library's source is Plugin/ShapeJobs.swift; this example builds it
// with Plugin/build-job-library.sh (about a second, skipped when the
// library is up to date), against this program's own build. The program is
// linked with -Xlinker --export-dynamic (see Package.swift), so the library
// uses the program's Job protocol instead of a copy of its own.
//
// Run: swift run job-plugin
import Foundation
import Multiprocessing

/// This program's build directory (.build/debug), where its executable lies.
let buildDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
let pluginSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Plugin")
let libraryPath = buildDirectory.appendingPathComponent("job-libraries/libShapeJobs.so").path

/// Builds the library unless it is newer than its source and than this program.
func buildLibraryIfNeeded() throws {
    let files = FileManager.default
    let source = pluginSource.appendingPathComponent("ShapeJobs.swift").path
    func modified(_ path: String) -> Date? { (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date }
    if let built = modified(libraryPath), let sourceDate = modified(source),
        let program = modified(buildDirectory.appendingPathComponent("job-plugin").path),
        built > sourceDate, built > program
    {
        print("libShapeJobs.so is up to date")
        return
    }
    try files.createDirectory(
        atPath: (libraryPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let script = pluginSource.appendingPathComponent("build-job-library.sh").path
    print("building libShapeJobs.so: \(script) \(buildDirectory.path) ShapeJobs \(libraryPath) ShapeJobs.swift")
    let build = Process()
    build.executableURL = URL(fileURLWithPath: script)
    build.arguments = [buildDirectory.path, "ShapeJobs", libraryPath, source]
    let started = ContinuousClock.now
    try build.run()
    build.waitUntilExit()
    guard build.terminationStatus == 0 else {
        print("error: building the job library failed (status \(build.terminationStatus))")
        exit(1)
    }
    print("built in \(ContinuousClock.now - started)")
}

/// Runs any job on any executor: `J` is opened from the `any Job` at the call.
func describeRun<J: Job>(_ job: J, on executor: some JobExecutor) async -> String {
    do {
        return "\(try await executor.run(job))"
    } catch {
        return "failed: \(error)"
    }
}

try buildLibraryIfNeeded()

// 1. Load it: the types it exports, by name.
let shapes = try JobLibrary.load(path: libraryPath)
print("loaded \(shapes.path), built with \(shapes.builtWith)")
print("job types: \(shapes.jobTypeNames.joined(separator: ", "))")

// 2. Make jobs of a type known only by name, from JSON (jobs are Codable).
guard let polygon = shapes.jobType(named: "ShapeJobs.RegularPolygonArea"),
    let square = shapes.jobType(named: "ShapeJobs.SquareArea")
else {
    fatalError("the library lacks a job type it should have")
}
let hexagon = try JSONDecoder().decode(polygon, from: Data(#"{"sides": 6, "length": 2}"#.utf8))
let badSquare = try JSONDecoder().decode(square, from: Data(#"{"side": -1}"#.utf8))

// 3. Run them on a ThreadPool and on a ProcessPool, the same way. The pool's
//    spawned workers never linked ShapeJobs: they load the library first.
let threads = ThreadPool(threads: 2)
let processes = try ProcessPool(workers: 2)
for (name, executor) in [("ThreadPool", threads as any JobExecutor), ("ProcessPool", processes)] {
    print("\(name): hexagon of side 2 -> \(await describeRun(hexagon, on: executor))")
    print("\(name): square of side -1 -> \(await describeRun(badSquare, on: executor))")
}

// 4. A map over many jobs of a library type, on worker processes.
func mapFromJSON<J: Job>(_ type: J.Type, _ documents: [String], on pool: ProcessPool) async throws -> String {
    let jobs = try documents.map { try JSONDecoder().decode(J.self, from: Data($0.utf8)) }
    return "\(try await pool.map(jobs))"
}
let sides = (1...5).map { #"{"side": \#($0)}"# }
print("ProcessPool map of 5 squares -> \(try await mapFromJSON(square, sides, on: processes))")

await processes.shutdown()
await threads.shutdown()

// 5. What is refused, with a typed error and no crash.
do {
    _ = try JobLibrary.load(path: "/etc/hostname")
} catch {
    print("loading /etc/hostname: \(error)")
}
