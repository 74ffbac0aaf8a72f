import ArgumentParser
import Foundation

/// Shared output conventions of every subcommand: one JSON document on stdout, diagnostics on stderr.
enum CLIOutput {
    /// Prints a JSON value (sorted keys, no escaped slashes, ISO 8601 dates) followed by a newline on stdout.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Parses an ISO 8601 instant (`2026-05-01T12:00:00Z`, fractional seconds allowed); a usage error otherwise.
    static func parseInstant(_ text: String, option: String) throws -> Date {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw ValidationError("\(option) must be an ISO 8601 instant such as 2026-05-01T12:00:00Z, got '\(text)'")
        }
        return date
    }

    /// Writes a line to stderr.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints `{"error":{"code":…,"message":…}}` on stdout and returns the exit code 1 (throw it).
    static func fail(code: String, message: String) -> ExitCode {
        struct Envelope: Encodable {
            struct Body: Encodable {
                let code: String
                let message: String
            }
            let error: Body
        }
        try? printJSON(Envelope(error: .init(code: code, message: message)))
        return ExitCode(1)
    }

    /// Writes `data` to `path` through a new file created with `mode` (a private key is never briefly readable
    /// by others), replacing an existing file. Callers decide beforehand whether replacing is allowed.
    static func writeFile(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.close()
    }

    /// Reads a whole file, or stdin when `path` is `-`.
    static func readInput(_ path: String) throws -> Data {
        if path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read file '\(path)'")
        }
        return data
    }
}
