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
import MultiprocessingPlatform
import MultiprocessingTestSupport
import Testing

@testable import Multiprocessing

/// Every JobLibrary suite, one at a time: libraries are built on first use
/// (a second each) and loading is process-wide.
@Suite("JobLibrary", .serialized, .onItsOwnThread, .timeLimit(.minutes(3)))
enum JobLibrarySuites {}

extension JobLibrarySuites {
    @Suite("loading")
    struct JobLibraryLoadTests {
        @Test func aLibraryListsAndFindsItsJobTypes() throws {
            let path = try TestLibrary.jobs.path
            let library = try JobLibrary.load(path: path)
            #expect(library.path == path)
            #expect(library.builtWith == JobLibrary.buildStamp)
            // Listed in order; Triple, listed twice, once; the private type by its reflecting name.
            #expect(library.jobTypeNames.count == 5)
            #expect(Array(library.jobTypeNames.prefix(2)) == ["LibraryJobs.Triple", "LibraryJobs.Refuse"])
            #expect(library.jobTypeNames[2].hasPrefix("LibraryJobs.") && library.jobTypeNames[2].hasSuffix(".Hidden"))
            let triple = try #require(library.jobType(named: "LibraryJobs.Triple"))
            #expect(String(reflecting: triple) == "LibraryJobs.Triple")
            #expect(library.jobType(named: "LibraryJobs.Nothing") == nil)
            #expect(library.jobType(named: "Triple") == nil)  // names are fully qualified
            #expect(JobLibrary.loaded.contains(library))
            #expect(library.description.contains(path) && library.description.contains("LibraryJobs.Refuse"))
        }

        @Test func loadingTheSameFileAgainReturnsTheSameLibrary() throws {
            let path = try TestLibrary.jobs.path
            let first = try JobLibrary.load(path: path)
            let count = JobLibrary.loaded.count
            // Through a symbolic link, a relative path and a hard link: the same file.
            let link = "\(TestLibraries.shared.directory)/link-\(UUID().uuidString).so"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
            let hardLink = "\(TestLibraries.shared.directory)/hard-\(UUID().uuidString).so"
            try FileManager.default.linkItem(atPath: path, toPath: hardLink)
            defer {
                unlink(link)
                unlink(hardLink)
            }
            #expect(try JobLibrary.load(path: link) == first)
            #expect(try JobLibrary.load(path: hardLink).path == first.path)
            let relative = String(repeating: "../", count: 8) + String(path.dropFirst())
            #expect(try JobLibrary.load(path: relative) == first)
            #expect(JobLibrary.loaded.count == count)
        }

