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

internal import MultiprocessingPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Prints each experiment's title as it starts, what it is measuring, and its
/// results as it ends, so a person sees progress during the run. With `--json`
/// this goes to standard error, leaving standard output to the JSON.
struct Progress: Sendable {
    enum Destination: Sendable { case standardOutput, standardError, none }

    var destination: Destination

    func starting(_ title: String) {
        write("\n▶ \(title)\n")
    }

    /// A step inside an experiment ("ProcessPool…"), shown before it runs.
    func step(_ what: String) {
        write("   · \(what)\n")
    }

    func finished(_ finding: Finding) {
        let width = finding.measurements.map(\.label.count).max() ?? 0
        for measurement in finding.measurements {
            let label = measurement.label.padding(toLength: width)
            write("   \(label)  \(Wording.number(measurement.value)) \(measurement.unit)\n")
        }
        write("   → \(finding.lesson)\n")
    }

    func write(_ text: String) {
        switch destination {
        case .standardOutput: Self.write(text, to: STDOUT_FILENO)
        case .standardError: Self.write(text, to: STDERR_FILENO)
        case .none: break
        }
    }

    /// Writes all of `text` to `fd` unbuffered, so progress shows at once and
    /// nothing is left in a stdio buffer when the demo forks.
    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { raw in
                try? valueOrErrno { Glibc.write(fd, raw.baseAddress, raw.count) }
            }
            guard let written, written > 0 else { return }  // a closed terminal: progress is optional
            bytes = bytes.dropFirst(written)
        }
    }
}

extension String {
    /// The string padded with spaces to `length` characters.
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
