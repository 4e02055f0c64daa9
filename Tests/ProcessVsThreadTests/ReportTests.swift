import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Multiprocessing
import Testing
@testable import process_vs_thread

// The `--json` schema (version 1), as documented in Report.swift:
//   top level:      schemaVersion: Int, processors: Int, settings: {quick: Bool}, findings: [Finding]
//   a finding:      id: String, title: String, measurements: [Measurement], lesson: String
//   a measurement:  label: String, value: Number, unit: String
private let topLevelKeys: Set<String> = ["schemaVersion", "processors", "settings", "findings"]
private let findingKeys: Set<String> = ["id", "title", "measurements", "lesson"]
private let measurementKeys: Set<String> = ["label", "value", "unit"]

/// Checks a `--json` document against the schema; returns its findings.
private func checkSchema(_ text: String) throws -> [[String: Any]] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(Set(object.keys) == topLevelKeys)
    #expect(object["schemaVersion"] as? Int == Report.schemaVersion)
    #expect((object["processors"] as? Int).map { $0 >= 1 } == true)
    let settings = try #require(object["settings"] as? [String: Any])
    #expect(Set(settings.keys) == ["quick"])
    #expect(settings["quick"] is Bool)
    let findings = try #require(object["findings"] as? [[String: Any]])
    for finding in findings {
        #expect(Set(finding.keys) == findingKeys)
        #expect(finding["id"] is String && finding["title"] is String && finding["lesson"] is String)
        let measurements = try #require(finding["measurements"] as? [[String: Any]])
        #expect(!measurements.isEmpty)
        for measurement in measurements {
            #expect(Set(measurement.keys) == measurementKeys)
            #expect(measurement["label"] is String && measurement["unit"] is String)
            #expect((measurement["value"] as? NSNumber).map { $0.doubleValue.isFinite } == true)
        }
    }
    return findings
}