        @Test func aMissingFileIsFileNotFound() {
            let directory = TestLibraries.shared.directory
            #expect(throws: JobLibraryError.fileNotFound(path: "\(directory)/absent.so")) {
                try JobLibrary.load(path: "\(directory)/absent.so")
            }
            #expect(throws: JobLibraryError.fileNotFound(path: "\(directory)/no/such/dir/lib.so")) {
                try JobLibrary.load(path: "\(directory)/no/such/dir/lib.so")
            }
            #expect(throws: JobLibraryError.fileNotFound(path: "")) { try JobLibrary.load(path: "") }
        }

        @Test func filesThatAreNotLibrariesAreRefusedBeforeLoading() throws {
            let directory = TestLibraries.shared.directory
            let text = "\(directory)/text-\(UUID().uuidString).so"
            let empty = "\(directory)/empty-\(UUID().uuidString).so"
            try "not a library".write(toFile: text, atomically: true, encoding: .utf8)
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            defer {
                unlink(text)
                unlink(empty)
            }
            for path in [text, empty, directory] {
                #expect(throws: JobLibraryError.notALibrary(path: path)) { try JobLibrary.load(path: path) }
            }
            // An ELF file, but an executable: the loader refuses it, with its reason.
            let executable = TestLibraries.buildDirectory + "/job-plugin"
            if FileManager.default.fileExists(atPath: executable) {
                do {
                    _ = try JobLibrary.load(path: executable)
                    Issue.record("an executable loaded as a job library")
                } catch let error {
                    guard case .loadFailed(let path, let reason) = error else {
                        Issue.record("expected loadFailed, got \(error)")
                        return
                    }
                    #expect(path == executable && !reason.isEmpty)
                }
            }
        }

        @Test func theELFHeaderCheckReadsBothByteOrders() {
            var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + Array(repeating: 0, count: 8) + [3, 0]
            #expect(SharedObjectFile.isSharedObject(header))
            header[16] = 2  // ET_EXEC
            #expect(!SharedObjectFile.isSharedObject(header))
            header[5] = 2  // big-endian: e_type 0x0003
            header[16] = 0
            header[17] = 3
            #expect(SharedObjectFile.isSharedObject(header))
            header[5] = 7  // neither byte order
            #expect(!SharedObjectFile.isSharedObject(header))
            #expect(!SharedObjectFile.isSharedObject(Array(header.prefix(17))))
            #expect(!SharedObjectFile.isSharedObject(Array("#!/bin/sh\nexit 0\n".utf8)))
        }

        @Test func aLibraryWithoutTheEntryPointIsRefused() throws {
            let path = try TestLibrary.noEntryPoint.path
            #expect(throws: JobLibraryError.missingEntryPoint(path: path)) { try JobLibrary.load(path: path) }
            // Refused again the same way (it stays mapped, never registered).
            #expect(throws: JobLibraryError.missingEntryPoint(path: path)) { try JobLibrary.load(path: path) }
            #expect(!JobLibrary.loaded.map(\.path).contains(path))
        }

        @Test func anotherBuildOrLayoutIsIncompatible() throws {
            let running = JobLibrary.buildStamp
            #expect(
                throws: JobLibraryError.incompatible(built: "swift-multiprocessing 0.0.1, Swift 5.9", running: running)
            ) {
                try JobLibrary.load(path: try TestLibrary.otherBuild.path)
            }
            #expect(
                throws: JobLibraryError.incompatible(
                    built: "job library description layout 2",
                    running: "\(running) (description layout 1)")
            ) {
                try JobLibrary.load(path: try TestLibrary.otherLayout.path)
            }
            #expect(
                throws: JobLibraryError.incompatible(
                    built: "an entry point that returned no description", running: running)
            ) {
                try JobLibrary.load(path: try TestLibrary.noDescription.path)
            }
        }

        @Test func aTypeThatIsNotAJobIsRefused() throws {
            #expect(throws: JobLibraryError.notAJob(typeName: "Swift.Int")) {
                try JobLibrary.load(path: try TestLibrary.notJobs.path)
            }
        }

        @Test func twoLibrariesDefiningTheSameTypeAreRefused() throws {
            let first = try JobLibrary.load(path: try TestLibrary.clashFirst.path)
            #expect(first.jobTypeNames == ["Clash.Twin"])
            let second = try TestLibrary.clashSecond.path
            #expect(throws: JobLibraryError.duplicateType(name: "Clash.Twin")) { try JobLibrary.load(path: second) }
            #expect(!JobLibrary.loaded.map(\.path).contains(second))
            // The first keeps working.
            let twin = try #require(first.jobType(named: "Clash.Twin"))
            #expect(try String(describing: runDecoded(twin, json: #"{"x": 5}"#)) == "5")
        }

        @Test func aLibraryRedefiningAJobTypeOfTheProgramIsRefused() throws {
            let path = try TestLibrary.programClash.path
            #expect(throws: JobLibraryError.duplicateType(name: "MultiprocessingTests.AddOne")) {
                try JobLibrary.load(path: path)
            }
            #expect(AddOne(x: 1).run() == 2)
        }

        @Test func theDescriptionOfEveryErrorNamesWhatItIsAbout() {
            let errors: [JobLibraryError] = [
                .fileNotFound(path: "/a"), .notALibrary(path: "/b"), .missingEntryPoint(path: "/c"),
                .incompatible(built: "B", running: "R"), .duplicateType(name: "M.T"), .notAJob(typeName: "M.U"),
                .programSymbolsNotExported, .loadFailed(path: "/d", reason: "why"),
            ]
            let expected = [
                "/a", "/b", "swift_multiprocessing_job_library", "R", "M.T", "M.U", "--export-dynamic", "why",
            ]
            for (error, text) in zip(errors, expected) {
                #expect(error.description.contains(text), "\(error)")
            }
        }

        @Test func theBuildStampNamesThePackageAndTheCompiler() {
            #expect(
                JobLibrary.buildStamp
                    == "swift-multiprocessing \(JobLibrary.packageVersion), Swift \(JobLibrary.compilerVersion)")
            #if compiler(>=6.3) && !compiler(>=6.4)
                #expect(JobLibrary.compilerVersion == "6.3")
            #endif
        }

        @Test func theProgramExportsTheJobProtocol() {
            // This test runner is linked with --export-dynamic (Package.swift); the
            // symbol name is the one the compiler gives Job's protocol descriptor.
            #expect(isGlobalSymbol(JobLibraryCatalog.jobProtocolSymbol))
            #expect(!isGlobalSymbol("$s9Threading14NoSuchProtocolMp"))
        }
    }
}

/// Decodes a job of `type` from JSON and runs it here: `J` is opened from the existential.
func runDecoded<J: Job>(_ type: J.Type, json: String) throws -> J.Output {
    try JSONDecoder().decode(J.self, from: Data(json.utf8)).run()
}

extension JobLibrarySuites {
    /// The message that tells a worker which libraries to load.
    @Suite("the load message")
    struct LoadLibrariesMessageTests {
        private func payload(of message: ParentMessage) -> [UInt8] {
            var frame: [UInt8] = []
            message.write(to: &frame)
            return Array(frame.dropFirst(FrameHeader.shortCount))
        }

        @Test func pathsTravelInOrderWhateverTheirBytes() throws {
            let paths = ["/a/libOne.so", "/tmp/with space/lib été.so", "", "/x\n/y.so"]
            let read = try payload(of: .loadLibraries(paths: paths)).withUnsafeBytes { bytes in
                try ParentMessage.read(from: bytes)
            }
            guard case .loadLibraries(let decoded) = read else {
                Issue.record("read back as \(read)")
                return
            }
            #expect(decoded == paths)
        }

        @Test func aTruncatedOrOverstatedMessageIsMalformed() {
            let whole = payload(of: .loadLibraries(paths: ["/a.so", "/b.so"]))
            for cut in [1, 3, whole.count - 1] {
                #expect(throws: MalformedMessage.self) {
                    try Array(whole.prefix(cut)).withUnsafeBytes { try ParentMessage.read(from: $0) }
                }
            }
            // A count of 2^32 - 1 paths in a 5-byte message is refused before anything is read.
            let overstated: [UInt8] = [4, 0xFF, 0xFF, 0xFF, 0xFF]
            #expect(throws: MalformedMessage.self) {
                try overstated.withUnsafeBytes { try ParentMessage.read(from: $0) }
            }
        }
    }
}
