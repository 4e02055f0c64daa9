// The messages a pool and its workers exchange, one per frame of the IPC
// layer's framing. Layout (little-endian; strings and byte runs are a u32
// count then the bytes; "rest" is everything to the end of the frame; a batch
// is a ValueBatch: Codable-encoded or, for plain values, their bytes):
//
// parent -> worker
//   1 task        seq:u64 typeName:string jobs:rest      jobs = batch of [J], one or more
//   2 cancel      seq:u64                                skip that task if not started
//   3 initialize  typeName:string jobs:rest              batch of [J], one initializer
// worker -> parent
//   1 result      seq:u64 completed:u32 hasFailure:u8 [failure] outputs:rest
//                 outputs = batch of [J.Output] of the first `completed` jobs;
//                 `failure`, if present, is why job number `completed` failed
//   2 skipped     seq:u64                                a cancelled task was not run
//   3 initFailed  failure                                then the worker exits
//   4 initialized                                        the initializer returned
//
// failure = kind:u8 then
//   0 thrown      mangledType:string typeName:string description:string value:bytes
//   1 remote      typeName:string description:string
//   2 typeMissing typeName:string
//   3 badJob      typeName:string description:string
//   4 badOutput   typeName:string description:string

/// Why a job failed inside a worker, as it travels back to the pool.
enum WorkerFailure: Sendable {
    /// The job threw an error of a `Codable` type; `value` is its encoding.
    case thrown(mangledTypeName: String, typeName: String, description: String, value: [UInt8])
    /// The job threw an error that could not travel as itself.
    case remote(RemoteError)
    case jobTypeNotFound(String)
    case jobDecodingFailed(typeName: String, description: String)
    case outputEncodingFailed(typeName: String, description: String)
}

enum ParentMessageKind: UInt8 {
    case task = 1, cancel = 2, initialize = 3
}

enum WorkerMessageKind: UInt8 {
    case result = 1, skipped = 2, initializerFailed = 3, initialized = 4
}

/// A frame, appended in place to an outgoing buffer.
enum FrameWriter {
    /// Appends one frame whose payload `writeBody` appends.
    ///
    /// The header is reserved in its short form; the rare payload of 4 GiB or
    /// more moves the payload to make room for the long form.
    static func append(to out: inout [UInt8], _ writeBody: (inout [UInt8]) -> Void) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: FrameHeader.shortCount))
        writeBody(&out)
        let payloadCount = out.count - start - FrameHeader.shortCount
        let headerCount = FrameHeader.count(forPayloadCount: payloadCount)
        if headerCount != FrameHeader.shortCount {
            out.insert(contentsOf: repeatElement(0, count: headerCount - FrameHeader.shortCount), at: start)
        }
        out.withUnsafeMutableBytes { raw in
            _ = FrameHeader.encode(payloadCount: payloadCount, into: raw.baseAddress! + start)
        }
    }
}

extension WorkerFailure {
    func write(to out: inout [UInt8]) {
        switch self {
        case let .thrown(mangled, typeName, description, value):
            out.append(0)
            out.appendString(mangled)
            out.appendString(typeName)
            out.appendString(description)
            value.withUnsafeBytes { out.appendBytes($0) }
        case let .remote(error):
            out.append(1)
            out.appendString(error.typeName)
            out.appendString(error.description)
        case let .jobTypeNotFound(name):
            out.append(2)
            out.appendString(name)
        case let .jobDecodingFailed(typeName, description):
            out.append(3)
            out.appendString(typeName)
            out.appendString(description)
        case let .outputEncodingFailed(typeName, description):
            out.append(4)
            out.appendString(typeName)
            out.appendString(description)
        }
    }

    static func read(from cursor: inout ByteCursor) throws(MalformedMessage) -> WorkerFailure {
        switch try cursor.integer(UInt8.self) {
        case 0:
            let mangled = try cursor.string()
            let typeName = try cursor.string()
            let description = try cursor.string()
            return .thrown(mangledTypeName: mangled, typeName: typeName, description: description,
                           value: Array(try cursor.byteRun()))
        case 1:
            return .remote(RemoteError(typeName: try cursor.string(), description: try cursor.string()))
        case 2:
            return .jobTypeNotFound(try cursor.string())
        case 3:
            return .jobDecodingFailed(typeName: try cursor.string(), description: try cursor.string())
        case 4:
            return .outputEncodingFailed(typeName: try cursor.string(), description: try cursor.string())
        case let kind:
            throw MalformedMessage(description: "unknown failure kind \(kind)")
        }
    }
}
