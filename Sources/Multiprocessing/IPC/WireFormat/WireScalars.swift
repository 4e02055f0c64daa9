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

// The fast paths for arrays that are one blob of memory: `[UInt8]` as a `bytes`
// value, and arrays of fixed-width numbers as a packed `scalars` value.

import Synchronization

/// A number that a packed `scalars` value can hold.
protocol WireScalar: BitwiseCopyable {
    /// The unsigned integer with the same bits, for byte-order conversion.
    associatedtype Bits: FixedWidthInteger & UnsignedInteger
    /// The kind byte of a `scalars` value of this element type.
    static var wireKind: UInt8 { get }
    var wireBits: Bits { get }
    init(wireBits: Bits)
}

extension Int8: WireScalar {
    static var wireKind: UInt8 { 1 }
    var wireBits: UInt8 { UInt8(bitPattern: self) }
    init(wireBits: UInt8) { self.init(bitPattern: wireBits) }
}
extension Int16: WireScalar {
    static var wireKind: UInt8 { 2 }
    var wireBits: UInt16 { UInt16(bitPattern: self) }
    init(wireBits: UInt16) { self.init(bitPattern: wireBits) }
}
extension Int32: WireScalar {
    static var wireKind: UInt8 { 3 }
    var wireBits: UInt32 { UInt32(bitPattern: self) }
    init(wireBits: UInt32) { self.init(bitPattern: wireBits) }
}
extension Int64: WireScalar {
    static var wireKind: UInt8 { 4 }
    var wireBits: UInt64 { UInt64(bitPattern: self) }
    init(wireBits: UInt64) { self.init(bitPattern: wireBits) }
}
extension Int: WireScalar {
    // Int is written as the fixed-width integer of its size, so it reads back as
    // either. (The package targets 64-bit Linux.)
    static var wireKind: UInt8 { MemoryLayout<Int>.size == 8 ? 4 : 3 }
    var wireBits: UInt { UInt(bitPattern: self) }
    init(wireBits: UInt) { self.init(bitPattern: wireBits) }
}
extension UInt16: WireScalar {
    static var wireKind: UInt8 { 5 }
    var wireBits: UInt16 { self }
    init(wireBits: UInt16) { self = wireBits }
}
extension UInt32: WireScalar {
    static var wireKind: UInt8 { 6 }
    var wireBits: UInt32 { self }
    init(wireBits: UInt32) { self = wireBits }
}
extension UInt64: WireScalar {
    static var wireKind: UInt8 { 7 }
    var wireBits: UInt64 { self }
    init(wireBits: UInt64) { self = wireBits }
}
extension UInt: WireScalar {
    static var wireKind: UInt8 { MemoryLayout<UInt>.size == 8 ? 7 : 6 }
    var wireBits: UInt { self }
    init(wireBits: UInt) { self = wireBits }
}
extension Float: WireScalar {
    static var wireKind: UInt8 { 8 }
    var wireBits: UInt32 { bitPattern }
    init(wireBits: UInt32) { self.init(bitPattern: wireBits) }
}
extension Double: WireScalar {
    static var wireKind: UInt8 { 9 }
    var wireBits: UInt64 { bitPattern }
    init(wireBits: UInt64) { self.init(bitPattern: wireBits) }
}

/// Whether `T` is an `Array` with one pointer of storage: only those can be fast paths.
@inline(__always)
private func mayBeArray<T>(_: T.Type) -> Bool {
    MemoryLayout<T>.size == MemoryLayout<[UInt8]>.size
        && MemoryLayout<T>.alignment == MemoryLayout<[UInt8]>.alignment
}

// MARK: - Encoding

/// The array types `wireEncodeFastPath` writes as one blob or one run, in
/// the order of its `switch`. Looked up by identity: comparing `T.self` with
/// each of them would ask the runtime for each array type's metadata on every
/// value (callgrind: more than the rest of the check).
private let wireFastPathArrayTypes: [ObjectIdentifier] =
    ([
        [UInt8].self, [String].self, [Double].self, [Int].self, [Float].self, [Int64].self, [Int32].self,
        [UInt64].self, [UInt32].self, [UInt].self, [Int16].self, [UInt16].self, [Int8].self,
    ] as [any Any.Type]).map { ObjectIdentifier($0) }

