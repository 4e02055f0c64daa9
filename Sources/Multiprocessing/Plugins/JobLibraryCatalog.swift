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
import Synchronization
import SystemPackage
internal import Threading

/// The job libraries this process loaded, in order, and the loading itself:
/// one load at a time, so that two libraries defining the same type cannot
/// both pass the duplicate check.
///
/// The order matters to pools: ``ProcessPool`` workers are brought up to
/// date by sending them the paths loaded since they were last told
/// (``count`` and ``paths(from:)``), and a worker's libraries are loaded in
/// the same order as the program's.
final class JobLibraryCatalog: Sendable {
    static let shared = JobLibraryCatalog()

    /// The mangled name of the protocol descriptor of ``Job``: a library's
    /// conformances refer to it, so the program must export it.
    static let jobProtocolSymbol = "$s9Threading3JobMp"

    private struct State {
        var libraries: [JobLibrary] = []
        var indexByPath: [String: Int] = [:]
        var indexByHandle: [UnsafeMutableRawPointer: Int] = [:]
        /// The job type names of every loaded library.
        var typeNames: Set<String> = []
    }

    private let state = LockedState(State())
    /// How many libraries are loaded: read on every task a pool sends, so it
    /// is an atomic rather than a look under the lock.
    private let loadedCount = Atomic<Int>(0)

    var count: Int { loadedCount.load(ordering: .acquiring) }

    var libraries: [JobLibrary] { state.withLock { $0.libraries } }

    /// The paths of the libraries loaded after the first `index`, in order.
    func paths(from index: Int) -> [String] {
        state.withLock { $0.libraries[index...].map(\.path) }
    }

    func load(_ path: String) throws(JobLibraryError) -> JobLibrary {
        // A pool worker is told canonical paths, and a forked one already has
        // them loaded: found here even if the file has gone since.
        if let known = state.withLock({ state in state.indexByPath[path].map { state.libraries[$0] } }) { return known }
        let canonical: String
        do {
            canonical = try canonicalPath(path)
        } catch .noSuchFileOrDirectory, .notDirectory {
            throw .fileNotFound(path: path)
        } catch {
            throw .loadFailed(path: path, reason: error.description)
        }
        return try state.withLock { state throws(JobLibraryError) in
            if let index = state.indexByPath[canonical] { return state.libraries[index] }
            try SharedObjectFile.check(canonical)
            guard isGlobalSymbol(Self.jobProtocolSymbol) else { throw .programSymbolsNotExported }
            let handle: UnsafeMutableRawPointer
            do throws(DynamicLoadingError) {
                handle = try loadSharedLibrary(atPath: canonical)
            } catch {
                throw .loadFailed(path: canonical, reason: error.description)
            }
            if let index = state.indexByHandle[handle] {  // the same file by another name (a hard link)
                return state.libraries[index]
            }
            let library = try Self.describe(handle, path: canonical, knownNames: state.typeNames)
            state.indexByPath[canonical] = state.libraries.count
            state.indexByHandle[handle] = state.libraries.count
            state.typeNames.formUnion(library.jobTypeNames)
            state.libraries.append(library)
            loadedCount.store(state.libraries.count, ordering: .releasing)
            return library
        }
    }

    /// Calls the entry point of the loaded library `handle` and checks what
    /// it describes: the build, then each type.
    private static func describe(
        _ handle: UnsafeMutableRawPointer, path: String,
        knownNames: Set<String>
    ) throws(JobLibraryError) -> JobLibrary {
        guard let address = symbolAddress(JobLibrary.entryPointName, in: handle) else {
            throw .missingEntryPoint(path: path)
        }
        let entryPoint = unsafeBitCast(address, to: (@convention(c) () -> UnsafeMutableRawPointer?).self)
        guard let block = entryPoint() else {
            throw .incompatible(built: "an entry point that returned no description", running: JobLibrary.buildStamp)
        }
        let description = try JobLibraryDescription(reading: block)
        var jobTypes: [any Job.Type] = []
        var names: Set<String> = []
        for type in description.types {
            let name = String(reflecting: type)
            guard let jobType = type as? any Job.Type else { throw .notAJob(typeName: name) }
            guard names.insert(name).inserted else { continue }  // listed twice
            guard !knownNames.contains(name), isFoundByName(type) else { throw .duplicateType(name: name) }
            jobTypes.append(jobType)
        }
        return JobLibrary(path: path, builtWith: description.buildStamp, jobTypes: jobTypes)
    }

    /// Whether looking `type` up by its mangled name, as a pool worker does,
    /// finds `type` itself and not a type of the program or of another
    /// library with the same name (same module and type names). Types named
    /// through an anonymous context (private ones) travel by the place of
    /// their descriptor instead, which names the library: they always pass.
    private static func isFoundByName(_ type: any Any.Type) -> Bool {
        guard let mangled = _mangledTypeName(type), !mangled.utf8.contains(UInt8(ascii: "$")) else { return true }
        guard let found = _typeByName(mangled) else { return true }
        return ObjectIdentifier(found) == ObjectIdentifier(type)
    }
}
