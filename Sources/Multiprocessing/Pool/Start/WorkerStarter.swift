internal import MultiprocessingPlatform
internal import CMultiprocessing
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A worker process just started: its pid, a pidfd to wait for it on, and the
/// pool's end of its socket (non-blocking, close-on-exec).
struct StartedWorker {
    var pid: pid_t
    var pidfd: PIDDescriptor
    var socket: Int32
}

/// Starts worker processes, by spawn or by fork.
///
/// Must be called from the pool's I/O thread: the parent-death signal of a
/// worker fires when the *thread* that created it exits, and the I/O thread
/// outlives every worker it starts.
enum WorkerStarter {
    static let workerFDVariable = CMP_WORKER_FD_VARIABLE
    static let parentPIDVariable = CMP_PARENT_PID_VARIABLE
    /// Set for spawned workers unless the user chose: a crash reporter that
    /// prints a backtrace takes a second or more per crashed job.
    static let backtraceVariable = "SWIFT_BACKTRACE"

    /// References the C worker entry so the linker keeps its constructor.
    static func keepWorkerEntryLinked() {
        _ = cmp_worker_entry_anchor()
    }

    static func start(_ method: ProcessPool.StartMethod) throws(Errno) -> StartedWorker {
        let (parentEnd, childEnd) = try makeWorkerSocketPair()
        let pid: pid_t
        do throws(Errno) {
            pid = switch method {
            case .spawn: try spawn(childEnd: childEnd)
            case .fork: try fork(childEnd: childEnd, parentEnd: parentEnd)
            }
        } catch {
            closeDescriptor(parentEnd)
            closeDescriptor(childEnd)
            throw error
        }
        closeDescriptor(childEnd)
        do throws(Errno) {
            return StartedWorker(pid: pid, pidfd: try PIDDescriptor.adoptChild(pid), socket: parentEnd)
        } catch {
            closeDescriptor(parentEnd)
            throw error
        }
    }

    /// A close-on-exec socket pair; the child's end is never descriptor 3, so
    /// that spawn's dup2 onto 3 clears close-on-exec on the copy.
    private static func makeWorkerSocketPair() throws(Errno) -> (parent: Int32, child: Int32) {
        var (parentEnd, childEnd) = try makeSocketPair()
        if childEnd == CMP_WORKER_FD {
            let moved = try valueOrErrno { fcntl(childEnd, F_DUPFD_CLOEXEC, CMP_WORKER_FD + 1) }
            closeDescriptor(childEnd)
            childEnd = moved
        }
        let flags = try valueOrErrno { fcntl(parentEnd, F_GETFL) }
        try nothingOrErrno { fcntl(parentEnd, F_SETFL, flags | O_NONBLOCK) }
        return (parentEnd, childEnd)
    }

    // MARK: Spawn

    private static func spawn(childEnd: Int32) throws(Errno) -> pid_t {
        var owned: [UnsafeMutablePointer<CChar>] = [
            strdup("\(workerFDVariable)=\(CMP_WORKER_FD)"),
            strdup("\(parentPIDVariable)=\(getpid())"),
            strdup(CommandLine.arguments.first ?? "swift-multiprocessing-worker"),
            strdup("--swift-multiprocessing-worker"),
        ]
        defer { owned.forEach { free($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [owned[0], owned[1]]
        var hasBacktraceSetting = false
        if var entry = Optional(environ) {
            while let variable = entry.pointee {
                let text = String(cString: variable)
                if !text.hasPrefix(workerFDVariable + "=") && !text.hasPrefix(parentPIDVariable + "=") {
                    environment.append(variable)
                }
                hasBacktraceSetting = hasBacktraceSetting || text.hasPrefix(backtraceVariable + "=")
                entry += 1
            }
        }
        if !hasBacktraceSetting {
            owned.append(strdup("\(backtraceVariable)=enable=no"))
            environment.append(owned.last!)
        }
        environment.append(nil)
        let arguments: [UnsafeMutablePointer<CChar>?] = [owned[2], owned[3], nil]
        var pid: pid_t = 0
        let rc = cmp_spawn_worker("/proc/self/exe", arguments, environment, childEnd, &pid)
        guard rc == 0 else { throw Errno(rawValue: rc) }
        return pid
    }

    // MARK: Fork

    private static func fork(childEnd: Int32, parentEnd: Int32) throws(Errno) -> pid_t {
        let parent = getpid()
        let pid = try forkProcess()
        if pid == 0 {
            // The child: only async-signal-safe C until the worker loop, which
            // is synchronous Swift (see ProcessPool.StartMethod.fork).
            close(parentEnd)
            if cmp_prepare_forked_worker(childEnd) != 0 {
                _exit(WorkerExit.connectionLost.rawValue)
            }
            _swiftMultiprocessingWorkerMain(CMP_WORKER_FD, parent)
        }
        return pid
    }
}