/// Appends `value` as the value its own `Codable` conformance would write
/// through this coder, when `T` is a type whose conformance is the standard
/// library's and the coder has a shorter way to the same bytes: a `String`,
/// a `[String]`, a `[UInt8]` as one blob, an array of numbers as one run.
///
/// - Returns: `false` if `T` has no fast path; nothing was written then.
@inline(__always)
func wireEncodeFastPath<T>(_ value: T, into buffer: inout WireBuffer) -> Bool {
    if T.self == String.self {
        buffer.wireAppendString(unsafeBitCast(value, to: String.self))
        return true
    }
    guard mayBeArray(T.self), let index = wireFastPathArrayTypes.firstIndex(of: ObjectIdentifier(T.self)) else {
        return false
    }
    switch index {
    case 0:
        let bytes = unsafeBitCast(value, to: [UInt8].self)
        buffer.wireAppend(.bytes)
        buffer.wireAppendVarint(UInt64(bytes.count))
        buffer.append(contentsOf: bytes)
    case 1: return appendStrings(unsafeBitCast(value, to: [String].self), to: &buffer)
    case 2: appendScalars(unsafeBitCast(value, to: [Double].self), to: &buffer)
    case 3: appendScalars(unsafeBitCast(value, to: [Int].self), to: &buffer)
    case 4: appendScalars(unsafeBitCast(value, to: [Float].self), to: &buffer)
    case 5: appendScalars(unsafeBitCast(value, to: [Int64].self), to: &buffer)
    case 6: appendScalars(unsafeBitCast(value, to: [Int32].self), to: &buffer)
    case 7: appendScalars(unsafeBitCast(value, to: [UInt64].self), to: &buffer)
    case 8: appendScalars(unsafeBitCast(value, to: [UInt32].self), to: &buffer)
    case 9: appendScalars(unsafeBitCast(value, to: [UInt].self), to: &buffer)
    case 10: appendScalars(unsafeBitCast(value, to: [Int16].self), to: &buffer)
    case 11: appendScalars(unsafeBitCast(value, to: [UInt16].self), to: &buffer)
    default: appendScalars(unsafeBitCast(value, to: [Int8].self), to: &buffer)
    }
    return true
}

/// Appends `strings` as `[String].encode(to:)` writes them here: an unkeyed
/// container of string values; `false` (nothing written) if the container
/// would exceed 4 GiB, which the general path then reports.
private func appendStrings(_ strings: [String], to buffer: inout WireBuffer) -> Bool {
    let start = buffer.count
    buffer.wireAppend(.unkeyed)
    let lengthAt = buffer.wireReserveLength()
    for string in strings { buffer.wireAppendString(string) }
    let length = buffer.count - lengthAt - 4
    guard length <= WireFormat.maximumContainerBytes else {
        buffer.removeLast(buffer.count - start)
        return false
    }
    buffer.wirePatchLength(UInt32(length), at: lengthAt)
    return true
}

/// Appends a packed `scalars` value.
private func appendScalars<S: WireScalar>(_ elements: [S], to buffer: inout WireBuffer) {
    buffer.wireAppend(.scalars)
    buffer.append(S.wireKind)
    buffer.wireAppendVarint(UInt64(elements.count))
    #if _endian(little)
        elements.withUnsafeBytes { buffer.append(contentsOf: $0) }
    #else
        for element in elements { buffer.wireAppendLittleEndian(element.wireBits) }
    #endif
}

// MARK: - Decoding

/// The bytes of the `bytes` value, or of the byte run `Data.encode(to:)`
/// writes, at `offset`; `nil` if the value is neither (the caller then
/// decodes it the general way). A concrete optional: `Optional<T>` of an
/// unspecialized `T` would cost a metadata lookup per call.
@inline(__always)
func wireByteRun(from reader: WireDecoderState, at offset: Int, end: Int) throws -> UnsafeRawBufferPointer? {
    switch try reader.rawTag(at: offset, end: end) {
    case WireTag.bytes.rawValue:
        var cursor = offset + 1
        let range = try reader.readVarintPrefixedRange(at: &cursor, end: end)
        return UnsafeRawBufferPointer(rebasing: reader.bytes[range])
    case WireTag.unkeyed.rawValue:
        // What `Data.encode(to:)` writes: an unkeyed container holding one byte run.
        guard end - offset > 10, reader.bytes[offset + 5] == WireTag.byteRun.rawValue else { return nil }
        var cursor = offset + 1
        let elements = try reader.readU32PrefixedRange(at: &cursor, end: end)
        cursor = elements.lowerBound + 1
        let run = try reader.readU32PrefixedRange(at: &cursor, end: elements.upperBound)
        guard run.upperBound == elements.upperBound else { return nil }
        return UnsafeRawBufferPointer(rebasing: reader.bytes[run])
    default:  // `scalars` values take `wireDecodeScalars`
        return nil
    }
}

/// Whether `T` is `[UInt8]`, whose `Codable` conformance is the standard
/// element-by-element one (see `byteCollection`).
@inline(__always)
func isByteArray<T>(_: T.Type) -> Bool { ObjectIdentifier(T.self) == byteArrayType }

/// `bytes` as a `T`, if `T` is a collection of bytes whose `Codable` conformance is
/// the standard element-by-element one: `[UInt8]`, `ContiguousArray<UInt8>`,
/// `ArraySlice<UInt8>` or Foundation's `Data` (recognized by name, so that this
/// module need not link Foundation: +1 ms per process start for
/// FoundationEssentials, +4 ms for Foundation, measured).
///
/// Skipping their `init(from:)` gives the same value: each of them (the
/// standard library's and Foundation's own, which no program can replace)
/// reads its unkeyed container one `UInt8` at a time into a new collection,
/// which is what building the collection from the same bytes does.
@inline(never)
func byteCollection<T>(_: T.Type, _ bytes: UnsafeRawBufferPointer, orElse fallback: () throws -> T) rethrows -> T {
    try byteCollection(T.self, bytes) ?? fallback()
}

