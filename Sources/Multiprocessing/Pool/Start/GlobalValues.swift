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

internal import CMultiprocessing
internal import MultiprocessingPlatform

/// The values of the program's global variables declared in `main.swift`,
/// copied into spawned workers, so that a job reading one sees what it sees
/// on a `ThreadPool` or in a `.fork` worker.
///
/// ## Why
/// A spawned worker starts the program's executable again and enters the
/// worker loop before `main`. Variables declared in other files are
/// initialized on first use, in the worker as anywhere; but a variable
/// declared at the top level of `main.swift` is set by `main` itself, as it
/// runs, so in a worker it is all zero bits: an `Int` reads 0, a `String`
/// reads empty, silently.
///
/// ## What is copied
/// The pool reads this executable's symbol table once (see
/// ``executableVariables(where:)``) and keeps the module-level variables
/// that have no lazy initialization token (those of `main.swift`, and those
/// the compiler initialized statically). When the first job of a type is
/// submitted to a `.spawn` pool (or spawned), it takes the value of each one
/// of the job's modules that is set (not all zero bits):
/// - a *plain value* -- numbers, `Bool`s, cases of enums without payloads,
///   and optionals, tuples and structs of those, checked on the value with
///   `Mirror` -- travels as its bytes: it means the same in every process,
///   and no code of its type would run in a copy anyway;
/// - any other `Codable` value (`String`, arrays, dictionaries, your own
///   types) of at most ``maximumEncodedSize`` encoded travels encoded, and
///   the worker decodes it, running the type's own `init(from:)`, into its
///   variable, if that is still all zero bits;
/// - anything else -- a class instance that is not `Codable`, a closure, the
///   pool itself, a `Codable` value too large to send to every worker, or a
///   value whose type the runtime cannot find by the mangling in the
///   variable's name (an optimized build emits no metadata for a type
///   nothing inspects) -- travels as its bytes with every 8-byte
///   word that points into this process's mappings (`/proc/self/maps`)
///   replaced by an address in the first page, which no process maps. Its
///   plain parts arrive right; a job that follows one of its references
///   crashes its worker at once, and the pool's error names the rule
///   (pass such values in the job), where zero bits would have read as
///   `nil` or an empty string, silently.
///
/// A worker writes the values of a module's variables before it runs the
/// first job of that module; variables of other modules are left alone.
struct GlobalValues: Sendable {
    /// One variable's value.
    struct Value: Sendable, Equatable {
        /// The variable's symbol (`$s4main6factorSivp`).
        var symbol: String
        /// Its address as linked (the same in every process of the executable, before ASLR).
        var linkedAddress: UInt64
        var form: Form
        var bytes: [UInt8]
    }

    enum Form: UInt8, Sendable {
        /// The value's bytes.
        case bits = 0
        /// The value encoded with the package's codec.
        case encoded = 1
    }

    var values: [Value] = []

    /// Reads this executable's symbol table now, if it was not read yet: a
    /// pool that spawns calls it when it is made (a synchronous call, which
    /// may do I/O), so that taking values on the first submit of a module's
    /// job, which may run on one of Swift's cooperative threads, does
    /// little I/O: at most `/proc/self/maps`, when a value holds a pointer.
    static func findVariables() {
        _ = candidates
    }

    /// The values the variables of `modules` hold now in this process (none
    /// if it cannot read its symbol table).
    static func capture(modules: Set<String>) -> GlobalValues {
        guard let bias = executableLoadBias() else { return GlobalValues() }
        let variables = candidates.filter { modules.contains($0.module) }
        guard !variables.isEmpty else { return GlobalValues() }
        let mappings = Mappings()
        return GlobalValues(
            values: variables.compactMap { variable in
                let address = UnsafeRawPointer(bitPattern: bias + variable.linkedAddress)!
                // All zero bits: not set yet (or zero), as in a worker.
                guard UnsafeRawBufferPointer(start: address, count: variable.size).contains(where: { $0 != 0 })
                else { return nil }
                let (form, bytes) = variable.read(at: address, mappings: mappings)
                return Value(
                    symbol: variable.symbol, linkedAddress: UInt64(variable.linkedAddress), form: form, bytes: bytes)
            })
    }

