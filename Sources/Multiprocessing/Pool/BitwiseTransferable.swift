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

/// A type whose values travel to and from worker processes as their bytes,
/// without calling its `Codable` conformance.
///
/// ``ProcessPool`` sends every job, output and error through its `Codable`
/// conformance, so a hand-written `init(from:)` that validates, normalizes or
/// translates a value (a descriptor number, a process-local identifier)
/// always runs in the receiving process. Conform a type to
/// `BitwiseTransferable` to skip that: a batch of its values is then copied
/// as one block of memory, and the worker (the same executable, so the same
/// layout) gets exactly the bytes the caller had, as a ``ThreadPool`` thread
/// would. For a small struct that saves most of the cost of a job.
///
/// ```swift
/// struct Step: Job, BitwiseTransferable {
///     var x: Double
///     var y: Double
///     func run() -> Double { (x * x + y * y).squareRoot() }
/// }
/// ```
///
/// Conform only types whose stored properties are all plain values:
/// numbers, `Bool`s, and tuples, structs and enums made of them. The
/// compiler checks that the type is `BitwiseCopyable` (no references, no
/// strings or arrays); it cannot check the rest, which is yours to promise:
///
/// - No pointers or process-local numbers (addresses, descriptors, thread
///   identifiers): their bytes mean something else in another process.
/// - No meaning in `encode(to:)` or `init(from:)`: they are not called, for
///   jobs nor outputs, so neither can check, change or refuse a value.
///
/// The receiver checks that the type is `BitwiseTransferable` and trivial
/// (`_isPOD`) and that the byte count is a whole number of values before it
/// copies anything; a batch that fails these checks fails its task with a
/// typed decoding error, never a wrong value.
///
/// ## The standard library's numbers
///
/// Outputs (and jobs) of type `Int`, `Int8` through `Int64`, `UInt`,
/// `UInt8` through `UInt64`, `Float`, `Double` and `Bool` travel as their
/// bytes too, without conforming. That gives the same result as their
/// `Codable` conformance, which is the standard library's own — a program
/// cannot replace it: a second conformance does not compile — and encodes
/// the value as a single number that the package's coder stores exactly
/// (integers in full, floating-point numbers as their bit pattern, `NaN`
/// payloads included) and reads back unchanged. The decoded value is
/// therefore the sent value bit for bit, which is what copying its bytes
/// gives. No other type is treated this way: the package has no means to
/// tell a synthesized conformance from a hand-written one, so a struct of
/// numbers without this protocol travels through its `Codable` code.
public protocol BitwiseTransferable: BitwiseCopyable {}
