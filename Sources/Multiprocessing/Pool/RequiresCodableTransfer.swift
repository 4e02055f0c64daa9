/// A type whose values always travel to and from worker processes through its
/// `Codable` conformance.
///
/// ``ProcessPool`` copies *plain values* -- structs and tuples made only of
/// integers, floating-point numbers and `Bool`s -- as their bytes instead of
/// encoding them: a worker runs the same executable, so it receives exactly
/// the value that was sent, as a ``ThreadPool`` thread would. Such a type's
/// `encode(to:)` and `init(from:)` are then not called (when both always
/// succeed and give back the value they were given, nothing else differs).
/// Conform a plain type to this protocol when its coding must run anyway:
/// because it validates, normalizes, or fails for some values.
///
/// ```swift
/// struct Percentage: Job, RequiresCodableTransfer {
///     var value: Double
///     init(from decoder: any Decoder) throws { ... } // rejects values above 100
///     func run() -> Double { value / 100 }
/// }
/// ```
public protocol RequiresCodableTransfer {}
