import ArgumentParser
import Foundation
import Licensing

/// Helpers shared by the `license` subcommands.
enum LicenseCLI {
    /// Prints one JSON document (sorted keys, ISO 8601 dates) on stdout.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try encoder.encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Parses an ISO 8601 instant (`2026-05-01T12:00:00Z`, fractional seconds allowed).
    static func parseDate(_ text: String, option: String) throws -> Date {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw ValidationError("\(option) must be an ISO 8601 instant such as 2026-05-01T12:00:00Z, got '\(text)'")
        }
        return date
    }

    /// Reads pinned public key files.
    static func readPublicKeys(_ paths: [String]) throws -> Result<[LicensePublicKey], LicensingError> {
        var keys: [LicensePublicKey] = []
        for path in paths {
            do {
                keys.append(try LicensePublicKey(jsonRepresentation: try CLIOutput.readInput(path)))
            } catch let error as LicensingError {
                return .failure(error)
            }
        }
        return .success(keys)
    }

    /// Writes `data` to `path`, refusing to replace an existing file unless `force`.
    static func write(_ data: Data, to path: String, force: Bool, permissions: Int = 0o644) throws -> Bool {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) && !force { return false }
        if force { try? manager.removeItem(atPath: path) }
        guard manager.createFile(atPath: path, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw ValidationError("cannot write '\(path)'")
        }
        return true
    }
}

extension LicensingError {
    /// Prints this error as the CLI's JSON error document and returns exit code 1.
    var exitCode: ExitCode { CLIOutput.fail(code: code.rawValue, message: message) }
}
