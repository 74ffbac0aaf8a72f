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
