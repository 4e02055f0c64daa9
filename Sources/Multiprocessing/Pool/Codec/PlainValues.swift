internal import Threading

// Plain values -- structs and tuples made only of integers, floating-point
// numbers and Bools -- travel between a pool and its workers as their bytes.
// Both sides are the same executable, so a type has the same layout on both,
// and copying the bytes hands the receiver exactly the value the sender had,
// as a ThreadPool would. This spares the Codable round trip: about 0.4 µs for
// a one-field struct, most of it in the standard library's keyed-container
// boxes, which no coder can avoid -- more than pickle spends on a whole job in
// Python's `Pool.map`.
//
// A type qualifies only if all of this holds (checked once per type):
// - it does not conform to `RequiresCodableTransfer`, nor does any part of it;
// - it is trivial (`_isPOD`): no references, nothing to retain or release;
// - `Mirror` shows structs and tuples down to the leaf types below only, with
//   no custom mirror and no padding (the leaves fill `MemoryLayout.size`): so
//   no pointers, which would not mean the same in another process;
// - a sample value survives its own Codable round trip bit for bit, so a type
//   whose encoding or decoding throws, or changes the value, keeps Codable.
// The sender decides and marks the batch (see `ValueBatch`); the receiver
// checks that the type is trivial and that the byte count fits.

/// Decides whether values of a type may travel as their bytes.
enum PlainValues {
    /// Whether values of `T` may travel as their bytes; `sample` is one of them.
    static func qualify<T: Codable>(_ sample: T) -> Bool {
        guard _isPOD(T.self), leafBytes(of: sample) == MemoryLayout<T>.size else { return false }
        return roundTripsExactly(sample)
    }

    private static let leaves: [(type: any Any.Type, size: Int)] = [
        (Bool.self, 1), (Int8.self, 1), (UInt8.self, 1), (Int16.self, 2), (UInt16.self, 2),
        (Int32.self, 4), (UInt32.self, 4), (Int64.self, 8), (UInt64.self, 8),
        (Int.self, MemoryLayout<Int>.size), (UInt.self, MemoryLayout<UInt>.size),
        (Float.self, 4), (Double.self, 8),
    ]

    /// How many bytes the leaves of `value` fill, or `nil` if a part of it is
    /// not plain.
    private static func leafBytes(of value: Any) -> Int? {
        let type = type(of: value)
        if let leaf = leaves.first(where: { $0.type == type }) { return leaf.size }
        if value is any RequiresCodableTransfer || value is any CustomReflectable { return nil }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct || mirror.displayStyle == .tuple else { return nil }
        var total = 0
        for child in mirror.children {
            guard let size = leafBytes(of: child.value) else { return nil }
            total += size
        }
        return total
    }

    private static func roundTripsExactly<T: Codable>(_ sample: T) -> Bool {
        do {
            var encoded: [UInt8] = []
            try MessageCoding.encode(sample, appendingTo: &encoded)
            let decoded = try encoded.withUnsafeBytes { try MessageCoding.decode(T.self, from: $0) }
            return withUnsafeBytes(of: sample) { original in
                withUnsafeBytes(of: decoded) { original.elementsEqual($0) }
            }
        } catch {
            return false
        }
    }
}

/// The types already judged by ``PlainValues/qualify(_:)``: judging takes a
/// few microseconds, once per type.
struct PlainValueTypes {
    private var verdicts: [ObjectIdentifier: Bool] = [:]

    /// Whether values of `T` may travel as their bytes; `sample` is one of them.
    mutating func qualify<T: Codable>(_ sample: T) -> Bool {
        let key = ObjectIdentifier(T.self)
        if let verdict = verdicts[key] { return verdict }
        let verdict = PlainValues.qualify(sample)
        verdicts[key] = verdict
        return verdict
    }

    /// The verdicts of a pool's own process, shared by its callers' threads.
    /// (A worker keeps its own: it never takes a lock another thread of the
    /// parent could have held when a `.fork` worker was created.)
    private static let shared = LockedState(PlainValueTypes())

    /// ``qualify(_:)`` with the process-wide verdicts, judging outside the lock.
    static func qualifyShared<T: Codable>(_ sample: T) -> Bool {
        let key = ObjectIdentifier(T.self)
        if let verdict = shared.withLock({ $0.verdicts[key] }) { return verdict }
        let verdict = PlainValues.qualify(sample)
        shared.withLock { $0.verdicts[key] = verdict }
        return verdict
    }
}
