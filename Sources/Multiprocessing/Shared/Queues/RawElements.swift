/// The element types a process queue ships as their bytes instead of
/// through `Codable`: the standard library's fixed-width numbers and `Bool`,
/// whose memory layout the platform's ABI fixes (so the bytes mean the same
/// in any process of the same architecture, whichever executable it runs),
/// and whose `Codable` conformance encodes exactly that value. Everything
/// else — user structs included — goes through `Codable`, so a hand-written
/// `init(from:)` always runs.
enum RawElements {
    private static let types: [any Any.Type] = [
        Int.self, UInt.self, Int8.self, UInt8.self, Int16.self, UInt16.self,
        Int32.self, UInt32.self, Int64.self, UInt64.self, Float.self, Double.self, Bool.self,
    ]

    /// Whether `T` travels as its bytes.
    @inline(__always)
    static func contains<T>(_ type: T.Type) -> Bool {
        types.contains { $0 == type }
    }
}
