import ArgumentParser
import Foundation
import Licensing

/// Helpers shared by the `license` subcommands.
enum LicenseCLI {
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
    static func write(_ data: Data, to path: String, force: Bool, permissions: mode_t = 0o644) throws -> Bool {
        if FileManager.default.fileExists(atPath: path) && !force { return false }
        do { try CLIOutput.writeFile(data, to: path, mode: permissions) } catch {
            throw ValidationError("cannot write '\(path)'")
        }
        return true
    }
}

extension LicensingError {
    /// Prints this error as the CLI's JSON error document and returns exit code 1.
    var exitCode: ExitCode { CLIOutput.fail(code: code.rawValue, message: message) }
}
