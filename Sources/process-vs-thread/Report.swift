import Foundation
import Multiprocessing

/// One measured quantity, such as "thread start + join: 35 µs".
struct Measurement: Codable, Sendable, Equatable {
    var label: String
    var value: Double
    var unit: String
}

/// What one experiment measured and what it teaches.
struct Finding: Codable, Sendable {
    var id: String
    var title: String
    var measurements: [Measurement]
    var lesson: String
}

/// The whole run, as printed by `--json`.
struct Report: Codable, Sendable {
    var findings: [Finding]
    var settings: DemoSettings
    var processors = AvailableProcessors.count

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Prints each experiment's title as it starts and its results as it ends,
/// so a person sees progress during the run.
struct Progress {
    var enabled: Bool

    func starting(_ title: String) {
        guard enabled else { return }
        print("\n▶ \(title)…")
    }

    func finished(_ finding: Finding) {
        guard enabled else { return }
        let width = finding.measurements.map(\.label.count).max() ?? 0
        for measurement in finding.measurements {
            let label = measurement.label.padding(toLength: width, withPad: " ", startingAt: 0)
            print("   \(label)  \(format(measurement.value)) \(measurement.unit)")
        }
        print("   → \(finding.lesson)")
    }

    private func format(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        return String(format: value < 10 ? "%.2f" : "%.1f", value)
    }
}