    /// Writes the values of `module`'s variables into this process's copies
    /// of them. A worker calls it once per module, before the first job of it.
    func restore(module: String) {
        guard let bias = Self.executableLoadBias() else { return }
        for value in values {
            guard let name = GlobalVariableName(value.symbol), name.module == module else { continue }
            let address = UnsafeMutableRawPointer(bitPattern: bias + UInt(value.linkedAddress))!
            switch value.form {
            case .bits:
                // Same executable, same layout: no type lookup (a fresh worker's are slow).
                value.bytes.withUnsafeBytes { address.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            case .encoded:
                guard let type = name.type as? any Decodable.Type,
                    !UnsafeRawBufferPointer(start: address, count: size(of: type)).contains(where: { $0 != 0 })
                else { continue }
                decode(type, from: value.bytes, into: address)
            }
        }
    }

    func write(to body: inout [UInt8]) {
        body.appendInteger(UInt32(values.count))
        for value in values {
            body.appendString(value.symbol)
            body.appendInteger(value.linkedAddress)
            body.append(value.form.rawValue)
            body.appendBytes(value.bytes)
        }
    }

    static func read(from cursor: inout ByteCursor) throws(MalformedMessage) -> GlobalValues {
        let count = Int(try cursor.integer(UInt32.self))
        // Each value takes at least 17 bytes: a count beyond that is malformed.
        guard count <= cursor.remaining / 17 else { throw MalformedMessage(description: "\(count) globals announced") }
        return GlobalValues(
            values: try (0..<count).map { _ throws(MalformedMessage) in
                let symbol = try cursor.string()
                let address = try cursor.integer(UInt64.self)
                let formByte = try cursor.integer(UInt8.self)
                guard let form = Form(rawValue: formByte) else {
                    throw MalformedMessage(description: "unknown form \(formByte) of global \(symbol)")
                }
                return Value(symbol: symbol, linkedAddress: address, form: form, bytes: Array(try cursor.byteRun()))
            })
    }

    /// The largest encoded value sent to every worker (1 MiB): a larger one
    /// (the program's input data, typically) goes the poisoned way, so a
    /// job that reads it fails loudly instead of every worker paying for it.
    static let maximumEncodedSize = 1 << 20

    /// This process's mappings, read once they are needed.
    private final class Mappings {
        private lazy var ranges: [Range<UInt>] = (try? mappedAddressRanges()) ?? []

        func contain(_ address: UInt) -> Bool { ranges.contains { $0.contains(address) } }
    }

    // MARK: Finding the variables

    /// A variable whose value may be copied.
    private struct Candidate {
        var symbol: String
        var module: String
        var linkedAddress: UInt
        var size: Int
        /// `nil` if the runtime has no metadata for it.
        var type: Any.Type?

        /// The value at `address` as bytes if it is a plain value, else
        /// encoded if it is `Codable`, else as bytes with its pointers into
        /// `mappings` poisoned.
        func read(at address: UnsafeRawPointer, mappings: Mappings) -> (Form, [UInt8]) {
            let bytes = UnsafeRawBufferPointer(start: address, count: size)
            let poisoned = {
                // A class reference is a pointer: no need to look it up (the program's pool, typically).
                let isReference = type is AnyClass
                return (Form.bits, poisoningPointers(bytes) { isReference || mappings.contain($0) })
            }
            guard let type else { return poisoned() }
            func plainBytes<T>(_: T.Type) -> [UInt8]? {
                guard _isPOD(T.self), isPlainValue(address.load(as: T.self)) else { return nil }
                return Array(bytes)
            }
            func encoded<T: Encodable>(_: T.Type) -> [UInt8]? {
                let value = address.assumingMemoryBound(to: T.self).pointee
                // Each element takes a byte at least: a larger collection is over the limit.
                if let collection = value as? any Collection,
                    collection.underestimatedCount > GlobalValues.maximumEncodedSize
                {
                    return nil
                }
                guard let bytes = try? BinaryEncoder().encode(value), bytes.count <= GlobalValues.maximumEncodedSize
                else {
                    return nil
                }
                return bytes
            }
            if let bytes = _openExistential(type, do: plainBytes) { return (.bits, bytes) }
            guard let codable = type as? any Codable.Type, let bytes = encoded(codable) else { return poisoned() }
            return (.encoded, bytes)
        }
    }

    /// This executable's module-level variables without an initialization
    /// token (with their type if the runtime finds it, and its size agrees
    /// with the symbol table's), found once.
    private static let candidates: [Candidate] = {
        // Variables' storage and lazy initialization tokens of Swift modules.
        let storageAndTokens = { (name: UnsafeBufferPointer<UInt8>) in
            name.starts(with: "$s".utf8)
                && (name.reversed().starts(with: "pv".utf8) || name.reversed().starts(with: "zW_".utf8))
        }
        guard let variables = try? executableVariables(where: storageAndTokens) else { return [] }
        let tokens = Set(variables.lazy.filter { $0.name.hasSuffix("_Wz") }.map(\.name))
        return variables.compactMap { variable in
            guard let name = GlobalVariableName(variable.name), !tokens.contains(name.initializationToken) else {
                return nil
            }
            let type = name.type
            if let type, size(of: type) != variable.size { return nil }
            return Candidate(
                symbol: variable.name, module: name.module, linkedAddress: variable.linkedAddress, size: variable.size,
                type: type)
        }
    }()

    private static func executableLoadBias() -> UInt? {
        var bias: UInt = 0
        // The executable is the loaded object that glibc names "".
        return cmp_image_base("", &bias) == 0 ? bias : nil
    }
}

/// The modules a type is made of whose globals a worker may need: the
/// module of each name in it, such as `App` and `Lib` for
/// `Lib.Wrapper<App.Job>`, except this package's own (whose globals, such
/// as caches holding this process's addresses, must not travel; a
/// manager's server job is one of its types).
func modules(of type: any Any.Type) -> Set<String> {
    Set(
        String(reflecting: type).split(whereSeparator: { "<>,()[]: ?!&".contains($0) })
            .compactMap { $0.split(separator: ".").first.map(String.init) }
    ).subtracting(packageModules)
}

private let packageModules: Set<String> = [
    "Multiprocessing", "MultiprocessingPlatform", "MultiprocessingPostgres", "Threading",
]

/// The job types and modules whose global variables a pool has taken.
struct ModulesSeen {
    private var types: Set<ObjectIdentifier> = []
    private var modules: Set<String> = []

