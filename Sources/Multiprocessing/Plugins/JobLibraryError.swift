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

/// Why ``JobLibrary/load(path:)`` refused a file.
///
/// Every refusal is one of these errors, never a crash of the program: the
/// file is examined before it is loaded, and the library's own description is
/// checked before anything in it is used. A library refused after it was
/// loaded (``missingEntryPoint(path:)``, ``incompatible(built:running:)``,
/// ``notAJob(typeName:)``, ``duplicateType(name:)``) stays mapped in the
/// process, unused, because Swift code is never unloaded (see ``JobLibrary``).
public enum JobLibraryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No file exists at the path (or a directory on the way is missing).
    case fileNotFound(path: String)
    /// The file is not a shared library: not an ELF file, or an ELF file that
    /// is not a shared object (a directory, a text file, an object file).
    case notALibrary(path: String)
    /// The library does not export the entry point
    /// ``JobLibrary/entryPointName`` (`swift_multiprocessing_job_library`): it
    /// is some other library, or its `@_cdecl` name is misspelled.
    case missingEntryPoint(path: String)
    /// The library was built by another compiler or against another version
    /// of this package than the running program (each described as
    /// "swift-multiprocessing 0.1.0, Swift 6.3"), so the layout of the types
    /// the two share may differ. Rebuild the library with the program's
    /// toolchain, against the program's build.
    case incompatible(built: String, running: String)
    /// A type the library lists has the same name as a job type of a library
    /// loaded before, or of the program itself: a worker that looks the type
    /// up by name could not tell which one is meant. The library is refused
    /// as a whole; the first one stays in use.
    case duplicateType(name: String)
    /// A type the library lists does not conform to this program's ``Job``:
    /// the library links its own copy of this package instead of using the
    /// program's (build it against the program's modules, with its symbols
    /// left for the program to provide).
    case notAJob(typeName: String)
    /// The running program does not make its symbols available to the
    /// libraries it loads, so a job library, which uses the program's copy
    /// of ``Job`` and of this package, cannot be loaded. Link the program
    /// with `-Xlinker --export-dynamic` (Python's own executable is linked
    /// so, for the same reason: its extension modules use its symbols).
    case programSymbolsNotExported
    /// The dynamic loader refused the library: `reason` is its message (a
    /// missing dependency, a symbol neither the library nor the program
    /// defines, another architecture, a position-independent executable...).
    case loadFailed(path: String, reason: String)

    /// What went wrong, with the path or name it concerns.
    public var description: String {
        switch self {
        case let .fileNotFound(path):
            "no job library at \(path): the file does not exist"
        case let .notALibrary(path):
            "\(path) is not a shared library"
        case let .missingEntryPoint(path):
            "\(path) exports no \(JobLibrary.entryPointName) function: it is not a job library"
        case let .incompatible(built, running):
            "the job library was built with \(built), but this program runs \(running): rebuild the library"
        case let .duplicateType(name):
            "the job type \(name) is already defined by a library loaded before, or by the program"
        case let .notAJob(typeName):
            "\(typeName) does not conform to this program's Job protocol: "
                + "the library links its own copy of swift-multiprocessing instead of the program's"
        case .programSymbolsNotExported:
            "this program does not export its symbols to the libraries it loads: "
                + "link it with -Xlinker --export-dynamic to load job libraries"
        case let .loadFailed(path, reason):
            "the dynamic loader refused \(path): \(reason)"
        }
    }
}
