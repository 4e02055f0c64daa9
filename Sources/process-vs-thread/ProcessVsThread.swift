import ArgumentParser
import Multiprocessing

/// `swift run process-vs-thread`: measures, on this machine, how processes and
/// threads differ, and prints each result with the lesson it teaches.
@main
struct ProcessVsThread: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process-vs-thread",
        abstract: "Processes or threads? Measured live on this machine.")

    @Flag(help: "Fewer repetitions: a rougher answer in a fraction of the time.")
    var quick = false

    @Flag(help: "Print the results as JSON instead of text.")
    var json = false

    func run() throws {
        let settings = DemoSettings(quick: quick)
        let progress = Progress(enabled: !json)
        var findings: [Finding] = []
        for experiment in Experiment.all {
            progress.starting(experiment.title)
            let finding = try experiment.run(settings)
            findings.append(finding)
            progress.finished(finding)
        }
        if json {
            print(try Report(findings: findings, settings: settings).json())
        }
    }
}

/// How hard the experiments work.
struct DemoSettings: Codable, Sendable {
    var quick: Bool
    /// Repetitions of a start-up measurement.
    var startupRepetitions: Int { quick ? 40 : 300 }
}
