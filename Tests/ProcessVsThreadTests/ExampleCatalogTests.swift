import Foundation
import Testing

/// The package's root directory, found from this file's path.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Keeps Examples/ from rotting: every example directory is a target of the
/// package (so CI builds it, and `.ci/run` runs it to completion), and its
/// main.swift opens with a comment that says what it teaches and how to run it.
extension DemoTests {
    @Suite("Examples catalog", .timeLimit(.minutes(1)))
    struct ExampleCatalogTests {
        static let names: [String] = {
            let directory = packageRoot.appendingPathComponent("Examples")
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return entries.filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        }()

        @Test func theExamplesAreFound() {
            #expect(Self.names.count >= 8)
            #expect(Set(["pipe-duplex", "pipe-simplex", "connection-wait", "barrier", "bounded-semaphore",
                         "priority-queue", "inline-executor", "child-process"]).isSubset(of: Self.names))
        }

        @Test(arguments: names)
        func everyExampleIsATargetWithAHeader(_ name: String) throws {
            let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
            #expect(manifest.contains(#".executableTarget(name: "\#(name)""#) && manifest.contains(#"path: "Examples/\#(name)""#),
                    "Examples/\(name) has no executableTarget in Package.swift, so CI neither builds nor runs it")
            let source = try String(contentsOf: packageRoot.appendingPathComponent("Examples/\(name)/main.swift"), encoding: .utf8)
            let header = source.split(separator: "\n").prefix { $0.hasPrefix("//") }.joined(separator: "\n")
            #expect(header.count > 60, "Examples/\(name)/main.swift should open with a comment saying what it teaches")
            #expect(header.contains("swift run \(name)"), "the header of Examples/\(name) should say how to run it")
        }
    }
}
