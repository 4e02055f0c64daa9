// The IPC benchmark: our `Connection` against a raw socket pair with the same
// framing and against Python's `multiprocessing.Pipe`, on the same workloads
// in one run. Build and run in release mode:
//
//     swift build -c release --product ipc-benchmark
//     .build/release/ipc-benchmark [--pin] [--iterations N] [--messages N] [--runs N]
import ArgumentParser
import Multiprocessing
#if canImport(Glibc)
import Glibc
#endif

struct IPCBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipc-benchmark",
        abstract: "Connection vs a raw socket pair vs Python's multiprocessing.Pipe: medians and ratios.")

    @Flag(help: "Pin this process, its peers and Python's to CPU 0.")
    var pin = false

    @Option(help: "Round trips per run for workloads (a) and (b).")
    var iterations = 5000

    @Option(help: "1 MiB messages per run for workload (c).")
    var messages = 1000

    @Option(help: "Runs per workload; medians are reported.")
    var runs = 7

    @Option(help: "The Python interpreter.")
    var python = "python3"

    @Option(help: "The Python peer script.")
    var pythonScript = Self.defaultScript

    @Flag(help: "Skip Python.")
    var noPython = false

    @Flag(help: "Only time the binary coder on the struct of (a) (for profiling).")
    var codecOnly = false

    static var defaultScript: String {
        let here = "\(#filePath)".split(separator: "/").dropLast(2).joined(separator: "/")
        return "/\(here)/Python/ipc_peer.py"
    }

    func run() throws {
        if pin { pinToCPU0() }
        if codecOnly {
            let costs = try (0..<runs).map { _ in try codecCostPerEncodeDecode(iterations: iterations * 20) }
            print("binary coder, one encode + one decode of the struct: \(median(costs)) µs")
            return
        }
        let workloads = Workloads(iterations: iterations, messages: messages, runs: runs)
        // Forks happen while the process is single-threaded; Python runs last.
        let small = try workloads.smallStructRoundTrip()
        let bytes = try workloads.bytesRoundTrip()
        let stream = try workloads.oneWayThroughput()
        let python = noPython ? nil : try runPythonPeer(
            python: python, script: pythonScript, iterations: iterations, messages: messages, runs: runs, pin: pin)
        let codec = try (0..<runs).map { _ in try codecCostPerEncodeDecode(iterations: iterations) }
        Report(pinned: pin, runs: runs, python: python?.python, codecMicroseconds: median(codec)).print([
            .init(name: "(a) small struct round trip", unit: "µs", higherIsBetter: false,
                  ours: median(small.ours), raw: median(small.raw), python: python?.small_rtt_us),
            .init(name: "(b) 4 KiB bytes round trip", unit: "µs", higherIsBetter: false,
                  ours: median(bytes.ours), raw: median(bytes.raw), python: python?.bytes4k_rtt_us),
            .init(name: "(c) 1 MiB one-way stream", unit: "GB/s", higherIsBetter: true,
                  ours: median(stream.ours), raw: median(stream.raw), python: python?.throughput_gbps),
        ])
    }

    /// Pins this process (and so every process it forks or spawns afterwards) to CPU 0.
    /// glibc declares `sched_setaffinity` only under `_GNU_SOURCE`, which Swift's
    /// Glibc module does not define, so it is looked up at run time.
    private func pinToCPU0() {
        typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else {
            fatalError("sched_setaffinity not found")
        }
        var set = cpu_set_t() // all zero
        withUnsafeMutableBytes(of: &set) { $0[0] = 1 } // CPU 0
        let rc = withUnsafeBytes(of: &set) {
            unsafeBitCast(symbol, to: SetAffinity.self)(0, MemoryLayout<cpu_set_t>.size, $0.baseAddress!)
        }
        guard rc == 0 else { fatalError("sched_setaffinity failed: \(errno)") }
    }
}

IPCBenchmark.main()
