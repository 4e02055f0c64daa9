/// One question the demo answers by measuring.
struct Experiment: Sendable {
    var title: String
    var run: @Sendable (DemoSettings) throws -> Finding

    /// Every experiment, in the order shown. Experiments that fork come
    /// before any that leave helper threads running, so forking stays safe.
    static let all: [Experiment] = [
        .memoryIsolation,
        .startupCost,
    ]
}
