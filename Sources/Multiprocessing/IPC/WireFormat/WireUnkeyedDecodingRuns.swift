// Reading the elements of a run (a byte run, or a `bytes` or `scalars` value read
// as an unkeyed container) one at a time.

extension WireUnkeyedDecodingContainer {
    /// Whether the next element starts a byte run.
    var atByteRun: Bool {
        runRemaining == 0 && cursor < end && end <= state.bytes.count
            && state.bytes[cursor] == WireTag.byteRun.rawValue
    }

    /// Enters the byte run at the cursor, if there is one and no run is current.
    private mutating func enterByteRun() throws {
        guard atByteRun else { return }
        var runStart = cursor + 1
        let run = try state.readU32PrefixedRange(at: &runStart, end: end)
        guard !run.isEmpty else { throw state.corrupt("An empty byte run at byte \(cursor).", suffix, indexKey) }
        (cursor, runRemaining, runKind) = (run.lowerBound, run.count, 0)
    }

    /// Loads the raw bits of the next run element and moves past it.
    private mutating func takeRunElement<Bits: FixedWidthInteger>(_: Bits.Type) throws -> Bits {
        guard end <= state.bytes.count, end - cursor >= MemoryLayout<Bits>.size else {
            throw state.corrupt("A decoding container was used after decoding finished.", suffix, indexKey)
        }
        let bits = Bits(littleEndian: state.bytes.loadUnaligned(fromByteOffset: cursor, as: Bits.self))
        runRemaining -= 1
        advance(to: cursor + MemoryLayout<Bits>.size)
        return bits
    }

    /// The next run element as `T`, or `nil` when no run is current.
    mutating func runInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T? {
        try enterByteRun()
        guard runRemaining > 0 else { return nil }
        let value: T? = switch runKind {
        case 0: T(exactly: try takeRunElement(UInt8.self))
        case 1: T(exactly: Int8(truncatingIfNeeded: try takeRunElement(UInt8.self)))
        case 2: T(exactly: Int16(truncatingIfNeeded: try takeRunElement(UInt16.self)))
        case 3: T(exactly: Int32(truncatingIfNeeded: try takeRunElement(UInt32.self)))
        case 4: T(exactly: Int64(truncatingIfNeeded: try takeRunElement(UInt64.self)))
        case 5: T(exactly: try takeRunElement(UInt16.self))
        case 6: T(exactly: try takeRunElement(UInt32.self))
        case 7: T(exactly: try takeRunElement(UInt64.self))
        default: throw state.mismatch(type, found: .float64, suffix, indexKey)
        }
        guard let value else {
            throw state.corrupt("An element of a packed array does not fit in \(T.self).", suffix, WireIndexKey(intValue: currentIndex - 1))
        }
        return value
    }

    /// The next run element as a floating-point `T`, or `nil` when no run is current.
    mutating func runFloat<T: BinaryFloatingPoint>(_ type: T.Type) throws -> T? {
        try enterByteRun()
        guard runRemaining > 0 else { return nil }
        switch runKind {
        case 8: return T(Float(bitPattern: try takeRunElement(UInt32.self)))
        case 9 where T.self == Double.self: return T(Double(bitPattern: try takeRunElement(UInt64.self)))
        case 9: throw state.mismatch(type, found: .float64, suffix, indexKey)
        default: throw state.mismatch(type, found: .int, suffix, indexKey)
        }
    }

    /// The next run element decoded through the generic `decode`; a type other
    /// than a number is a type mismatch.
    @inline(never)
    mutating func runElement<T>(_ type: T.Type) throws -> T {
        func cast<N>(_ value: N?) throws -> T {
            guard let value else { throw state.mismatch(type, found: .byteRun, suffix, indexKey) }
            return unsafeBitCast(value, to: T.self)
        }
        if T.self == UInt8.self { return try cast(try runInteger(UInt8.self)) }
        if T.self == Int.self { return try cast(try runInteger(Int.self)) }
        if T.self == Double.self { return try cast(try runFloat(Double.self)) }
        if T.self == Float.self { return try cast(try runFloat(Float.self)) }
        if T.self == Int8.self { return try cast(try runInteger(Int8.self)) }
        if T.self == Int16.self { return try cast(try runInteger(Int16.self)) }
        if T.self == Int32.self { return try cast(try runInteger(Int32.self)) }
        if T.self == Int64.self { return try cast(try runInteger(Int64.self)) }
        if T.self == UInt.self { return try cast(try runInteger(UInt.self)) }
        if T.self == UInt16.self { return try cast(try runInteger(UInt16.self)) }
        if T.self == UInt32.self { return try cast(try runInteger(UInt32.self)) }
        if T.self == UInt64.self { return try cast(try runInteger(UInt64.self)) }
        throw state.mismatch(type, found: runRemaining > 0 && runKind != 0 ? .scalars : .byteRun, suffix, indexKey)
    }
}
