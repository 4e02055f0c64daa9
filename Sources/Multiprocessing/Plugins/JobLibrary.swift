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

/// A shared library of ``Job`` types loaded at run time: jobs the program did
/// not know when it was built, run on a ``ThreadPool`` or a ``ProcessPool``
/// like its own (Python's `importlib` loading a module from a file path).
///
/// ```swift
/// let shapes = try JobLibrary.load(path: "plugins/libShapeJobs.so")
/// print(shapes.jobTypeNames)                        // ["ShapeJobs.Square", "ShapeJobs.Cube"]
/// let square = shapes.jobType(named: "ShapeJobs.Square")!
/// let job = try JSONDecoder().decode(square, from: Data(#"{"side": 3}"#.utf8))
/// print(try await pool.run(job))                    // 9, run by a worker process
/// ```
///
/// ## Writing a job library
/// A job library is a Swift module of `Job` types that exports one C
/// function, named ``entryPointName``, which returns the description
/// ``export(_:)`` makes. Nothing else is needed:
///
/// ```swift
/// import Multiprocessing
///
/// public struct Square: Job {
///     public var side: Int
///     public func run() -> Int { side * side }
/// }
///
/// @_cdecl("swift_multiprocessing_job_library")
/// public func jobLibrary() -> UnsafeMutableRawPointer {
///     JobLibrary.export(Square.self)
/// }
/// ```
///
/// ## Building one
/// The library must use the program's copy of this package (its `Job` is
/// the program's `Job`), not a copy of its own. So it is compiled against the
/// program's build, with the symbols it takes from the package left
/// undefined, and the program is linked so that it provides them:
///
/// - the program: add `linkerSettings: [.unsafeFlags(["-Xlinker",
///   "--export-dynamic"])]` to its executable target (otherwise `load`
///   throws ``JobLibraryError/programSymbolsNotExported``);
/// - the library: `swiftc -emit-library -parse-as-library -module-name
///   ShapeJobs -I .build/debug/Modules` plus the module maps of the package's
///   C modules, with the same toolchain. `Examples/job-plugin/Plugin/build-job-library.sh`
///   does it for any program built with SwiftPM, in about a second.
///
/// A library built with its own copy of the package (a SwiftPM `.dynamic`
/// product depending on it) is refused with ``JobLibraryError/notAJob(typeName:)``.
///
/// ## What is checked
/// A library states the compiler and the version of this package it was
/// built with (``buildStamp``); a library that differs from the program is
/// refused with ``JobLibraryError/incompatible(built:running:)``, because the
/// layout of the types both use may differ. The file is examined before it
/// is loaded (``JobLibraryError/fileNotFound(path:)``,
/// ``JobLibraryError/notALibrary(path:)``), and every name it lists is
/// checked against the job types already known
/// (``JobLibraryError/duplicateType(name:)``). None of these is a crash.
///
/// ## Pools and workers
/// Jobs of a loaded library go to any executor. A ``ProcessPool`` tells each
/// of its workers which libraries the program loaded, before it sends the
/// worker anything else, so spawned workers, forked workers, workers started
/// later and workers that were already running when `load` was called all
/// load the same file (by its canonical path) before they run its jobs. A
/// library may provide the pool's initializer too.
///
/// ## Never unloaded
/// A loaded library stays loaded until the process ends: this API has no
/// `unload`, and nothing calls `dlclose`. Swift code cannot be unloaded
/// safely: the runtime keeps the library's type metadata and protocol
/// conformances in process-wide caches, and any value, metatype, existential
/// or key path made from its types may still point into it; unmapping it
/// would leave those dangling. Loading the same file again returns the same
/// library.
///
/// ## Compared with Python
/// Python imports a module from a path and can reload it; a Swift library is
/// native code, loaded once per process and never reloaded: to change a job
/// library, rebuild it and restart the program.
public struct JobLibrary: Sendable, Hashable, CustomStringConvertible {
    /// The library's canonical absolute path (symbolic links resolved), as it
    /// was loaded and as pool workers load it.
    public let path: String
    /// The build the library states it comes from, such as
    /// "swift-multiprocessing 0.1.0, Swift 6.3": the program's own
    /// ``buildStamp``, or it would not have loaded.
    public let builtWith: String
    /// The job types the library exports, in the order it lists them.
    public let jobTypes: [any Job.Type]

    init(path: String, builtWith: String, jobTypes: [any Job.Type]) {
        self.path = path
        self.builtWith = builtWith
        self.jobTypes = jobTypes
    }

    /// The names of the library's job types, fully qualified as
    /// `String(reflecting:)` writes them (`ShapeJobs.Square`), in the order
    /// the library lists them.
    public var jobTypeNames: [String] { jobTypes.map { String(reflecting: $0) } }

    /// The library's job type named `typeName` (as in ``jobTypeNames``), or
    /// `nil` if it exports none of that name.
    public func jobType(named typeName: String) -> (any Job.Type)? {
        jobTypes.first { String(reflecting: $0) == typeName }
    }

    /// Loads the job library at `path` into this process and returns it; a
    /// library already loaded (by any path to the same file) is returned as it is.
    ///
    /// After `load` returns, jobs of the library's types can be submitted to
    /// any executor: every ``ProcessPool``'s workers load the library too
    /// before they run their next job. The library is never unloaded.
    ///
    /// Loading is serialized in the process; it reads the file's header,
    /// loads it (`dlopen` with `RTLD_NOW | RTLD_LOCAL`: every symbol resolved
    /// now, none offered to other libraries), calls its entry point and
    /// checks what it describes.
    ///
    /// - Throws: a ``JobLibraryError`` for every way a file can fail to be a
    ///   usable job library; see its cases.
    public static func load(path: String) throws(JobLibraryError) -> JobLibrary {
        try JobLibraryCatalog.shared.load(path)
    }

    /// Every job library loaded in this process, in the order they were loaded.
    public static var loaded: [JobLibrary] { JobLibraryCatalog.shared.libraries }

    /// "job library /plugins/libShapeJobs.so: ShapeJobs.Square, ShapeJobs.Cube".
    public var description: String {
        "job library \(path): \(jobTypeNames.joined(separator: ", "))"
    }

    /// Two values are the same library when they have the same path.
    public static func == (lhs: JobLibrary, rhs: JobLibrary) -> Bool { lhs.path == rhs.path }

    public func hash(into hasher: inout Hasher) { hasher.combine(path) }
}
