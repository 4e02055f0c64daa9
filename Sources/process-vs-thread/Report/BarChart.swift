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

/// Draws a ``Report`` as a horizontal bar chart in SVG, by hand (no
/// dependency): one panel per finding, with its title, one axis per quantity
/// measured (captioned with the quantity and its unit), one bar per
/// measurement (label, bar, value and unit) and the lesson underneath.
///
/// Two quantities never share an axis: seconds and speed-ups, or resident
/// and reserved memory, are drawn on axes of their own, each with its own
/// scale, so that bar lengths are only ever compared within one quantity.
/// Each axis is an SVG group (`<g class="axis">`) naming its quantity and
/// unit. Every bar is at least 2 px wide so a tiny value still shows.
struct BarChart {
    var report: Report

    static let width = 960.0
    static let margin = 24.0
    static let labelWidth = 330.0
    static let barMaximum = 440.0
    static let barHeight = 18.0
    static let barGap = 6.0
    static let lessonCharactersPerLine = 130

    /// The SVG document.
    func svg() -> String {
        var body: [String] = []
        var y = Self.margin
        body.append(
            text(
                "Processes or threads? Measured on this machine (\(report.processors) CPUs\(report.settings.quick ? ", --quick" : ""))",
                x: Self.margin, y: y + 16, size: 20, weight: "bold"))
        y += 44
        for (index, finding) in report.findings.enumerated() {
            y = panel(finding, colour: Self.palette[index % Self.palette.count], top: y, into: &body)
        }
        let height = y + Self.margin
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(height))" viewBox="0 0 \(Int(Self.width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect x="0" y="0" width="\(Int(Self.width))" height="\(Int(height))" fill="#ffffff"/>
            \(body.joined(separator: "\n"))
            </svg>

            """
    }

    /// Draws one finding from `top` down; returns where the next one starts.
    private func panel(_ finding: Finding, colour: String, top: Double, into body: inout [String]) -> Double {
        var y = top
        body.append(text(finding.title, x: Self.margin, y: y + 15, size: 15, weight: "bold"))
        y += 26
        for axis in Self.axes(of: finding.measurements) {
            y = draw(axis, colour: colour, top: y, into: &body)
        }
        for line in wrap(finding.lesson, width: Self.lessonCharactersPerLine) {
            y += 16
            body.append(text(line, x: Self.margin, y: y, size: 12, colour: "#444444", italic: true))
        }
        return y + 26
    }

    /// The measurements of one quantity in one unit, drawn against one scale.
    struct Axis: Equatable {
        var quantity: String
        var unit: String
        var measurements: [Measurement]

        /// "time (s)"; a quantity without a unit (a count) is its own caption.
        var caption: String { unit.isEmpty ? quantity : "\(quantity) (\(unit))" }
    }

    /// `measurements` grouped by quantity and unit, in order of first appearance.
    static func axes(of measurements: [Measurement]) -> [Axis] {
        var axes: [Axis] = []
        for measurement in measurements {
            if let index = axes.firstIndex(where: { $0.quantity == measurement.quantity && $0.unit == measurement.unit }
            ) {
                axes[index].measurements.append(measurement)
            } else {
                axes.append(Axis(quantity: measurement.quantity, unit: measurement.unit, measurements: [measurement]))
            }
        }
        return axes
    }

    /// Draws one axis: its caption, a base line, and its bars on its own scale.
    private func draw(_ axis: Axis, colour: String, top: Double, into body: inout [String]) -> Double {
        let barX = Self.margin + Self.labelWidth
        var y = top
        body.append(#"<g class="axis" data-quantity="\#(escape(axis.quantity))" data-unit="\#(escape(axis.unit))">"#)
        body.append(text(axis.caption, x: barX, y: y + 11, size: 11, colour: "#666666"))
        y += 16
        let largest = axis.measurements.map { abs($0.value) }.max() ?? 0
        let baseTop = y
        for measurement in axis.measurements {
            let length = largest > 0 ? max(2, Self.barMaximum * abs(measurement.value) / largest) : 2
            body.append(text(measurement.label, x: barX - 8, y: y + 13.5, size: 12.5, anchor: "end"))
            body.append(
                #"<rect x="\#(format(barX))" y="\#(format(y))" width="\#(format(length))" height="\#(format(Self.barHeight))" rx="2" fill="\#(colour)"><title>\#(escape(measurement.label)): \#(Wording.number(measurement.value)) \#(escape(measurement.unit))</title></rect>"#
            )
            body.append(
                text(
                    "\(Wording.number(measurement.value)) \(measurement.unit)", x: barX + length + 6, y: y + 13.5,
                    size: 12.5, weight: "bold"))
            y += Self.barHeight + Self.barGap
        }
        body.append(
            ##"<line x1="\##(format(barX))" y1="\##(format(baseTop - 2))" x2="\##(format(barX))" y2="\##(format(y - Self.barGap + 2))" stroke="#888888" stroke-width="1"/>"##
        )
        body.append("</g>")
        return y + 4
    }

    // MARK: SVG pieces

    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948"]

    private func text(
        _ content: String, x: Double, y: Double, size: Double, weight: String = "normal",
        anchor: String = "start", colour: String = "#222222", italic: Bool = false
    ) -> String {
        #"<text x="\#(format(x))" y="\#(format(y))" font-size="\#(format(size))" font-weight="\#(weight)" text-anchor="\#(anchor)" fill="\#(colour)"\#(italic ? #" font-style="italic""# : "")>\#(escape(content))</text>"#
    }

    private func format(_ value: Double) -> String { Wording.fixed(value, decimals: 1) }

    /// `text` with the five XML special characters escaped.
    func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Splits `text` into lines of at most `width` characters at spaces.
    func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
