// codec-benchmark: the package's binary Codable wire format against Foundation's
// JSONEncoder/JSONDecoder, side by side in one run.
//
//     swift run -c release codec-benchmark [--quick]
//
// For each payload it prints the encoded size and the median time per operation
// of encode, decode and encode+decode, and how many times faster binary is.

import Foundation
import Multiprocessing

// MARK: Payloads

struct Message: Codable, Equatable {
    var id: Int
    var name: String
    var values: [Double]
    var flag: Bool?
}

struct Point: Codable, Equatable {
    var x: Double
    var y: Double
}

struct Record: Codable, Equatable {
    var id: Int
    var name: String
    var tags: [String]
    var position: Point
    var score: Double?
    var kind: Kind

    enum Kind: Codable, Equatable {
        case plain
        case weighted(Double)
        case labeled(String, count: Int)
    }
}

/// The shape of a small `ProcessPool` job.
struct AddOne: Codable, Equatable {
    var x: Int
}

let addOne = AddOne(x: 12_345)
let addOnes = (0..<10_000).map { AddOne(x: $0) }
let message = Message(id: 42, name: "job-42", values: (0..<8).map { Double($0) * 1.5 }, flag: true)
let bytes4K = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }
let data4K = Data(bytes4K)
let records = (0..<1000).map { index in
    Record(id: index, name: "record \(index)", tags: ["a", "tag-\(index % 7)"],
           position: Point(x: Double(index) * 0.5, y: -Double(index)),
           score: index % 3 == 0 ? nil : Double(index) / 7,
           kind: [.plain, .weighted(Double(index)), .labeled("l", count: index)][index % 3])
}

// MARK: Measuring

let quick = CommandLine.arguments.contains("--quick")

/// Keeps the optimizer from dropping a result.
@inline(never)
func blackHole<T>(_ value: T) -> Int {
    withUnsafePointer(to: value) { Int(bitPattern: $0) & 1 }
}

/// Median nanoseconds per call of `body`, over `samples` timed batches.
func medianNanoseconds(samples: Int = quick ? 7 : 31, targetBatch: Duration = .milliseconds(quick ? 2 : 10),
                       _ body: () throws -> Int) rethrows -> Double {
    let clock = ContinuousClock()
    var sink = 0
    defer { if sink == 42 { print("") } }
    // Size the batch so one sample takes about `targetBatch`.
    var iterations = 1
    while true {
        let start = clock.now
        for _ in 0..<iterations { sink &+= try body() }
        if clock.now - start >= targetBatch / 4 || iterations >= 1 << 24 { break }
        iterations *= 2
    }
    iterations *= 4
    var times: [Double] = []
    for _ in 0..<samples {
        let start = clock.now
        for _ in 0..<iterations { sink &+= try body() }
        let elapsed = clock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        times.append(nanoseconds / Double(iterations))
    }
    times.sort()
    return times[times.count / 2]
}

func format(_ nanoseconds: Double) -> String {
    switch nanoseconds {
    case ..<1_000: String(format: "%7.0f ns", nanoseconds)
    case ..<1_000_000: String(format: "%7.2f µs", nanoseconds / 1_000)
    default: String(format: "%7.2f ms", nanoseconds / 1_000_000)
    }
}

