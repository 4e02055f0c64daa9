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

/// A job library's description, read from the block its entry point returned
/// (the layout is in JobLibrary+Export.swift) and checked in the order that
/// keeps a foreign block from being misread: magic and layout first, then
/// the sizes, then the build stamp, and only then the types.
struct JobLibraryDescription {
    static let magic: UInt32 = 0x534D_4A4C  // "SMJL"
    static let layout: UInt32 = 1
    private static let typesOffset = 24
    /// Bounds that no real description reaches; a larger count means the
    /// block is not what it claims to be.
    private static let maximumTypes = 1 << 16, maximumStampBytes = 4096

    var buildStamp: String
    var types: [any Any.Type]

    /// Reads and deallocates `block`, unless its first two fields show it is
    /// not a description this program can read (it is then left alone).
    ///
    /// - Throws: ``JobLibraryError/incompatible(built:running:)`` for another
    ///   layout, another build stamp, or a block that is not a description.
    init(reading block: UnsafeMutableRawPointer) throws(JobLibraryError) {
        let running = JobLibrary.buildStamp
        guard block.load(as: UInt32.self) == Self.magic else {
            throw .incompatible(
                built: "an unknown entry point (its result is not a job library description)", running: running)
        }
        defer { block.deallocate() }
        let layout = block.load(fromByteOffset: 4, as: UInt32.self)
        guard layout == Self.layout else {
            throw .incompatible(
                built: "job library description layout \(layout)",
                running: "\(running) (description layout \(Self.layout))")
        }
        let count = block.load(fromByteOffset: 8, as: Int.self)
        let stampCount = block.load(fromByteOffset: 16, as: Int.self)
        guard (0...Self.maximumTypes).contains(count), (0...Self.maximumStampBytes).contains(stampCount) else {
            throw .incompatible(
                built: "a description of \(count) types and a \(stampCount)-byte stamp", running: running)
        }
        let stampOffset = Self.typesOffset + 8 * count
        buildStamp = String(
            decoding: UnsafeRawBufferPointer(start: block + stampOffset, count: stampCount), as: UTF8.self)
        guard buildStamp == running else { throw .incompatible(built: buildStamp, running: running) }
        types = []
        for index in 0..<count {
            guard let metadata = block.load(fromByteOffset: Self.typesOffset + 8 * index, as: UnsafeRawPointer?.self)
            else {
                throw .incompatible(built: "a description whose type \(index) is missing", running: running)
            }
            types.append(unsafeBitCast(metadata, to: Any.Type.self))
        }
    }
}
