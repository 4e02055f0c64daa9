import Foundation
import Testing
@testable import process_vs_thread

@Suite("process-vs-thread experiments", .timeLimit(.minutes(1)))
struct ExperimentTests {
    @Test func memoryIsolationReportsWhatHappened() throws {
        let outcome = try MemoryIsolation.measure()
        #expect(outcome == MemoryIsolation.Outcome(afterThread: 42, seenByChild: 42, afterChild: 0))
    }

    @Test func startupCostsArePositiveAndPlausible() throws {
        let costs = try StartupCost.measure(repetitions: 5)
        #expect(costs.threadMicroseconds > 0 && costs.threadMicroseconds < 1_000_000)
        #expect(costs.forkMicroseconds > 0 && costs.forkMicroseconds < 1_000_000)
    }

    @Test func medianIsTheMiddleValue() {
        #expect(Stopwatch.median([3, 1, 2]) == 2)
        #expect(Stopwatch.median([4, 1, 3, 2]) == 2.5)
        #expect(Stopwatch.median([7]) == 7)
    }

    @Test func stopwatchMeasuresTheBody() {
        let median = Stopwatch.medianMicroseconds(repetitions: 3) { usleep(2_000) }
        #expect(median >= 2_000 && median < 1_000_000)
    }

    @Test func jsonReportRoundTripsAndNamesEveryField() throws {
        let finding = Finding(id: "x", title: "X", measurements: [Measurement(label: "a", value: 1.5, unit: "µs")], lesson: "l")
        let text = try Report(findings: [finding], settings: DemoSettings(quick: true)).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["findings", "settings", "processors"])
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded.findings.first?.measurements == finding.measurements)
    }
}