func compare<T: Codable & Equatable>(_ name: String, _ value: T) throws {
    let binaryEncoder = BinaryEncoder()
    let binaryDecoder = BinaryDecoder()
    let jsonEncoder = JSONEncoder()
    let jsonDecoder = JSONDecoder()
    let binary = try binaryEncoder.encode(value)
    let json = try jsonEncoder.encode(value)
    let binaryCopy = try binaryDecoder.decode(T.self, from: binary)
    let jsonCopy = try jsonDecoder.decode(T.self, from: json)
    precondition(binaryCopy == value && jsonCopy == value, "a round trip changed the value")

    print("\n\(name): binary \(binary.count) B, JSON \(json.count) B (JSON/binary size \(String(format: "%.2f", Double(json.count) / Double(binary.count))))")
    print("  operation       binary         JSON   binary faster by")
    let rows: [(String, () throws -> Int, () throws -> Int)] = [
        ("encode", { try binaryEncoder.encode(value).count }, { try jsonEncoder.encode(value).count }),
        ("decode", { blackHole(try binaryDecoder.decode(T.self, from: binary)) },
                   { blackHole(try jsonDecoder.decode(T.self, from: json)) }),
        ("round trip", { blackHole(try binaryDecoder.decode(T.self, from: binaryEncoder.encode(value))) },
                       { blackHole(try jsonDecoder.decode(T.self, from: jsonEncoder.encode(value))) }),
    ]
    for (operation, binaryBody, jsonBody) in rows {
        let binaryTime = try medianNanoseconds(binaryBody)
        let jsonTime = try medianNanoseconds(jsonBody)
        print("  \(operation.padding(toLength: 12, withPad: " ", startingAt: 0)) \(format(binaryTime))   \(format(jsonTime))   \(String(format: "%6.1fx", jsonTime / binaryTime))")
        // The line Benchmarks/run-all collects into its summary table.
        print("BENCH\tcodec\t\(name) \(operation)\tns\tlower\t\(binaryTime)\tJSONEncoder/JSONDecoder\t\(jsonTime)")
    }
}

if let profile = ProcessInfo.processInfo.environment["CODEC_PROFILE"] {
    // Runs one operation for a few seconds, for `perf record`: "encode" or "decode"
    // of the records, "data" decodes of 4 KiB Data, "message-encode"/"message-decode"
    // of the small message, "addone-encode"/"addone-decode"
    // of one `{x: Int}`, "addones-encode"/"addones-decode" of 10,000 of them,
    // anything else round trips of the small message.
    let binary = try BinaryEncoder().encode(records)
    let deadline = ContinuousClock.now + .seconds(3)
    var sink = 0
    while ContinuousClock.now < deadline {
        for _ in 0..<10 {
            switch profile {
            case "encode": sink &+= try BinaryEncoder().encode(records).count
            case "decode": sink &+= try BinaryDecoder().decode([Record].self, from: binary).count
            case "message-encode": for _ in 0..<1000 { sink &+= try BinaryEncoder().encode(message).count }
            case "message-decode":
                let encoded = try BinaryEncoder().encode(message)
                for _ in 0..<1000 { sink &+= try BinaryDecoder().decode(Message.self, from: encoded).id }
            case "addone-encode": for _ in 0..<1000 { sink &+= try BinaryEncoder().encode(addOne).count }
            case "addone-decode":
                let encoded = try BinaryEncoder().encode(addOne)
                for _ in 0..<1000 { sink &+= try BinaryDecoder().decode(AddOne.self, from: encoded).x }
            case "addones-encode": sink &+= try BinaryEncoder().encode(addOnes).count
            case "addones-decode":
                let encoded = try BinaryEncoder().encode(addOnes)
                sink &+= try BinaryDecoder().decode([AddOne].self, from: encoded).count
            case "data":
                let encoded = try BinaryEncoder().encode(data4K)
                for _ in 0..<1000 { sink &+= try BinaryDecoder().decode(Data.self, from: encoded).count }
            default:
                for _ in 0..<1000 {
                    sink &+= try BinaryDecoder().decode(Message.self, from: BinaryEncoder().encode(message)).id
                }
            }
        }
    }
    print(sink)
    exit(0)
}

print("codec-benchmark: BinaryEncoder/BinaryDecoder vs JSONEncoder/JSONDecoder (medians per operation)")
try compare("small struct (Message, 8 doubles)", message)
try compare("one {x: Int} struct (AddOne)", addOne)
try compare("10,000 {x: Int} structs ([AddOne])", addOnes)
try compare("4 KiB [UInt8]", bytes4K)
try compare("4 KiB Data", data4K)
try compare("1,000 nested structs ([Record])", records)
