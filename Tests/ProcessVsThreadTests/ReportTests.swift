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

import Foundation
import Multiprocessing
import Testing

@testable import process_vs_thread

#if canImport(FoundationXML)
    import FoundationXML
#endif

// The `--json` schema (version 2), as documented in Report.swift:
//   top level:      schemaVersion: Int, processors: Int, settings: {quick: Bool}, findings: [Finding]
//   a finding:      id: String, title: String, measurements: [Measurement], lesson: String
//   a measurement:  label: String, value: Number, unit: String, quantity: String
private let topLevelKeys: Set<String> = ["schemaVersion", "processors", "settings", "findings"]
private let findingKeys: Set<String> = ["id", "title", "measurements", "lesson"]
private let measurementKeys: Set<String> = ["label", "value", "unit", "quantity"]

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
            #expect(
                measurement["label"] is String && measurement["unit"] is String && measurement["quantity"] is String)
            #expect((measurement["value"] as? NSNumber).map { $0.doubleValue.isFinite } == true)
        }
    }
    return findings
}

/// What a chart shows: its bars (a `rect` with a `title`), all its text,
/// and its axes (a `g` of class `axis`): each axis's quantity and unit, and
/// the unit each of its bars' titles names.
private struct ChartContents {
    struct Axis {
        var quantity: String
        var unit: String
        var barUnits: [String] = []
    }
    var bars = 0
    var texts: [String] = []
    var axes: [Axis] = []
}

/// Parses an SVG document with Foundation's XMLParser.
private func parseChart(_ svg: String) throws -> ChartContents {
    final class Collector: NSObject, XMLParserDelegate {
        var contents = ChartContents()
        var inRect = false, inText = false, inTitle = false, inAxis = false, current = ""
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String]
        ) {
            if name == "g" && attributes["class"] == "axis" {
                contents.axes.append(
                    .init(quantity: attributes["data-quantity"] ?? "?", unit: attributes["data-unit"] ?? "?"))
                inAxis = true
            }
            if name == "rect" { inRect = true }
            if name == "title" && inRect {
                contents.bars += 1
                inTitle = true
                current = ""
            }
            if name == "text" {
                inText = true
                current = ""
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText || inTitle { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "g" { inAxis = false }
            if name == "rect" { inRect = false }
            if name == "title" && inTitle {
                inTitle = false
                // "label: value unit": the unit is what follows the value.
                let afterColon = current.split(separator: ":").last.map(String.init) ?? ""
                let unit = afterColon.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                if inAxis, !contents.axes.isEmpty { contents.axes[contents.axes.count - 1].barUnits.append(unit) }
            }
            if name == "text" {
                inText = false
                contents.texts.append(current)
            }
        }
    }
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else {
        throw DemoError.wrongAnswer(
            "the SVG is not well-formed: \(parser.parserError.map(String.init(describing:)) ?? "?")")
    }
    return collector.contents
}

/// Every bar lies on an axis, and every bar of an axis has the axis's unit.
private func checkOneUnitPerAxis(_ chart: ChartContents) {
    #expect(chart.axes.reduce(0) { $0 + $1.barUnits.count } == chart.bars, "every bar lies on an axis")
    for axis in chart.axes {
        #expect(!axis.barUnits.isEmpty)
        #expect(
            axis.barUnits.allSatisfy { $0 == axis.unit },
            "axis \(axis.quantity) (\(axis.unit)) holds bars in \(axis.barUnits)")
    }
}