/// Parses an SVG document with Foundation's XMLParser; returns the number of
/// bars (a `rect` with a `title`) and all the text it shows.
private func parseChart(_ svg: String) throws -> (bars: Int, texts: [String]) {
    final class Collector: NSObject, XMLParserDelegate {
        var bars = 0, texts: [String] = [], inRect = false, inText = false, current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            if name == "rect" { inRect = true }
            if name == "title" && inRect { bars += 1 }
            if name == "text" { inText = true; current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "rect" { inRect = false }
            if name == "text" { inText = false; texts.append(current) }
        }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else { throw DemoError.wrongAnswer("the SVG is not well-formed: \(parser.parserError.map(String.init(describing:)) ?? "?")") }
    return (collector.bars, collector.texts)
}

private let sampleReport = Report(findings: [
    Finding(id: "a", title: "Tricky <title> & \"quotes\"", measurements: [
        Measurement(label: "serial", value: 1.5, unit: "s"),
        Measurement(label: "x < y", value: 0, unit: "s"),
        Measurement(label: "ratio", value: 2, unit: "×"),
    ], lesson: String(repeating: "a long lesson ", count: 30)),
    Finding(id: "b", title: "B", measurements: [Measurement(label: "only", value: 42, unit: "")], lesson: "short"),
], settings: DemoSettings(quick: true))

extension DemoTests {
    @Suite("report, JSON and chart", .timeLimit(.minutes(1)))
    struct ReportTests {
        @Test func jsonFollowsTheSchemaAndRoundTrips() throws {
            let text = try sampleReport.json()
            let findings = try checkSchema(text)
            #expect(findings.map { $0["id"] as? String } == ["a", "b"])
            let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
            #expect(decoded.findings == sampleReport.findings)
            #expect(decoded.settings == sampleReport.settings)
        }

        @Test func chartIsWellFormedWithOneBarPerMeasurement() throws {
            let (bars, texts) = try parseChart(BarChart(report: sampleReport).svg())
            #expect(bars == 4)
            #expect(texts.contains("Tricky <title> & \"quotes\""))
            #expect(texts.contains("x < y"))
            #expect(texts.contains("42 "))
            #expect(texts.filter { $0.contains("a long lesson") }.count > 1)  // wrapped
        }

        @Test func wrapKeepsEveryWordWithinTheWidth() {
            let chart = BarChart(report: sampleReport)
            let lines = chart.wrap("one two three four five six", width: 9)
            #expect(lines == ["one two", "three", "four five", "six"])
            #expect(chart.escape("<a & 'b'>") == "&lt;a &amp; &apos;b&apos;&gt;")
        }

        /// The real command, end to end: a quick run of every experiment in a
        /// freshly spawned process, its JSON checked against the schema and its chart parsed.
        @Test func aQuickRunPrintsSchemaValidJSONAndDrawsEveryBar() throws {
            let chartPath = temporaryPath("chart.svg")
            defer { unlink(chartPath) }
            let output = try inFreshProcess(RunDemo(["--quick", "--json", "--chart", chartPath]))
            let findings = try checkSchema(output)
            #expect(findings.compactMap { $0["id"] as? String } == Experiment.all.map(\.id))
            let measurements = findings.reduce(0) { $0 + (($1["measurements"] as? [Any])?.count ?? 0) }
            let (bars, _) = try parseChart(try String(contentsOfFile: chartPath, encoding: .utf8))
            #expect(bars == measurements)
            let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
            let isolation = try #require(report.findings.first { $0.id == "memory-isolation" })
            #expect(isolation.measurements.map(\.value) == [42, 42, 0])
        }

        @Test func unknownExperimentIdsAreRejected() {
            #expect(throws: (any Error).self) { try ProcessVsThread.parse(["--only", "nonsense"]) }
            #expect(Set(Experiment.all.map(\.id)).count == Experiment.all.count)
        }
    }
}

extension DemoTests {
    @Suite("lessons quote the measurements", .timeLimit(.minutes(1)))
    struct LessonTests {
        @Test func numbersAreFormattedExactly() {
            #expect(Wording.fixed(1.005, decimals: 1) == "1.0")
            #expect(Wording.fixed(2.25, decimals: 2) == "2.25")
            #expect(Wording.fixed(-0.5, decimals: 1) == "-0.5")
            #expect(Wording.fixed(0.04, decimals: 0) == "0")
            #expect(Wording.ratio(1.934) == "1.93×")
            #expect(Wording.microseconds(35.2) == "35 µs")
            #expect(Wording.microseconds(1_400) == "1.40 ms")
            #expect(Wording.kibibytes(2_048) == "2.0 MiB")
            #expect(Wording.number(42) == "42")
            #expect(Wording.number(0.125) == "0.13")
        }

        @Test func cpuLessonFollowsTheMeasuredSpeedups() {
            let good = CPUSpeedup.Timings(serialSeconds: 2, threadPoolSeconds: 1.04, processPoolSeconds: 1.0,
                                          serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            let lesson = CPUSpeedup.lesson(good, workers: 2, loadAverage: 0.5)
            #expect(lesson.contains("1.92×") && lesson.contains("2.00×") && lesson.contains("about the same"))
            let busy = CPUSpeedup.Timings(serialSeconds: 1, threadPoolSeconds: 0.95, processPoolSeconds: 0.97,
                                          serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            #expect(CPUSpeedup.lesson(busy, workers: 2, loadAverage: 3.5).contains("load average 3.5"))
            let threadsWin = CPUSpeedup.Timings(serialSeconds: 2, threadPoolSeconds: 1, processPoolSeconds: 1.3,
                                                serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            #expect(CPUSpeedup.lesson(threadsWin, workers: 2, loadAverage: nil).contains("threads won"))
        }

        @Test func crashLessonQuotesTheStatusAndTheError() {
            let lesson = CrashIsolation.lesson(
                threads: .init(status: .signaled(SIGILL), delivered: 1, jobs: 6),
                processes: .init(delivered: 5, failures: ["worker 7 was killed"], crashSignal: SIGILL, jobs: 6))
            #expect(lesson.contains("signal \(SIGILL), SIGILL") && lesson.contains("5 of 6 outputs were lost"))
            #expect(lesson.contains("\"worker 7 was killed\"") && lesson.contains("5 of 6 returned"))
        }

        @Test func communicationLessonFollowsTheRatio() {
            #expect(CommunicationCost.lesson(connection: 100, queue: 10, coding: 5).contains("10.0×"))
            #expect(CommunicationCost.lesson(connection: 30, queue: 40, coding: 5).contains("waking the other side"))
        }

        @Test func footprintFindingHasABarPerNumberAndQuotesThem() {
            let finding = MemoryFootprint.finding(
                thread: .init(residentKiB: 10, virtualKiB: 8_192),
                forked: ProcessMemory(residentKiB: 9_000, proportionalKiB: 2_000, virtualKiB: 100_000),
                workers: [ProcessMemory(residentKiB: 20_480, proportionalKiB: 4_096, virtualKiB: 200_000)])
            #expect(finding.measurements.count == 6)
            #expect(finding.lesson.contains("10 KiB") && finding.lesson.contains("20.0 MiB") && finding.lesson.contains("410×"))
        }
    }
}
