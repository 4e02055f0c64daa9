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

// Many values of one message: what a process pool sends as a batch of jobs or
// outputs.
//
//     sequence = 0xB1 value*
//
// The values follow one another without separators: each one's framing says
// where it ends. One encoder or decoder state serves the whole sequence, so a
// value pays neither for taking and giving back a state nor for making its
// keyed containers (the state's kept ones serve value after value, see
// WireContainerReuse.swift); and each value is its own unit of failure: one
// that cannot be encoded leaves nothing behind, one that cannot be decoded
// does not stop the reader from reaching the next.

extension BinaryEncoder {
    /// Appends a sequence to `buffer`: the header byte, then what `body` appends
    /// through the writer it is given (which is valid only during the call).
    ///
    /// - Throws: What `body` throws; `buffer` then keeps what was appended
    ///   before the error.
    package func encodeSequence<R>(
        appendingTo buffer: inout [UInt8], _ body: (WireSequenceWriter) throws -> R
    ) rethrows -> R {
        var state = WireStateCache.encoderState()
        if !userInfo.isEmpty { state.userInfo = userInfo.mapValues { $0 } }
        defer {
            state.detachContainers()
            buffer.append(contentsOf: state.buffer.bytes)
            WireStateCache.recycle(&state)
        }
        state.buffer.append(WireFormat.header)
        let values = WireSequenceValueEncoder.Session(state: state)
        defer { values.finish() }
        return try body(WireSequenceWriter(values: values))
    }
}

/// Appends the values of a sequence (see ``BinaryEncoder/encodeSequence(appendingTo:_:)``).
package struct WireSequenceWriter {
    fileprivate let values: WireSequenceValueEncoder.Session

    /// Appends `value`. If its encoding fails, nothing of it stays in the
    /// buffer and the writer takes more values as if it had not been given.
    ///
    /// - Throws: The errors of ``BinaryEncoder/encode(_:)``.
    @inline(__always)
    package func append<T: Encodable>(_ value: T) throws {
        let state = values.state
        let start = state.buffer.count
        do {
            try state.encodeSequenceValue(value, through: values.encoder)
            try state.throwDeferredFailure()
        } catch {
            state.rollBack(to: start)
            throw error
        }
    }
}

extension BinaryDecoder {
    /// Reads the sequence of `count` values that fills `bytes` exactly, through
    /// the reader `body` is given (which is valid only during the call).
    ///
    /// The framing of all `count` values is checked before `body` runs, so
    /// a sequence cut short or followed by other bytes is refused as a whole;
    /// after that, a value that cannot be decoded throws from
    /// ``WireSequenceReader/next(_:)`` and the reader goes on with the next one.
    ///
    /// - Throws: `DecodingError.dataCorrupted` if `bytes` is not a sequence of
    ///   `count` values; what `body` throws.
    package func decodeSequence<R>(
        _ count: Int, from bytes: UnsafeRawBufferPointer, _ body: (inout WireSequenceReader) throws -> R
    ) throws -> R {
        var state = WireStateCache.decoderState()
        defer {
            state.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            state.detachContainers()
            _ = state.anchor.nextValue()  // a decoder kept from the last value must not read the next message
            WireStateCache.recycle(&state)
        }
        state.bytes = bytes
        if !userInfo.isEmpty { state.userInfo = userInfo.mapValues { $0 } }
        try state.checkSequence(of: count)
        var reader = WireSequenceReader(state: state, remaining: count)
        return try body(&reader)
    }
}

/// Reads the values of a sequence (see ``BinaryDecoder/decodeSequence(_:from:_:)``).
package struct WireSequenceReader {
    fileprivate let state: WireDecoderState
    /// How many values are left to read.
    package private(set) var remaining: Int
    private var cursor = 1

    fileprivate init(state: WireDecoderState, remaining: Int) {
        self.state = state
        self.remaining = remaining
    }

    /// Reads the next value; there must be one (`remaining > 0`).
    ///
    /// - Throws: The errors of ``BinaryDecoder/decode(_:from:)``; the reader
    ///   has then moved past that value.
    @inline(__always)
    package mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
        precondition(remaining > 0, "no value left in the sequence")
        let start = cursor
        let end = try state.skipValue(at: start, end: state.bytes.count)
        (cursor, remaining) = (end, remaining - 1)
        return try state.decodeSequenceValue(type, at: start, end: end)
    }
}

extension WireDecoderState {
    /// Checks that `bytes` hold the header and the framing of `count` values, and nothing else.
    fileprivate func checkSequence(of count: Int) throws {
        guard bytes.first == WireFormat.header else {
            throw corrupt("A sequence of values does not start with the header byte 0xb1.")
        }
        var cursor = 1
        for _ in 0..<count {
            cursor = try skipValue(at: cursor, end: bytes.count)
        }
        guard cursor == bytes.count else {
            throw corrupt("\(bytes.count - cursor) bytes follow the \(count) values of a sequence.")
        }
    }
}