private let sampleReport = Report(
    findings: [
        Finding(
            id: "a", title: "Tricky <title> & \"quotes\"",
            measurements: [
                Measurement(label: "serial", value: 1.5, unit: "s", quantity: "time"),
                Measurement(label: "ratio", value: 2, unit: "×", quantity: "speed-up"),
                Measurement(label: "x < y", value: 0, unit: "s", quantity: "time"),
                Measurement(label: "reserved", value: 8_192, unit: "KiB", quantity: "reserved address space"),
                Measurement(label: "resident", value: 10, unit: "KiB", quantity: "resident memory"),
            ], lesson: String(repeating: "a long lesson ", count: 30)),
        Finding(
            id: "b", title: "B", measurements: [Measurement(label: "only", value: 42, unit: "", quantity: "count")],
            lesson: "short"),
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
            let chart = try parseChart(BarChart(report: sampleReport).svg())
            #expect(chart.bars == 6)
            #expect(chart.texts.contains("Tricky <title> & \"quotes\""))
            #expect(chart.texts.contains("x < y"))
            #expect(chart.texts.contains("42 "))
            #expect(chart.texts.filter { $0.contains("a long lesson") }.count > 1)  // wrapped
        }

        /// Seconds and ratios, or resident and reserved memory (both KiB),
        /// never share an axis: one axis per quantity, captioned with it.
        @Test func everyQuantityHasAnAxisOfItsOwn() throws {
            let chart = try parseChart(BarChart(report: sampleReport).svg())
            #expect(
                chart.axes.map(\.quantity) == [
                    "time", "speed-up", "reserved address space", "resident memory", "count",
                ])
            #expect(chart.axes.map(\.barUnits.count) == [2, 1, 1, 1, 1])
            checkOneUnitPerAxis(chart)
            #expect(
                chart.texts.contains("time (s)") && chart.texts.contains("resident memory (KiB)")
                    && chart.texts.contains("count"))
            let axes = BarChart.axes(of: sampleReport.findings[0].measurements)
            #expect(
                axes.map(\.caption) == [
                    "time (s)", "speed-up (×)", "reserved address space (KiB)", "resident memory (KiB)",
                ])
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
            let chart = try parseChart(try String(contentsOfFile: chartPath, encoding: .utf8))
            #expect(chart.bars == measurements)
            checkOneUnitPerAxis(chart)
            let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
            let isolation = try #require(report.findings.first { $0.id == "memory-isolation" })
            #expect(isolation.measurements.map(\.value) == [42, 42, 0])
            let io = try #require(report.findings.first { $0.id == "io-bound" })
            #expect(Array(io.measurements.map(\.label).prefix(3)) == ["serial", "ThreadPool", "ProcessPool"])
            #expect(io.measurements[1].value < io.measurements[0].value, "threads beat serial waiting")
            let footprint = try #require(report.findings.first { $0.id == "memory-footprint" })
            #expect(Set(footprint.measurements.map(\.quantity)) == ["resident memory", "reserved address space"])
        }

        @Test func unknownExperimentIdsAreRejected() throws {
            #expect(throws: (any Error).self) { try ProcessVsThread.parse(["--only", "nonsense"]) }
            #expect(try ProcessVsThread.parse(["--only", "io-bound,cpu-speedup"]).only == "io-bound,cpu-speedup")
            #expect(Experiment.all.map(\.id).contains("io-bound"))
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
            let good = CPUSpeedup.Timings(
                serialSeconds: 2, threadPoolSeconds: 1.04, processPoolSeconds: 1.0,
                serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            let lesson = CPUSpeedup.lesson(good, workers: 2, loadAverage: 0.5)
            #expect(lesson.contains("1.92×") && lesson.contains("2.00×") && lesson.contains("about the same"))
            let busy = CPUSpeedup.Timings(
                serialSeconds: 1, threadPoolSeconds: 0.95, processPoolSeconds: 0.97,
                serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            #expect(CPUSpeedup.lesson(busy, workers: 2, loadAverage: 3.5).contains("load average 3.5"))
            let threadsWin = CPUSpeedup.Timings(
                serialSeconds: 2, threadPoolSeconds: 1, processPoolSeconds: 1.3,
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
            #expect(
                finding.lesson.contains("10 KiB") && finding.lesson.contains("20.0 MiB")
                    && finding.lesson.contains("410×"))
            // Reserved address space is not resident memory: an axis of its own.
            #expect(finding.measurements.filter { $0.quantity == "reserved address space" }.map(\.value) == [8_192])
        }

        @Test func ioLessonFollowsTheMeasuredTimes() {
            let threadsWin = IOBound.Timings(
                serialSeconds: 1.28, threadPoolSeconds: 0.025, processPoolSeconds: 0.65,
                threadPoolCPUSeconds: 0.002)
            let lesson = IOBound.lesson(threadsWin, threads: 64, workers: 2)
            #expect(
                lesson.contains("1.28 s") && lesson.contains("25.0 ms") && lesson.contains("51.2×")
                    && lesson.contains("2.00 ms of CPU"))
            #expect(lesson.contains("650.0 ms") && lesson.contains("1.97×") && lesson.contains("threads won"))
            let tie = IOBound.Timings(
                serialSeconds: 1, threadPoolSeconds: 0.6, processPoolSeconds: 0.5, threadPoolCPUSeconds: 0.001)
            #expect(IOBound.lesson(tie, threads: 64, workers: 2).contains("tied"))
            let finding = IOBound.finding(threadsWin, jobs: 64, milliseconds: 20, threads: 64, workers: 2)
            #expect(finding.id == "io-bound")
            #expect(
                finding.measurements.map(\.label) == [
                    "serial", "ThreadPool", "ProcessPool", "ThreadPool: CPU time used",
                ])
            #expect(Set(finding.measurements.map(\.quantity)) == ["time", "CPU time"])
        }

        @Test func cpuFindingShowsPythonBesideSwiftOrSaysWhyNot() {
            let swift = CPUSpeedup.Timings(
                serialSeconds: 2, threadPoolSeconds: 1.04, processPoolSeconds: 1.0,
                serialAnswer: 1, threadPoolAnswer: 1, processPoolAnswer: 1)
            let python = PythonThreads.Timings(
                python: "3.11.7", jobs: 8, threads: 2, start: 10_000_000, lengthEach: 100,
                serialSeconds: 0.40, threadsSeconds: 0.44, serialAnswer: 5, threadsAnswer: 5)
            let measured = CPUSpeedup.finding(swift, jobs: 8, workers: 2, python: .measured(python))
            #expect(measured.measurements.count == 8)
            #expect(measured.measurements.last?.label == "Python threads speedup")
            #expect(
                measured.lesson.contains("Python 3.11.7's 2 threads") && measured.lesson.contains("0.91×")
                    && measured.lesson.contains("Swift's: 1.92×") && measured.lesson.contains("global interpreter lock")
            )
            // Python's jobs are not Swift's: their times get an axis of their own; speed-ups compare.
            #expect(measured.measurements.filter { $0.quantity == "Python's time" }.count == 2)
            let skipped = CPUSpeedup.finding(swift, jobs: 8, workers: 2, python: .skipped("python3 is not installed"))
            #expect(skipped.measurements.count == 5)
            #expect(skipped.lesson.contains("(Python's threads were not measured: python3 is not installed.)"))
        }
    }
}
