// Decoding one value from its byte range: primitives directly, everything else
// through its `init(from:)` with a `WireDecoder`.

extension WireDecoderState {
    /// The error for a value of the wrong type, or for `nil` where a value is needed.
    func mismatch<T>(_ type: T.Type, found tag: WireTag, _ suffix: [any CodingKey], _ key: (any CodingKey)?) -> DecodingError {
        let path = path(suffix, key)
        if tag == .null {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found nil instead."))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(tag.noun) instead."))
    }

    /// Whether the value at `offset` is `nil`.
    @inline(__always)
    func isNil(at offset: Int, end: Int) -> Bool {
        offset < end && end <= bytes.count && bytes[offset] == WireTag.null.rawValue
    }

    func decodeBool(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?) throws -> Bool {
        let tag = try tag(at: offset, end: end)
        switch tag {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, found: tag, suffix, key)
        }
    }

    func decodeInteger<T: FixedWidthInteger>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?
    ) throws -> T {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        let result: T?
        let found: String
        switch tag {
        case .int:
            let value = try readZigzag(at: &cursor, end: end)
            (result, found) = (T(exactly: value), "\(value)")
        case .uint:
            let value = try readVarint(at: &cursor, end: end)
            (result, found) = (T(exactly: value), "\(value)")
        case .int128:
            let value = try readLittleEndian(Int128.self, at: &cursor, end: end)
            (result, found) = (T(exactly: value), "\(value)")
        case .uint128:
            let value = try readLittleEndian(UInt128.self, at: &cursor, end: end)
            (result, found) = (T(exactly: value), "\(value)")
        default:
            throw mismatch(T.self, found: tag, suffix, key)
        }
        guard let result else {
            throw corrupt("The number \(found) does not fit in \(T.self).", suffix, key)
        }
        return result
    }

    func decodeDouble(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?) throws -> Double {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .float64: return Double(bitPattern: try readLittleEndian(UInt64.self, at: &cursor, end: end))
        case .float32: return Double(Float(bitPattern: try readLittleEndian(UInt32.self, at: &cursor, end: end)))
        default: throw mismatch(Double.self, found: tag, suffix, key)
        }
    }

    func decodeFloat(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?) throws -> Float {
        let tag = try tag(at: offset, end: end)
        var cursor = offset + 1
        switch tag {
        case .float32:
            return Float(bitPattern: try readLittleEndian(UInt32.self, at: &cursor, end: end))
        case .float64:
            let double = Double(bitPattern: try readLittleEndian(UInt64.self, at: &cursor, end: end))
            let float = Float(double)
            guard double.isNaN || Double(float) == double else {
                throw corrupt("The number \(double) does not fit in Float.", suffix, key)
            }
            return float
        default:
            throw mismatch(Float.self, found: tag, suffix, key)
        }
    }

    func decodeString(at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?) throws -> String {
        let tag = try tag(at: offset, end: end)
        guard tag == .string else { throw mismatch(String.self, found: tag, suffix, key) }
        var cursor = offset + 1
        let range = try readVarintPrefixedRange(at: &cursor, end: end)
        let utf8 = UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self)
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw corrupt("A string at byte \(offset) is not valid UTF-8.", suffix, key)
        }
        return string
    }

    /// Decodes a nested value of any type, one level deeper.
    @inline(__always)
    func decodeValue<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, _ suffix: [any CodingKey], _ key: (any CodingKey)?
    ) throws -> T {
        if let fast = try wireDecodeFastPath(T.self, from: self, at: offset, end: end) { return fast }
        guard keyHints.count < WireFormat.maximumDepth else {
            throw corrupt("Values nest more than \(WireFormat.maximumDepth) levels deep.", suffix, key)
        }
        let pathCount = codingPath.count
        if !suffix.isEmpty { codingPath.append(contentsOf: suffix) }
        if let key { codingPath.append(key) }
        keyHints.append((-1, 0))
        defer {
            keyHints.removeLast()
            codingPath.removeLast(codingPath.count - pathCount)
        }
        return try T(from: WireDecoder(state: self, offset: offset, end: end))
    }
}
