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

import Multiprocessing

/// The small message both channels carry, there and back.
struct Ping: Codable, Sendable, Equatable {
    var sequence: Int
    var name: String
    var values: [Double]

    static func number(_ sequence: Int) -> Ping {
        Ping(sequence: sequence, name: "ping \(sequence)", values: [1.5, 2.5, Double(sequence)])
    }
}

extension Experiment {
    /// A round trip of a small Codable message between processes vs between threads.
    static let communicationCost = Experiment(
        id: "communication",
        title: "(h) Communication: a Codable message through a Connection vs a hand-off between threads"
    ) { settings, progress in
        try ForkSafety.waitUntilSingleThreaded()
        progress.step("\(settings.roundTrips) round trips through a Pipe's Connections to a child process")
        let connection = try CommunicationCost.connectionRoundTrip(count: settings.roundTrips)
        progress.step("\(settings.roundTrips) round trips through two Queues to another thread")
        let queue = try CommunicationCost.queueRoundTrip(count: settings.roundTrips)
        progress.step("\(settings.roundTrips) encodings and decodings of the message, no transfer")
        let coding = try CommunicationCost.encodeDecode(count: settings.roundTrips)
        return CommunicationCost.finding(connection: connection, queue: queue, coding: coding)
    }
}

/// The communication experiment's measuring code: medians in microseconds of
/// `count` round trips, each answer checked against what was sent.
enum CommunicationCost {
    /// A forked child echoes every ``Ping`` it receives on its end of a duplex
    /// ``Pipe``. Fork only while single-threaded.
    static func connectionRoundTrip(count: Int) throws -> Double {
        let (parentEnd, childEnd) = try Pipe().ends
        let child = try ChildProcess.fork(name: "demo-echo") {
            while let ping = try? childEnd.receive(Ping.self) { try childEnd.send(ping) }
            return 0
        }
        childEnd.close()
        defer { _ = try? child.join() }
        defer { parentEnd.close() }
        var sequence = 0
        return try Stopwatch.medianMicroseconds(repetitions: count) {
            sequence += 1
            let ping = Ping.number(sequence)
            try parentEnd.send(ping)
            guard try parentEnd.receive(Ping.self) == ping else { throw DemoError.wrongAnswer("the echo differed") }
        }
    }

    /// A ``PosixThread`` echoes every ``Ping`` from one ``Queue`` into another.
    static func queueRoundTrip(count: Int) throws -> Double {
        let requests = Queue<Ping>()
        let replies = Queue<Ping>()
        let echo = PosixThread(name: "demo-echo") {
            while let ping = try? requests.get() { try? replies.put(ping) }
        }
        try echo.start()
        defer {
            requests.shutdown()
            echo.join()
        }
        var sequence = 0
        return try Stopwatch.medianMicroseconds(repetitions: count) {
            sequence += 1
            let ping = Ping.number(sequence)
            try requests.put(ping)
            guard try replies.get() == ping else { throw DemoError.wrongAnswer("the echo differed") }
        }
    }

    /// Encoding a ``Ping`` with the wire format and decoding it back, twice
    /// (what a Connection round trip does besides moving bytes).
    static func encodeDecode(count: Int) throws -> Double {
        let encoder = BinaryEncoder()
        let decoder = BinaryDecoder()
        var sequence = 0
        return try Stopwatch.medianMicroseconds(repetitions: count) {
            sequence += 1
            let ping = Ping.number(sequence)
            for _ in 0..<2 {
                guard try decoder.decode(Ping.self, from: encoder.encode(ping)) == ping else {
                    throw DemoError.wrongAnswer("a decoded message differed")
                }
            }
        }
    }

    static func finding(connection: Double, queue: Double, coding: Double) -> Finding {
        Finding(
            id: "communication",
            title: "Communication: round trip of a small Codable struct (median)",
            measurements: [
                Measurement(
                    label: "Connection, process ⇄ process", value: connection, unit: "µs",
                    quantity: "time per round trip"),
                Measurement(label: "Queue, thread ⇄ thread", value: queue, unit: "µs", quantity: "time per round trip"),
                Measurement(
                    label: "of which encoding + decoding", value: coding, unit: "µs", quantity: "time per round trip"),
            ],
            lesson: lesson(connection: connection, queue: queue, coding: coding))
    }

    static func lesson(connection: Double, queue: Double, coding: Double) -> String {
        let opening =
            "A message to another process and back took \(Wording.microseconds(connection)), "
            + "\(Wording.ratio(connection / queue)) a hand-off between threads (\(Wording.microseconds(queue)))"
        if connection > 1.25 * queue {
            return opening
                + ": it is encoded (\(Wording.microseconds(coding)) of it), copied through the kernel and decoded — send few, meaty messages."
        }
        return opening
            + ": both are dominated by waking the other side, not by the \(Wording.microseconds(coding)) of encoding "
            + "and decoding — so count how often you wait for an answer, not bytes."
    }
}
