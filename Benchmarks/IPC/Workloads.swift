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

#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic seconds, for timing runs.
func seconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Medians of each contender's runs of one workload.
struct Figures {
    var ours: [Double] = []
    var raw: [Double] = []
}

/// The three workloads, each run for `runs` rounds alternating ours and the
/// raw baseline, so that drift on a noisy VM hits both alike.
struct Workloads {
    let iterations: Int
    let messages: Int
    let runs: Int

    private var warmup: Int { max(iterations / 10, 10) }

    /// (a) Round trip of a small Codable struct, in microseconds.
    func smallStructRoundTrip() throws -> Figures {
        let (ours, oursPeer) = try startOurs(PeerLoops.echoRecords)
        let (raw, rawPeer) = startRaw(PeerLoops.echoRaw)
        // The baseline moves the same number of bytes as our encoding, without encoding.
        try ours.send(Record.sample)
        _ = try ours.receive(Record.self)
        let encoded = probeEncodedSize()
        return try interleave(ours: (ours, oursPeer), raw: (raw, rawPeer), rawPayload: encoded) {
            try ours.send(Record.sample)
            _ = try ours.receive(Record.self)
        }
    }

    /// (b) Round trip of 4 KiB of bytes, in microseconds.
    func bytesRoundTrip(count: Int = 4096) throws -> Figures {
        let (ours, oursPeer) = try startOurs(PeerLoops.echoBytes)
        let (raw, rawPeer) = startRaw(PeerLoops.echoRaw)
        let payload = [UInt8](repeating: 7, count: count)
        return try interleave(ours: (ours, oursPeer), raw: (raw, rawPeer), rawPayload: payload) {
            try ours.sendBytes(payload)
            _ = try ours.receiveBytes()
        }
    }

    /// Times `oursTrip` and a raw round trip of `rawPayload`, alternating run
    /// by run after a warm-up, then closes both channels and joins their peers.
    private func interleave(
        ours: (channel: Connection, peer: Peer), raw: (channel: RawChannel, peer: Peer),
        rawPayload: [UInt8], oursTrip: () throws -> Void
    ) throws -> Figures {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var figures = Figures()
        func oursRun(_ count: Int) throws {
            for _ in 0..<count { try oursTrip() }
        }
        func rawRun(_ count: Int) {
            rawPayload.withUnsafeBytes { payload in
                for _ in 0..<count {
                    raw.channel.send(payload)
                    _ = raw.channel.receive(into: &buffer)
                }
            }
        }
        try oursRun(warmup)
        rawRun(warmup)
        for _ in 0..<runs {
            figures.ours.append(try timePerIteration { try oursRun(iterations) })
            figures.raw.append(timePerIteration { rawRun(iterations) })
        }
        ours.channel.close()
        raw.channel.close()
        ours.peer.join()
        raw.peer.join()
        return figures
    }

    /// (c) One-way throughput of 1 MiB byte messages, in GB/s: `messages`
    /// sends, then the peer's acknowledgement after the last one.
    func oneWayThroughput(size: Int = 1 << 20) throws -> Figures {
        let rounds = runs + 1  // the first round warms up
        let (ours, oursPeer) = try startOurs { PeerLoops.sink($0, messages: messages, rounds: rounds) }
        let (raw, rawPeer) = startRaw { PeerLoops.sinkRaw($0, messages: messages, rounds: rounds) }
        let payload = [UInt8](repeating: 7, count: size)
        var ack = [UInt8](repeating: 0, count: 16)
        var figures = Figures()
        func oursRun() throws -> Double {
            let start = seconds()
            for _ in 0..<messages { try ours.sendBytes(payload) }
            _ = try ours.receiveBytes()
            return Double(size * messages) / (seconds() - start) / 1e9
        }
        func rawRun() -> Double {
            let start = seconds()
            payload.withUnsafeBytes { bytes in
                for _ in 0..<messages { raw.send(bytes) }
            }
            _ = raw.receive(into: &ack)
            return Double(size * messages) / (seconds() - start) / 1e9
        }
        _ = try oursRun()
        _ = rawRun()
        for _ in 0..<runs {
            figures.ours.append(try oursRun())
            figures.raw.append(rawRun())
        }
        ours.close()
        raw.close()
        oursPeer.join()
        rawPeer.join()
        return figures
    }

    // MARK: Helpers

    private func timePerIteration(_ body: () throws -> Void) rethrows -> Double {
        let start = seconds()
        try body()
        return (seconds() - start) / Double(iterations) * 1e6
    }

    /// Our end of a pipe whose other end runs `loop` in a forked peer.
    private func startOurs(_ loop: @escaping (Connection) -> Void) throws -> (Connection, Peer) {
        let (mine, theirs) = try Pipe().ends
        let peer = Peer.fork { loop(theirs) }  // its first use closes the peer's copy of `mine`
        theirs.close()  // the parent's copy of the peer's end
        return (mine, peer)
    }

    private func startRaw(_ loop: @escaping (RawChannel) -> Void) -> (RawChannel, Peer) {
        let (mine, theirs) = RawChannel.makePair()
        let peer = Peer.fork {
            mine.close()
            loop(theirs)
        }
        theirs.close()
        return (mine, peer)
    }

    /// The payload bytes our encoding of `Record.sample` takes, measured through a pipe.
    private func probeEncodedSize() -> [UInt8] {
        let (a, b) = try! Pipe().ends
        try! a.send(Record.sample)
        return try! b.receiveBytes()
    }
}
