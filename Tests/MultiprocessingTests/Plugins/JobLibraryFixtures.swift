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

import Foundation
import MultiprocessingTestSupport
import Synchronization
import Testing

@testable import Multiprocessing

// Job libraries built for the tests, each from a few lines of Swift, with
// the script users build theirs with (Examples/job-plugin/Plugin/
// build-job-library.sh), against this test runner's own build. Each is built
// on first use, once per process, into a temporary directory removed at exit.

/// A job library the tests build: its module name and source.
enum TestLibrary: String, CaseIterable, Sendable {
    /// Three job types, one of them private, one throwing a Codable error of
    /// the library, one an initializer; one type listed twice.
    case jobs = "LibraryJobs"
    /// A job type loaded only after a pool's workers run.
    case late = "LateJobs"
    /// Both define `Clash.Twin`: the second to load is refused.
    case clashFirst = "ClashFirst"
    case clashSecond = "ClashSecond"
    /// Defines `MultiprocessingTests.AddOne`, a name this test module has.
    case programClash = "ProgramClash"
    /// Hand-written descriptions: another build, another layout, a
    /// non-Job type, no description at all.
    case otherBuild = "OtherBuild"
    case otherLayout = "OtherLayout"
    case notJobs = "NotJobs"
    case noDescription = "NoDescription"
    /// A library without the entry point.
    case noEntryPoint = "NoEntryPoint"
    /// Copied elsewhere, loaded, then deleted: workers cannot load it.
    case vanishing = "Vanishing"

    var moduleName: String {
        switch self {
        case .clashFirst, .clashSecond: "Clash"
        case .programClash: "MultiprocessingTests"
        default: rawValue
        }
    }

    var source: String {
        switch self {
        case .jobs:
            """
            import Multiprocessing
            #if canImport(Glibc)
            import Glibc
            #endif

            public struct Triple: Job {
                public var x: Int
                public func run() -> Int { 3 * x }
            }
            public enum LibraryFailure: Error, Codable, Equatable { case refused(Int) }
            public struct Refuse: Job {
                public var x: Int
                public func run() throws -> Int { throw LibraryFailure.refused(x) }
            }
            /// Private: it travels by the place of its descriptor in this library.
            private struct Hidden: Job {
                var text: String
                func run() -> String { "hidden " + text }
            }
            /// As an initializer: leaves a mark the jobs of the worker see.
            public struct MarkWorker: Job {
                public var mark: Int32
                public func run() -> Int32 { setenv("LIBRARY_JOBS_MARK", "\\(mark)", 1); return mark }
            }
            public struct ReadMark: Job {
                public func run() -> String { getenv("LIBRARY_JOBS_MARK").map { String(cString: $0) } ?? "none" }
            }
            @_cdecl("swift_multiprocessing_job_library")
            public func jobLibrary() -> UnsafeMutableRawPointer {
                JobLibrary.export(Triple.self, Refuse.self, Hidden.self, MarkWorker.self, ReadMark.self, Triple.self)
            }
            """
        case .late, .vanishing:
            """
            import Multiprocessing
            public struct Negate: Job {
                public var x: Int
                public func run() -> Int { -x }
            }
            @_cdecl("swift_multiprocessing_job_library")
            public func jobLibrary() -> UnsafeMutableRawPointer { JobLibrary.export(Negate.self) }
            """
        case .clashFirst, .clashSecond, .programClash:
            """
            import Multiprocessing
            public struct \(self == .programClash ? "AddOne" : "Twin"): Job {
                public var x: Int
                public func run() -> Int { x }
            }
            @_cdecl("swift_multiprocessing_job_library")
            public func jobLibrary() -> UnsafeMutableRawPointer {
                JobLibrary.export(\(self == .programClash ? "AddOne" : "Twin").self)
            }
            """
        case .otherBuild, .otherLayout, .notJobs, .noDescription:
            handWrittenDescription
        case .noEntryPoint:
            """
            public func notAnEntryPoint() -> Int { 42 }
            """
        }
    }

    /// An entry point that lays the description out by hand (the layout of
    /// JobLibrary+Export.swift), to say what `export` never says.
    private var handWrittenDescription: String {
        let (layout, stamp, type) =
            switch self {
            case .otherBuild: (1, "swift-multiprocessing 0.0.1, Swift 5.9", "Int.self")
            case .otherLayout: (2, "", "Int.self")
            default: (1, "\\(JobLibrary.buildStamp)", "Int.self")
            }
        if self == .noDescription {
            return """
                @_cdecl("swift_multiprocessing_job_library")
                public func jobLibrary() -> UnsafeMutableRawPointer? { nil }
                """
        }
        return """
            import Multiprocessing
            @_cdecl("swift_multiprocessing_job_library")
            public func jobLibrary() -> UnsafeMutableRawPointer? {
                let stamp = Array("\(stamp)".utf8)
                let block = UnsafeMutableRawPointer.allocate(byteCount: 32 + stamp.count, alignment: 8)
                block.storeBytes(of: 0x534D_4A4C as UInt32, as: UInt32.self)
                block.storeBytes(of: \(layout) as UInt32, toByteOffset: 4, as: UInt32.self)
                block.storeBytes(of: 1, toByteOffset: 8, as: Int.self)
                block.storeBytes(of: stamp.count, toByteOffset: 16, as: Int.self)
                block.storeBytes(of: unsafeBitCast(\(type) as Any.Type, to: UnsafeRawPointer.self), toByteOffset: 24, as: UnsafeRawPointer.self)
                for (index, byte) in stamp.enumerated() { block.storeBytes(of: byte, toByteOffset: 32 + index, as: UInt8.self) }
                return block
            }
            """
    }

    /// The library's path, built on first use (about a second each).
    var path: String {
        get throws { try TestLibraries.shared.path(of: self) }
    }
}

/// Builds and remembers the test libraries of this process.
final class TestLibraries: Sendable {
    static let shared = TestLibraries()

    /// The directory of this process's libraries, removed when it exits.
    let directory: String = {
        let directory = NSTemporaryDirectory() + "job-library-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "job-library-tests-\(getpid())") }
        return directory
    }()

    private let built = Mutex<[TestLibrary: String]>([:])
    /// How long each build took, for the report.
    let buildTimes = Mutex<[TestLibrary: Duration]>([:])

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let buildScript = packageRoot.appendingPathComponent("Examples/job-plugin/Plugin/build-job-library.sh").path
    /// This test runner's build directory (.build/debug).
    static let buildDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().path

    func path(of library: TestLibrary) throws -> String {
        try built.withLock { built in
            if let path = built[library] { return path }
            let source = "\(directory)/\(library.rawValue).swift"
            let output = "\(directory)/lib\(library.rawValue).so"
            try library.source.write(toFile: source, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            let (status, text) = try runProgram(
                Self.buildScript, [Self.buildDirectory, library.moduleName, output, source],
                timeout: .seconds(120))
            guard status == 0 else {
                throw CheckFailure(description: "building \(library) failed (\(status)):\n\(text)")
            }
            let elapsed = ContinuousClock.now - started
            buildTimes.withLock { $0[library] = elapsed }
            built[library] = output
            return output
        }
    }
}
