import ArgumentParser
import Foundation
import Licensing

/// `kisi-identity license verify`.
struct LicenseVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a license envelope against pinned public keys and print its state and warnings.",
        discussion: """
            The key is chosen by the envelope's Key-Id among the --public-key files; the algorithm is always \
            Ed25519. Prints {"key_id","license","state","usable_for_logins","usable_for_configuration","warnings"}. \
            A license that verifies exits 0 whatever its state (read "state"); one that does not verify prints \
            {"error":{"code":…}} with license_malformed, license_unknown_key, license_signature_invalid or \
            license_payload_invalid and exits 1.
            """
    )

    @Argument(help: "The license envelope file, or - for stdin.")
    var licenseFile: String

    @Option(name: .customLong("public-key"), help: "A pinned public key file (from keygen). Repeat to pin several.")
    var publicKeys: [String]

    @Option(help: "The instant to evaluate at (ISO 8601); defaults to the current time.")
    var now: String?

    @Option(help: "The organization the license must belong to; without it the organization is not checked.")
    var org: String?

    @Option(help: "License ids to treat as revoked (comma-separated).")
    var revoked: String?

    func validate() throws {
        if publicKeys.isEmpty { throw ValidationError("at least one --public-key is required") }
    }

    struct Output: Encodable {
        var keyID: String
        var license: License
        var state: LicenseState
        var usableForLogins: Bool
        var usableForConfiguration: Bool
        var warnings: [DecisionWarning]

        enum CodingKeys: String, CodingKey {
            case keyID = "key_id"
            case license, state
            case usableForLogins = "usable_for_logins"
            case usableForConfiguration = "usable_for_configuration"
            case warnings
        }
    }

    func run() async throws {
        let instant = try now.map { try CLIOutput.parseInstant($0, option: "--now") } ?? Date()
        let keys: [LicensePublicKey]
        switch try LicenseCLI.readPublicKeys(publicKeys) {
        case .success(let read): keys = read
        case .failure(let error): throw error.exitCode
        }
        let text = String(decoding: try CLIOutput.readInput(licenseFile), as: UTF8.self)
        let envelope: LicenseEnvelope
        let license: License
        do {
            envelope = try LicenseEnvelope(parsing: text)
            license = try LicenseVerifier(trustedKeys: keys).verify(envelope)
        } catch {
            throw error.exitCode
        }
        let revokedIDs = Set(
            (revoked ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
        let assessment = LicenseAssessment(
            evidence: .verified(license),
            organizationID: org,
            revokedLicenseIDs: revokedIDs,
            now: instant
        )
        try CLIOutput.printJSON(
            Output(
                keyID: envelope.keyID,
                license: license,
                state: assessment.state,
                usableForLogins: assessment.allowsLogins,
                usableForConfiguration: assessment.state == .active,
                warnings: assessment.warnings
            )
        )
    }
}
