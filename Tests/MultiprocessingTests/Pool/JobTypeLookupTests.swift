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

import Testing

@testable import Multiprocessing

private struct PrivateDouble: Job {
    var x: Int
    func run() -> Int { x * 2 }
}

private enum PrivateShape: Job {
    case square(Int)
    case circle(radius: Int)
    func run() -> Int {
        switch self {
        case .square(let side): side * side
        case .circle(let radius): 3 * radius * radius
        }
    }
}

private enum PrivateFailure: Error, Codable, Equatable {
    case tooBig(Int)
}

private struct FailIfBig: Job {
    var x: Int
    func run() throws -> Int {
        if x > 10 { throw PrivateFailure.tooBig(x) }
        return x
    }
}

private final class PrivateClassJob: Job, @unchecked Sendable {
    let n: Int
    init(n: Int) { self.n = n }
    func run() -> Int { n * 3 }
}

private struct PrivateGeneric<Value: Codable & Sendable>: Job {
    var value: Value
    func run() -> Int { 1 }
}

struct GenericBox<Value: Codable & Sendable>: Job {
    var value: Value
    func run() -> [Value] { [value, value] }
}

extension ProcessPoolSuites {
    @Suite("Job type lookup", .timeLimit(.minutes(1)))
    struct JobTypeLookupTests {
        struct NestedTriple: Job {
            var x: Int
            func run() -> Int { x * 3 }
        }

        @Test func workersFindPrivateNestedGenericAndLocalJobTypes() async throws {
            struct LocalQuadruple: Job {
                var x: Int
                var label: String
                func run() -> String { "\(label)\(x * 4)" }
            }
            let pool = try ProcessPool(workers: 1)
            #expect(try await pool.run(PrivateDouble(x: 5)) == 10)
            #expect(try await pool.run(NestedTriple(x: 5)) == 15)
            #expect(try await pool.run(GenericBox(value: "a")) == ["a", "a"])
            #expect(try await pool.run(LocalQuadruple(x: 5, label: "=")) == "=20")
            #expect(try await pool.map((1...3).map { LocalQuadruple(x: $0, label: "") }) == ["4", "8", "12"])
            #expect(try await pool.map([PrivateShape.square(3), .circle(radius: 2)]) == [9, 12])
            #expect(try await pool.run(PrivateClassJob(n: 2)) == 6)
            await #expect(throws: PrivateFailure.tooBig(11), "a private Codable error comes back as itself") {
                try await pool.run(FailIfBig(x: 11))
            }
            await pool.shutdown()
        }

        @Test func aPrivateGenericJobTypeFailsClearly() async throws {
            let pool = try ProcessPool(workers: 1)
            let error = await #expect(throws: ProcessPoolError.self) { try await pool.run(PrivateGeneric(value: 1)) }
            guard case .jobTypeNotFound(let name)? = error else {
                Issue.record("unexpected \(String(describing: error))")
                return
            }
            #expect(name.hasSuffix("PrivateGeneric<Swift.Int>"), "the name as Swift writes it: \(name)")
            #expect(try await pool.run(PrivateDouble(x: 1)) == 2, "the worker keeps serving")
            await pool.shutdown()
        }

        @Test func portableNamesRoundTripInProcessAndRejectGarbage() {
            struct Local: Codable {}
            for type in [PrivateDouble.self, Local.self, PrivateShape.self, PrivateClassJob.self, AddOne.self]
                as [any Any.Type]
            {
                let name = PortableTypeName.of(type)
                #expect(
                    name.flatMap(PortableTypeName.type(named:)).map(ObjectIdentifier.init) == ObjectIdentifier(type))
            }
            #expect(PortableTypeName.of(PrivateDouble.self)?.contains("$") == false, "no address travels")
            for garbage in [
                "\u{1}", "\u{1}zz\u{0}", "\u{1}10\u{0}/no/such/object", "\u{1}ffffffffffff\u{0}", "\u{1}0\u{0}",
                "\u{1}10\u{0}/no/such/object\u{0}x", "\u{1}ffffffffffff\u{0}\u{0}x", "\u{1}0\u{0}\u{0}",
            ] {
                #expect(PortableTypeName.type(named: garbage) == nil, "\(Array(garbage.utf8))")
            }
        }

        @Test func aDescriptorPlaceIsAcceptedOnlyWithTheNameItMustHave() throws {
            // A place names a type only together with that type's
            // place-independent name: a place that leads elsewhere (another
            // layout, another executable) is "not found", never another type.
            let double = try #require(PortableTypeName.of(PrivateDouble.self))
            let shape = try #require(PortableTypeName.of(PrivateShape.self))
            func fields(_ name: String) -> [Substring] { name.split(separator: "\0", omittingEmptySubsequences: false) }
            #expect(fields(double).count == 3 && fields(shape).count == 3)
            let doublePlaceShapeName = fields(double)[0..<2].joined(separator: "\0") + "\0" + fields(shape)[2]
            #expect(PortableTypeName.type(named: doublePlaceShapeName) == nil)
            let tampered = double + "x"
            #expect(PortableTypeName.type(named: tampered) == nil)
            #expect(
                PortableTypeName.type(named: double).map(ObjectIdentifier.init) == ObjectIdentifier(PrivateDouble.self))

            // The verification name names the type without an address, the same way each time.
            let name = try #require(PortableTypeName.placeIndependentName(of: PrivateDouble.self))
            #expect(!name.contains("$") && name.contains("@"))
            #expect(PortableTypeName.placeIndependentName(of: PrivateDouble.self) == name)
            #expect(PortableTypeName.placeIndependentName(of: AddOne.self) == _mangledTypeName(AddOne.self))
        }
    }
}
