import ArgumentParser
import Foundation
import Licensing

/// `kisi-identity license check`: one gating decision from a state file.
struct LicenseCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether an actor may perform an action, and explain why.",
        discussion: """
            STATE.json (only organization.id and actor.id are required):
              {
                "organization": {
                  "id": "org_1",
                  "owners": [{"id": "u_owner", "password": true,
                              "mfa": true, "recovery_codes": false}],
                  "sso": {"active": true, "idp_metadata": true,
                          "idp_signing_certificate": true,
                          "sp_certificate": true},
                  "scim_enabled": false,
                  "directory_imports": 0,
                  "login_mode": "optional",
                  "password_login_enabled": true,
                  "user_count": 12,
                  "license_history": {
                    "newest_issued_at": "2026-01-01T00:00:00Z",
                    "has_had_paid_license": true}
                },
                "actor": {"id": "u_owner",
                          "reauthenticated_at": "2026-05-01T11:55:00Z"},
                "license": {"file": "license.txt"},
                "public_key_files": ["license-public.json"],
                "revoked_license_ids": [],
                "reauthentication_window_seconds": 900,
                "now": "2026-05-01T12:00:00Z"
              }
            "sso" omitted or null: no SSO connection. "login_mode": optional, required or \
            required_except_owners. "license": {"file": PATH} or {"envelope": TEXT}; omitted: no license. \
            Owner flags default to password true, mfa and recovery_codes false.

            Relative file paths are resolved against the state file's directory. --public-key adds pinned \
            keys; --now overrides "now" (default: the current time). The license is verified first; a license \
            that fails verification is a decision input (reason license_invalid), not an error.

            ACTION is one of: \(GatedAction.allCases.map(\.rawValue).joined(separator: ", ")).

            Prints the decision: {"action","actor_id","allowed","audit_event","explanations":[{"rule_id",\
            "reason","details"}],"license_id","license_state","organization_id","reasons","rule_ids",\
            "warnings"}. Exits 0 whenever a decision is printed (read "allowed"); 1 when the state file or a \
            key cannot be used; 64 on usage errors.
            """
    )

    @Option(help: "The state file (see below), or - for stdin.")
    var state: String

    @Option(help: "The action to decide (see the list below).")
    var action: String

    func validate() throws {
        if GatedAction(rawValue: action) == nil {
            throw ValidationError("unknown action '\(action)'; see --help for the list")
        }
    }

    @Option(help: "The instant to decide at (ISO 8601); overrides the state file's \"now\".")
    var now: String?

    @Option(name: .customLong("public-key"), help: "A pinned public key file. Repeat to pin several.")
    var publicKeys: [String] = []

    struct StateFile: Decodable {
        struct LicenseSource: Decodable {
            var envelope: String?
            var file: String?
        }
        var organization: OrganizationState
        var actor: ActingUser
        var license: LicenseSource?
        var publicKeyFiles: [String]?
        var revokedLicenseIDs: [String]?
        var reauthenticationWindowSeconds: Double?
        var now: Date?

        enum CodingKeys: String, CodingKey {
            case organization, actor, license
            case publicKeyFiles = "public_key_files"
            case revokedLicenseIDs = "revoked_license_ids"
            case reauthenticationWindowSeconds = "reauthentication_window_seconds"
            case now
        }
    }

    struct Output: Encodable {
        var decision: Decision

        enum Keys: String, CodingKey {
            case reasons
            case ruleIDs = "rule_ids"
            case auditEvent = "audit_event"
        }

        func encode(to encoder: any Encoder) throws {
            try decision.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(decision.reasons, forKey: .reasons)
            try container.encode(decision.ruleIDs, forKey: .ruleIDs)
            try container.encode(decision.auditEvent, forKey: .auditEvent)
        }
    }

    func run() async throws {
        let data = try CLIOutput.readInput(state)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let file: StateFile
        do {
            file = try decoder.decode(StateFile.self, from: data)
        } catch {
            throw CLIOutput.fail(code: "state_invalid", message: "The state file is not valid: \(Self.describe(error))")
        }
        let base =
            state == "-"
            ? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            : URL(fileURLWithPath: state).deletingLastPathComponent()
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
        }

        let keyPaths = publicKeys + (file.publicKeyFiles ?? []).map(resolve)
        let keys: [LicensePublicKey]
        switch try LicenseCLI.readPublicKeys(keyPaths) {
        case .success(let read): keys = read
        case .failure(let error): throw error.exitCode
        }
        var envelope: String?
        if let source = file.license {
            if let text = source.envelope {
                envelope = text
            } else if let path = source.file {
                envelope = String(decoding: try CLIOutput.readInput(resolve(path)), as: UTF8.self)
            } else {
                throw CLIOutput.fail(code: "state_invalid", message: "\"license\" needs \"envelope\" or \"file\".")
            }
        }
        if envelope != nil && keys.isEmpty {
            throw ValidationError("a license is given but no public key is pinned (--public-key or public_key_files)")
        }
        let instant = try now.map { try CLIOutput.parseInstant($0, option: "--now") } ?? file.now ?? Date()
        let policy = GatingPolicy(
            configuration: GatingConfiguration(
                reauthenticationWindow: file.reauthenticationWindowSeconds,
                revokedLicenseIDs: Set(file.revokedLicenseIDs ?? [])
            )
        )
        let decision = policy.decide(
            GatedAction(rawValue: action)!,
            actor: file.actor,
            organization: file.organization,
            license: LicenseEvidence(envelope: envelope, verifier: LicenseVerifier(trustedKeys: keys)),
            now: instant
        )
        try CLIOutput.printJSON(Output(decision: decision))
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "not JSON" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not JSON" : "bad value at \(path)"
        @unknown default:
            return "not JSON"
        }
    }
}
