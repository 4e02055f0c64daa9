// Hand-written on purpose: the handshake of Python's multiprocessing.connection
// needs HMAC with two hash functions, SHA-256 and MD5 (the latter only for
// Python 3.11 and older). swift-crypto has both, but on Linux it compiles
// BoringSSL (some 370 C and assembly files) into every program that links
// this library, for two functions of a few dozen lines each. So they are
// written here, from FIPS 180-4 and RFC 1321, and tested against the
// standards' vectors (RFC 4231, RFC 2202, RFC 1321) and against Python's
// `hmac` module on random keys and messages. They are not general-purpose
// cryptography: nothing outside the handshake uses them.

/// A Merkle–Damgård hash function with 64-byte blocks, as HMAC needs it.
protocol HashFunction {
    /// The digest's size in bytes.
    static var digestCount: Int { get }
    /// The algorithm's name in Python's handshake (`{sha256}`, `md5`).
    static var pythonName: String { get }

    init()
    /// Absorbs one 64-byte block.
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The digest of what was absorbed, given the message's total length in bits.
    func digest(messageBitCount: UInt64, lastBlock: UnsafeRawBufferPointer) -> [UInt8]
}

extension HashFunction {
    static var blockCount: Int { 64 }

    /// The digest of the concatenation of `parts`.
    static func hash(_ parts: [UInt8]...) -> [UInt8] {
        var state = Self()
        var pending: [UInt8] = []
        pending.reserveCapacity(blockCount)
        var total: UInt64 = 0
        for part in parts {
            total &+= UInt64(part.count)
            var index = 0
            // Fill a partial block first, then take whole blocks in place.
            if !pending.isEmpty {
                let taken = min(blockCount - pending.count, part.count)
                pending.append(contentsOf: part[..<taken])
                index = taken
                if pending.count == blockCount {
                    pending.withUnsafeBytes { state.compress($0) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            part.withUnsafeBytes { bytes in
                while bytes.count - index >= blockCount {
                    state.compress(UnsafeRawBufferPointer(rebasing: bytes[index ..< index + blockCount]))
                    index += blockCount
                }
            }
            pending.append(contentsOf: part[index...])
        }
        return pending.withUnsafeBytes { state.digest(messageBitCount: total &* 8, lastBlock: $0) }
    }

    /// The final blocks of Merkle–Damgård padding: the message's last bytes,
    /// 0x80, zeros, and the 64-bit bit count (big-endian for SHA-2,
    /// little-endian for MD5), absorbed into a copy of `self`.
    func padded(_ last: UnsafeRawBufferPointer, bitCount: UInt64, bigEndianLength: Bool) -> Self {
        var state = self
        var tail = [UInt8](last)
        tail.append(0x80)
        while tail.count % Self.blockCount != Self.blockCount - 8 { tail.append(0) }
        let length = bigEndianLength ? bitCount.bigEndian : bitCount.littleEndian
        withUnsafeBytes(of: length) { tail.append(contentsOf: $0) }
        tail.withUnsafeBytes { bytes in
            for start in stride(from: 0, to: bytes.count, by: Self.blockCount) {
                state.compress(UnsafeRawBufferPointer(rebasing: bytes[start ..< start + Self.blockCount]))
            }
        }
        return state
    }
}

/// HMAC (RFC 2104) over a ``HashFunction``.
enum HMAC<Hash: HashFunction> {
    /// The message authentication code of `message` under `key`.
    static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        var block = key.count > Hash.blockCount ? Hash.hash(key) : key
        block += [UInt8](repeating: 0, count: Hash.blockCount - block.count)
        let inner = Hash.hash(block.map { $0 ^ 0x36 }, message)
        return Hash.hash(block.map { $0 ^ 0x5C }, inner)
    }
}

/// Compares two byte strings in time that depends only on their lengths, so a
/// peer cannot learn a correct prefix of a code from how long a refusal takes.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
