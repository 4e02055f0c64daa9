/// Values of one trivial type a stride apart in aligned memory: the bytes
/// form's values while a batch is written or read. (A frame's bytes carry no
/// alignment, and appending a value's bytes to an array one by one costs
/// hundreds of instructions a value, callgrind.)
final class AlignedValues {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private let stride: Int
    private let alignment: Int
    /// The bytes of the values, padding included (zeroed).
    private(set) var byteCount = 0

    /// Room for values of `T`, initially none.
    init<T>(of _: T.Type) {
        (stride, alignment) = (MemoryLayout<T>.stride, max(16, MemoryLayout<T>.alignment))
        capacity = 0
        base = UnsafeMutableRawPointer.allocate(byteCount: 0, alignment: alignment)
    }

    /// A copy of the values of `T` in `bytes`.
    init<T>(of _: T.Type, copying bytes: UnsafeRawBufferPointer) {
        (stride, alignment) = (MemoryLayout<T>.stride, max(16, MemoryLayout<T>.alignment))
        capacity = bytes.count
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: alignment)
        if let source = bytes.baseAddress { base.copyMemory(from: source, byteCount: bytes.count) }
        byteCount = bytes.count
    }

    deinit {
        base.deallocate()
    }

    /// The values' bytes.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: byteCount)
    }

    /// The values, as `T`s.
    func buffer<T>(of _: T.Type) -> UnsafeBufferPointer<T> {
        UnsafeBufferPointer(start: base.assumingMemoryBound(to: T.self), count: byteCount / stride)
    }

    /// Appends `value`, a `T` of a trivial type.
    func append<T>(_ value: T) {
        if byteCount + stride > capacity { grow() }
        (base + byteCount).bindMemory(to: T.self, capacity: 1).initialize(to: value)
        byteCount += stride
    }

    /// The value at `index`, a `T` of a trivial type.
    func value<T>(at index: Int, as _: T.Type) -> T {
        (base + index * stride).assumingMemoryBound(to: T.self).pointee
    }

    private func grow() {
        let newCapacity = max(capacity * 2, stride * 64)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: alignment)
        newBase.copyMemory(from: base, byteCount: byteCount)
        (newBase + byteCount).initializeMemory(as: UInt8.self, repeating: 0, count: newCapacity - byteCount)
        base.deallocate()
        (base, capacity) = (newBase, newCapacity)
    }
}
