import Foundation
import Testing

/// Runs the built `kisi-identity` binary (it sits beside the test bundle) and captures its output.
struct CLIRunner {
    struct Result {
        var exitCode: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as one JSON object.
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            return try #require(object as? [String: Any], "stdout is not a JSON object: \(stdout)")
        }
    }

    /// The directory holding the build products (the test bundle's own directory).
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The repository root (the library package, one level above `Server/`), for the SAML fixtures under `Tests/`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs `kisi-identity` with `arguments`, optionally feeding `stdin`; kills it after `timeout` seconds.
    ///
    /// The waiting happens on a thread of its own, not on one of the cooperative threads (2 on a 2-core machine),
    /// which every async test of the run shares: a child that runs for seconds must not hold one of them.
    static func run(
        _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil, timeout: Double = 120
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Swift.Result {
                        try runBlocking(arguments, stdin: stdin, environment: environment, timeout: timeout)
                    })
            }.start()
        }
    }

    private static func runBlocking(
        _ arguments: [String], stdin: Data?, environment: [String: String]?, timeout: Double
    ) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("kisi-identity")
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // A command still running after `timeout` is killed (and fails the test), so a stuck command cannot
        // stall the test run.
        let watchdog = DispatchWorkItem { [process] in
            guard process.isRunning else { return }
            Issue.record("kisi-identity \(arguments.prefix(3).joined(separator: " ")) ran over \(timeout) s; killed")
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Drain stderr on another thread while stdout is read, so a full pipe never blocks the child.
        let errBox = DataBox()
        let errThread = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        errThread.start()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errBox.isDone { Thread.sleep(forTimeInterval: 0.001) }
        let errData = errBox.data
        return Result(
            exitCode: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

/// Hand-off of the stderr bytes between the reader thread and the test; guarded by a lock.
private final class DataBox: @unchecked Sendable {
    // @unchecked: every access to `storage`/`done` goes through `lock`.
    private let lock = NSLock()
    private var storage = Data()
    private var done = false
    var data: Data {
        get { lock.withLock { storage } }
        set { lock.withLock { storage = newValue; done = true } }
    }
    var isDone: Bool { lock.withLock { done } }
}
