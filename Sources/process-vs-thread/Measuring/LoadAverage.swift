/// The system's load average, which explains a poor parallel speedup: other
/// programs were running.
enum LoadAverage {
    /// The 1-minute load average from `/proc/loadavg`, or `nil` if unreadable.
    static func oneMinute() -> Double? {
        ProcFiles.read("/proc/loadavg")?.split(separator: " ").first.flatMap { Double($0) }
    }
}
