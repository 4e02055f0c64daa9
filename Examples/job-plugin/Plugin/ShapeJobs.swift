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

// The job library the job-plugin example loads: a module of Job types,
// compiled on its own into libShapeJobs.so (build-job-library.sh), never
// linked into the program. Its one obligation is the entry point at the end.
import Multiprocessing

#if canImport(Glibc)
    import Glibc
#endif

/// The area of a square.
public struct SquareArea: Job {
    public var side: Double

    public func run() throws -> Double {
        guard side >= 0 else { throw ShapeError.negativeLength(side) }
        return side * side
    }
}

/// The area of a regular polygon of `sides` sides of length `length`.
public struct RegularPolygonArea: Job {
    public var sides: Int
    public var length: Double

    public func run() throws -> Double {
        guard sides >= 3 else { throw ShapeError.tooFewSides(sides) }
        guard length >= 0 else { throw ShapeError.negativeLength(length) }
        return Double(sides) * length * length / (4 * tan(Double.pi / Double(sides)))
    }
}

/// Why a shape job failed. It is Codable, so it reaches the program as
/// itself even from a worker process.
public enum ShapeError: Error, Codable, Equatable {
    case negativeLength(Double)
    case tooFewSides(Int)
}

// The entry point every job library exports, under this exact C name: it
// lists the job types and states the build (JobLibrary.export does both).
@_cdecl("swift_multiprocessing_job_library")
public func jobLibrary() -> UnsafeMutableRawPointer {
    JobLibrary.export(SquareArea.self, RegularPolygonArea.self)
}
