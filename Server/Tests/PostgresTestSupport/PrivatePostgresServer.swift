import Foundation

/// Runs `Scripts/postgres-test-server.sh` with a private state directory, so stopping this server does not
/// disturb the shared one other tests use. `run("start")` returns its URL; `pause`, `resume` and `stop` follow.
public struct PrivatePostgresServer: Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scripts/postgres-test-server.sh").path
    /// The server's private state directory.
    public let directory: String

    /// Creates a handle; nothing runs until `run("start")`.
    public init() {
        directory = "/tmp/kisi-postgres-fault-" + UUID().uuidString.prefix(8)
    }

    /// Runs the script without blocking a cooperative thread (its output goes to a file, not a pipe a forked
    /// server could hold open).
    @discardableResult
    public func run(_ command: String) async throws -> String {
        let output = URL(fileURLWithPath: directory + "-\(command).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, command]
        process.environment = ProcessInfo.processInfo.environment.merging(["KISI_POSTGRES_DIR": directory]) { $1 }
        process.standardOutput = handle
        process.standardInput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else { throw ScriptFailed(command: command) }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts a private server, runs `body` with its URL and this handle (to `pause`/`resume` it), and stops it
    /// whether `body` returns or throws.
    public static func withServer<Result: Sendable>(
        _ body: (String, PrivatePostgresServer) async throws -> Result
    ) async throws -> Result {
        let server = PrivatePostgresServer()
        let url = try await server.run("start")
        let result: Result
        do {
            result = try await body(url, server)
        } catch {
            _ = try? await server.run("stop")
            throw error
        }
        try await server.run("stop")
        return result
    }

    /// The script exited with a failure.
    public struct ScriptFailed: Error { public let command: String }
}