private func byteCollection<T>(_: T.Type, _ bytes: UnsafeRawBufferPointer) -> T? {
    // Identity checks first: a cast to `any RangeReplaceableCollection<UInt8>.Type`
    // demangles on every call (~1 µs, perf).
    let identity = unsafeBitCast(T.self as Any.Type, to: Int.self)
    guard
        T.self == ContiguousArray<UInt8>.self || T.self == ArraySlice<UInt8>.self
            || dataTypeIdentity.load(ordering: .relaxed) == identity
            || isDataTypeName(T.self, identity),
        let collection = T.self as? any RangeReplaceableCollection.Type
    else { return nil }
    return makeByteCollection(collection, bytes) as? T
}

/// A `C` holding `bytes`, if `C`'s elements are bytes.
private func makeByteCollection<C: RangeReplaceableCollection>(_: C.Type, _ bytes: UnsafeRawBufferPointer) -> C? {
    guard C.Element.self == UInt8.self else { return nil }
    return C(bytes.assumingMemoryBound(to: C.Element.self))
}

/// `[UInt8]`'s metatype, looked up once: unspecialized code asks the runtime
/// for a prespecialized generic type's metadata on every use (perf: 5% of a
/// 4 KiB decode).
private let byteArrayType = ObjectIdentifier([UInt8].self)

/// The identity of Foundation's `Data` metatype once seen, to skip the name check.
private let dataTypeIdentity = Atomic<Int>(0)

private func isDataTypeName<T>(_: T.Type, _ identity: Int) -> Bool {
    let name = _typeName(T.self, qualified: true)
    guard name == "FoundationEssentials.Data" || name == "Foundation.Data" else { return false }
    dataTypeIdentity.store(identity, ordering: .relaxed)
    return true
}

/// Reads the `scalars` value at `offset` as `T` if `T` is an array of its
/// element type, else returns `fallback()`.
///
/// Takes a fallback rather than returning `T?`: for a generic `T`, `Optional<T>`
/// is a runtime metadata lookup (~330 instructions, callgrind), as much as
/// copying a small `[Double]`.
@inline(__always)
func wireDecodeScalars<T>(
    _: T.Type, from reader: WireDecoderState, at offset: Int, end: Int, orElse fallback: () throws -> T
) throws -> T {
    guard mayBeArray(T.self) else { return try fallback() }
    if T.self == [Double].self { return try scalars(Double.self, reader, offset, end, fallback) }
    if T.self == [Int].self { return try scalars(Int.self, reader, offset, end, fallback) }
    if T.self == [Float].self { return try scalars(Float.self, reader, offset, end, fallback) }
    if T.self == [Int64].self { return try scalars(Int64.self, reader, offset, end, fallback) }
    if T.self == [Int32].self { return try scalars(Int32.self, reader, offset, end, fallback) }
    if T.self == [UInt64].self { return try scalars(UInt64.self, reader, offset, end, fallback) }
    if T.self == [UInt32].self { return try scalars(UInt32.self, reader, offset, end, fallback) }
    if T.self == [UInt].self { return try scalars(UInt.self, reader, offset, end, fallback) }
    if T.self == [Int16].self { return try scalars(Int16.self, reader, offset, end, fallback) }
    if T.self == [UInt16].self { return try scalars(UInt16.self, reader, offset, end, fallback) }
    if T.self == [Int8].self { return try scalars(Int8.self, reader, offset, end, fallback) }
    return try fallback()
}

/// The packed `scalars` value of `S` elements at `offset` as a `T`, which the
/// caller has checked is `[S]`; `fallback()` if the value holds another kind.
@inline(__always)
private func scalars<S: WireScalar, T>(
    _: S.Type, _ reader: WireDecoderState, _ offset: Int, _ end: Int, _ fallback: () throws -> T
) throws -> T {
    guard let array = try readScalars(S.self, reader, offset, end) else { return try fallback() }
    return unsafeBitCast(array, to: T.self)
}

/// Reads a packed `scalars` value of `S` elements; `nil` if it holds another kind.
private func readScalars<S: WireScalar>(
    _: S.Type, _ reader: WireDecoderState, _ offset: Int, _ end: Int
) throws -> [S]? {
    let (kind, start, count) = try reader.scalarsHeader(at: offset, end: end)
    guard kind == S.wireKind else { return nil }
    let source = UnsafeRawBufferPointer(rebasing: reader.bytes[start..<(start + count * MemoryLayout<S>.size)])
    return [S](unsafeUninitializedCapacity: count) { elements, initialized in
        #if _endian(little)
            UnsafeMutableRawBufferPointer(elements).copyMemory(from: source)
        #else
            for index in 0..<count {
                let bits = source.loadUnaligned(fromByteOffset: index * MemoryLayout<S>.size, as: S.Bits.self)
                elements.initializeElement(at: index, to: S(wireBits: S.Bits(littleEndian: bits)))
            }
        #endif
        initialized = count
    }
}
