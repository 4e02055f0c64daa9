internal import MultiprocessingPlatform
#if canImport(Glibc)
import Glibc
#endif

/// The pool's side of one worker process: its socket with the frames waiting
/// to be sent and the reader of what it sends back, and its pidfd. Owned by
/// the I/O thread.
final class WorkerHandle {
    enum State: Equatable {
        /// Takes and runs tasks.
        case running
        /// The pool closed the socket on purpose; the worker is exiting normally.
        case closing
        /// The pool killed it (time-out, cancel, terminate); waiting to reap it.
        case killed
        /// It died by itself (its socket ended first); waiting to reap it.
        case lost

        /// Whether the pool ended it, so that its exit is no news.
        var isEndedByPool: Bool { self == .closing || self == .killed }
    }

    let id: WorkerID
    let pid: pid_t
    let pidfd: PIDDescriptor
    /// The pool's end of the socket, or -1 once closed.
    var socket: Int32
    var state = State.running
    /// Frames not yet accepted by the socket, from `sentCount` on.
    var outgoing: [UInt8] = []
    var sentCount = 0
    /// Whether the socket is registered for writability (after a short write).
    var isWatchingWritable = false
    /// Whether the worker said it runs jobs (its initializer, if any, returned).
    var isReady = false
    /// How many of the program's job libraries the worker was told to load
    /// (``JobLibraryCatalog``).
    var librariesSent = 0
    var reader = FrameReader(maximumMessageSize: MemoryLimits.physicalMemory)

    init(id: WorkerID, started: StartedWorker) {
        self.id = id
        self.pid = started.pid
        self.pidfd = started.pidfd
        self.socket = started.socket
    }

    var hasUnsentBytes: Bool { sentCount < outgoing.count }
}

/// What an epoll event is about: the wake-up descriptor, or a worker's socket or pidfd.
enum EventSource: Equatable {
    case commands
    case socket(WorkerID)
    case pidfd(WorkerID)

    var rawValue: UInt64 {
        switch self {
        case .commands: 0
        case .socket(let id): UInt64(id.rawValue) << 2 | 1
        case .pidfd(let id): UInt64(id.rawValue) << 2 | 2
        }
    }

    init?(rawValue: UInt64) {
        let id = WorkerID(rawValue: UInt32(truncatingIfNeeded: rawValue >> 2))
        switch rawValue & 3 {
        case 0: self = .commands
        case 1: self = .socket(id)
        case 2: self = .pidfd(id)
        default: return nil
        }
    }
}
