import ArgumentParser
import Foundation

/// Shared output conventions of every subcommand: one JSON document on stdout, diagnostics on stderr.
enum CLIOutput {
    /// Prints a JSON value (sorted keys, no escaped slashes) followed by a newline on stdout.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
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
