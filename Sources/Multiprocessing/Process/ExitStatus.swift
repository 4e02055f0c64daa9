internal import MultiprocessingPlatform
#if canImport(Glibc)
import Glibc
#endif

/// How a process ended: it exited with a code, or a signal killed it.
///
/// ```swift
/// switch try child.join() {
/// case .exited(0): print("success")
/// case .exited(let code): print("failed with \(code)")
/// case .signaled(let signal): print("killed by signal \(signal)")
/// }
/// ```
public enum ExitStatus: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The process called `exit` or `_exit` (or returned from `main`) with
    /// this code, truncated by the kernel to 0...255.
    case exited(Int32)
    /// The process was terminated by this signal (`SIGKILL` is 9, `SIGTERM` 15,
    /// a Swift trap raises `SIGILL` or `SIGTRAP`).
    case signaled(Int32)

    /// Whether the process exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// Decodes a status in the encoding of `waitpid(2)`.
    init(_ status: WaitStatus) {
        self = status.terminatingSignal.map(ExitStatus.signaled) ?? .exited(status.exitCode)
    }

    public var description: String {
        switch self {
        case .exited(let code):
            "exited with code \(code)"
        case .signaled(let signal):
            "killed by signal \(signal)\(Self.signalName(signal).map { " (\($0))" } ?? "")"
        }
    }

    /// The conventional name of a signal number, such as `SIGKILL`, or `nil` if unusual.
    public static func signalName(_ signal: Int32) -> String? {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGUSR1: "SIGUSR1"
        case SIGSEGV: "SIGSEGV"
        case SIGUSR2: "SIGUSR2"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        default: nil
        }
    }
}