    /// The modules of `type` not seen before (none if `type` was seen).
    mutating func newModules(of type: any Any.Type) -> Set<String> {
        guard types.insert(ObjectIdentifier(type)).inserted else { return [] }
        let new = Multiprocessing.modules(of: type).subtracting(modules)
        modules.formUnion(new)
        return new
    }
}

private func size(of type: Any.Type) -> Int {
    func size<T>(_: T.Type) -> Int { MemoryLayout<T>.size }
    return _openExistential(type, do: size)
}

/// Decodes a `T` from `bytes` and initializes the uninitialized memory at
/// `address` with it; leaves it uninitialized if the bytes do not decode.
private func decode<T: Decodable>(_: T.Type, from bytes: [UInt8], into address: UnsafeMutableRawPointer) {
    guard let value = try? BinaryDecoder().decode(T.self, from: bytes) else { return }
    address.bindMemory(to: T.self, capacity: 1).initialize(to: value)
}

/// `bytes` with each aligned 8-byte word that holds a nonzero address
/// `isMapped` accepts (once the tag bits a reference may carry, the top 16
/// and the low 3, are masked off) pointing into the first page instead, tag
/// bits kept: below `vm.mmap_min_addr` (64 KiB), which no process can map.
private func poisoningPointers(_ bytes: UnsafeRawBufferPointer, where isMapped: (UInt) -> Bool) -> [UInt8] {
    var copy = Array(bytes)
    let addressBits: UInt64 = 0x0000_FFFF_FFFF_FFF8
    let first = (8 - Int(bitPattern: bytes.baseAddress!) % 8) % 8
    copy.withUnsafeMutableBytes { copy in
        for offset in stride(from: first, through: bytes.count - 8, by: 8) {
            let word = copy.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let address = UInt(word & addressBits)
            guard address != 0, isMapped(address) else { continue }
            copy.storeBytes(of: word & ~addressBits | 0x1000, toByteOffset: offset, as: UInt64.self)
        }
    }
    return copy
}

/// Whether `value` is made only of numbers, `Bool`s and cases of enums
/// without payloads (through optionals, tuples and structs): a value that
/// means the same in any process.
private func isPlainValue(_ value: Any) -> Bool {
    switch value {
    case is Int, is Int8, is Int16, is Int32, is Int64, is UInt, is UInt8, is UInt16, is UInt32, is UInt64,
        is Double, is Float, is Bool:
        return true
    default:
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .tuple, .optional, .enum: return mirror.children.allSatisfy { isPlainValue($0.value) }
        default: return false
        }
    }
}
