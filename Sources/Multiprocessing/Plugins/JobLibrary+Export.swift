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

// The job library's side: the entry point's description, and the build it
// states. Everything here that the library runs is `@_alwaysEmitIntoClient`,
// so it is compiled into the library itself: the description states the
// build of the library, and it is laid out by the library's code, with the
// standard library alone, before the program reads it.
//
// The description, one block of memory allocated by the library and
// deallocated by the loader (native byte order, 8-byte aligned):
//
//   offset 0    UInt32  magic, "SMJL"
//   offset 4    UInt32  layout version (1)
//   offset 8    Int     number of job types, n
//   offset 16   Int     number of bytes of the build stamp, s
//   offset 24   n × 8   the job types' metadata pointers (`Any.Type`)
//   24 + 8n     s       the build stamp, UTF-8, not terminated
//
// Only the first two fields are read before they are checked, so a later
// layout can change everything after them.

extension JobLibrary {
    /// The name of the C function every job library exports:
    /// `swift_multiprocessing_job_library`. It takes no argument and returns
    /// what ``export(_:)`` returns.
    public static let entryPointName = "swift_multiprocessing_job_library"

    /// The description a job library's entry point returns: the job types it
    /// exports, and the build it comes from (``buildStamp``).
    ///
    /// Write it as the body of the library's entry point, which must be
    /// exported under the C name ``entryPointName``:
    ///
    /// ```swift
    /// @_cdecl("swift_multiprocessing_job_library")
    /// public func jobLibrary() -> UnsafeMutableRawPointer {
    ///     JobLibrary.export(Square.self, Cube.self)
    /// }
    /// ```
    ///
    /// The returned memory belongs to the loader, which reads and
    /// deallocates it. A type listed twice is listed once.
    @_alwaysEmitIntoClient
    public static func export(_ jobTypes: any Job.Type...) -> UnsafeMutableRawPointer {
        let stamp = Array(buildStamp.utf8)
        let typesOffset = 24
        let stampOffset = typesOffset + 8 * jobTypes.count
        let block = UnsafeMutableRawPointer.allocate(byteCount: stampOffset + stamp.count, alignment: 8)
        block.storeBytes(of: 0x534D_4A4C as UInt32, as: UInt32.self)  // "SMJL"
        block.storeBytes(of: 1 as UInt32, toByteOffset: 4, as: UInt32.self)
        block.storeBytes(of: jobTypes.count, toByteOffset: 8, as: Int.self)
        block.storeBytes(of: stamp.count, toByteOffset: 16, as: Int.self)
        for (index, type) in jobTypes.enumerated() {
            block.storeBytes(
                of: unsafeBitCast(type as Any.Type, to: UnsafeRawPointer.self),
                toByteOffset: typesOffset + 8 * index, as: UnsafeRawPointer.self)
        }
        for (index, byte) in stamp.enumerated() {
            block.storeBytes(of: byte, toByteOffset: stampOffset + index, as: UInt8.self)
        }
        return block
    }

    /// The build a job library states, and the program compares with its
    /// own: this package's version and the compiler's, such as
    /// "swift-multiprocessing 0.1.0, Swift 6.3".
    ///
    /// The compiler is named by major and minor version: Swift's ABI on Linux
    /// is not stable across those, while patch releases keep it. (A library
    /// built against the program's own modules always matches: the compiler
    /// refuses modules built by another compiler.)
    @_alwaysEmitIntoClient
    public static var buildStamp: String {
        "swift-multiprocessing \(packageVersion), Swift \(compilerVersion)"
    }

    /// This package's version, as a job library states it. Raised with every
    /// release whose types change layout.
    @_alwaysEmitIntoClient
    public static var packageVersion: String { "0.1.0" }

    /// The major and minor version of the compiler that built the code
    /// reading this property (the program's for the program, the library's
    /// for a library): one line per release, newest first.
    @_alwaysEmitIntoClient
    public static var compilerVersion: String {
        #if compiler(>=7.0)
            "7.0 or later"
        #elseif compiler(>=6.5)
            "6.5 or later"
        #elseif compiler(>=6.4)
            "6.4"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #elseif compiler(>=6.1)
            "6.1"
        #else
            "6.0 or earlier"
        #endif
    }
}
