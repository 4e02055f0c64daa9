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

internal import MultiprocessingPlatform
import SystemPackage

/// Tells a shared library from other files by its ELF header, before the
/// dynamic loader sees it: the loader's refusals are text messages, and a
/// file that is not a library deserves a typed error of its own.
enum SharedObjectFile {
    /// `e_ident` (16 bytes) and `e_type` (2 bytes).
    private static let headerSize = 18
    private static let elfMagic: [UInt8] = [0x7F, UInt8(ascii: "E"), UInt8(ascii: "L"), UInt8(ascii: "F")]
    /// `EI_DATA` values: the byte order of the file's fields.
    private static let littleEndian: UInt8 = 1, bigEndian: UInt8 = 2
    /// `e_type` of a shared object (`ET_DYN`); position-independent
    /// executables have it too, and the loader refuses those itself.
    private static let sharedObjectType: UInt16 = 3

    /// Throws unless the file at `path` starts like an ELF shared object.
    ///
    /// - Throws: ``JobLibraryError/notALibrary(path:)`` for any other file,
    ///   a directory included; ``JobLibraryError/fileNotFound(path:)`` if it
    ///   vanished; ``JobLibraryError/loadFailed(path:reason:)`` if it cannot
    ///   be read (no permission).
    static func check(_ path: String) throws(JobLibraryError) {
        let header: [UInt8]
        do {
            header = try readFile(atPath: path, maximumCount: headerSize)
        } catch .isDirectory {
            throw .notALibrary(path: path)
        } catch .noSuchFileOrDirectory {
            throw .fileNotFound(path: path)
        } catch {
            throw .loadFailed(path: path, reason: error.description)
        }
        guard isSharedObject(header) else { throw .notALibrary(path: path) }
    }

    /// Whether `header`, a file's first bytes, is the header of an ELF shared object.
    static func isSharedObject(_ header: [UInt8]) -> Bool {
        guard header.count >= headerSize, Array(header[0..<4]) == elfMagic else { return false }
        let type: UInt16
        switch header[5] {
        case littleEndian: type = UInt16(header[16]) | UInt16(header[17]) << 8
        case bigEndian: type = UInt16(header[16]) << 8 | UInt16(header[17])
        default: return false
        }
        return type == sharedObjectType
    }
}
