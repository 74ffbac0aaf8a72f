import ArgumentParser
import Foundation
import Licensing

/// `kisi-identity license issue` (development and tests only).
struct LicenseIssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Sign a license with a local key. For development and tests only.",
        discussion: """
            For development and tests only: production licenses come from the vendor's signing service. \
            Prints {"envelope": "<text>", "license": {…}, "written_to": FILE?}; with --out the envelope is \
            also written to FILE (never overwriting unless --force).
            """
    )

    @Option(name: .customLong("signing-key"), help: "The private key file (from keygen).")
    var signingKey: String

    @Option(help: "The organization id the license belongs to.")
    var org: String

    @Option(help: "Comma-separated features: sso, scim, directory_import (empty for none).")
    var features: String

    @Option(help: "Validity in days from --not-before.")
    var days: Int

    @Option(help: "trial or paid.")
    var kind: String = LicenseKind.paid.rawValue

    @Option(help: "The license id; defaults to lic_ and a random UUID.")
    var id: String?

    @Option(help: "Seat limit (omit for unlimited).")
    var seats: Int?

    @Option(name: .customLong("grace-days"), help: "Grace days after expiry.")
    var graceDays: Int = License.defaultGraceDays

    @Option(help: "The issue instant (ISO 8601); defaults to the current time.")
    var now: String?

    @Option(name: .customLong("not-before"), help: "Start of validity (ISO 8601); defaults to the issue instant.")
    var notBefore: String?

    @Flag(help: "Issue the license pending activation.")
    var pending = false

    @Option(help: "Write the envelope to this file.")
    var out: String?

    @Flag(help: "Overwrite --out if it exists.")
    var force = false

    func validate() throws {
        if LicenseKind(rawValue: kind) == nil { throw ValidationError("--kind must be trial or paid") }
        if days <= 0 { throw ValidationError("--days must be positive") }
        if let seats, seats < 0 { throw ValidationError("--seats must not be negative") }
        if graceDays < 0 || graceDays > 365 { throw ValidationError("--grace-days must be between 0 and 365") }
        _ = try parsedFeatures()
    }

    func parsedFeatures() throws -> Set<LicenseFeature> {
        var result: Set<LicenseFeature> = []
        for name in features.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty
        {
            guard let feature = LicenseFeature(rawValue: name) else {
                throw ValidationError("unknown feature '\(name)'; use sso, scim, directory_import")
            }
            result.insert(feature)
        }
        return result
    }

    struct Output: Encodable {
        var envelope: String
        var license: License
        var writtenTo: String?

        enum CodingKeys: String, CodingKey {
            case envelope, license
            case writtenTo = "written_to"
        }
    }

    func run() async throws {
        let issuedAt = try now.map { try CLIOutput.parseInstant($0, option: "--now") } ?? Date()
        let start = try notBefore.map { try CLIOutput.parseInstant($0, option: "--not-before") } ?? issuedAt
        let key: LicenseSigningKey
        do {
            key = try LicenseSigningKey(jsonRepresentation: try CLIOutput.readInput(signingKey))
        } catch let error as LicensingError {
            throw error.exitCode
        }
        let license = License(
            id: id ?? "lic_" + UUID().uuidString.lowercased(),
            organizationID: org,
            kind: LicenseKind(rawValue: kind) ?? .paid,
            features: try parsedFeatures(),
            seats: seats,
            issuedAt: issuedAt,
            notBefore: start,
            notAfter: start.addingTimeInterval(TimeInterval(days) * 86_400),
            graceDays: graceDays,
            activation: pending ? .pending : .activated
        )
        let text: String
        do {
            text = try LicenseSigner(signingKey: key).sign(license).text
        } catch {
            throw error.exitCode
        }
        if let out {
            guard try LicenseCLI.write(Data(text.utf8), to: out, force: force) else {
                throw CLIOutput.fail(code: "file_exists", message: "'\(out)' exists; pass --force to replace it.")
            }
        }
        try CLIOutput.printJSON(Output(envelope: text, license: license, writtenTo: out))
    }
}
