import Foundation
import Testing

/// `kisi-identity license …` end to end through the built binary.
@Suite struct LicenseCLITests {
    /// A scratch directory with a generated key pair.
    struct Workspace {
        let directory: URL
        let keyID: String

        init() async throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("license-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let result = try await CLIRunner.run([
                "license", "keygen", "--out-private", directory.appendingPathComponent("private.json").path,
                "--out-public", directory.appendingPathComponent("public.json").path,
            ])
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            keyID = try #require(try result.json()["key_id"] as? String)
        }

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        /// Issues a license into `name` and returns its path.
        @discardableResult
        func issue(
            _ name: String = "license.txt", org: String = "org_1", features: String = "sso,scim", extra: [String] = []
        ) async throws -> String {
            let result = try await CLIRunner.run(
                [
                    "license", "issue", "--signing-key", path("private.json"), "--org", org, "--features", features,
                    "--days", "30", "--now", "2026-05-01T00:00:00Z", "--id", "lic_cli", "--out", path(name),
                ] + extra
            )
            #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
            return path(name)
        }

        func write(_ text: String, to name: String) throws -> String {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
            return path(name)
        }
    }

    @Test func keygenWritesAPrivateFileOnlyTheOwnerCanRead() async throws {
        let workspace = try await Workspace()
        let attributes = try FileManager.default.attributesOfItem(atPath: workspace.path("private.json"))
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let publicFile = try String(contentsOfFile: workspace.path("public.json"), encoding: .utf8)
        #expect(publicFile.contains(workspace.keyID))
        #expect(!publicFile.contains("private_key"))
    }

    @Test func keygenRefusesToOverwrite() async throws {
        let workspace = try await Workspace()
        let result = try await CLIRunner.run([
            "license", "keygen", "--out-private", workspace.path("private.json"), "--out-public",
            workspace.path("other.json"),
        ])
        #expect(result.exitCode == 1)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "file_exists")
    }

    @Test func issuedLicenseVerifiesWithStateAndWarnings() async throws {
        let workspace = try await Workspace()
        let license = try await workspace.issue(extra: ["--seats", "50"])
        let result = try await CLIRunner.run([
            "license", "verify", license, "--public-key", workspace.path("public.json"), "--now",
            "2026-05-10T00:00:00Z",
        ])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["state"] as? String == "active")
        #expect(json["key_id"] as? String == workspace.keyID)
        let payload = try #require(json["license"] as? [String: Any])
        #expect(payload["organization_id"] as? String == "org_1")
        #expect(payload["features"] as? [String] == ["scim", "sso"])
        #expect(payload["seats"] as? Int == 50)
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.first?["code"] as? String == "license_expires_in_30_days")
    }

    @Test(arguments: [
        ("2026-04-30T00:00:00Z", "not_started"), ("2026-06-05T00:00:00Z", "in_grace"),
        ("2026-07-01T00:00:00Z", "expired"),
    ])
    func verifyReportsTheStateAtNow(now: String, state: String) async throws {
        let workspace = try await Workspace()
        let license = try await workspace.issue()
        let result = try await CLIRunner.run([
            "license", "verify", license, "--public-key", workspace.path("public.json"), "--now", now,
        ])
        #expect(result.exitCode == 0)
        #expect(try result.json()["state"] as? String == state)
    }

    @Test func verifyChecksTheOrganizationAndRevocationWhenAsked() async throws {
        let workspace = try await Workspace()
        let license = try await workspace.issue(org: "org_1")
        let key = workspace.path("public.json")
        let base = ["license", "verify", license, "--public-key", key, "--now", "2026-05-10T00:00:00Z"]
        #expect(try await CLIRunner.run(base + ["--org", "org_2"]).json()["state"] as? String == "org_mismatch")
        #expect(try await CLIRunner.run(base + ["--revoked", "x,lic_cli"]).json()["state"] as? String == "revoked")
    }

    @Test func verifyReadsStdin() async throws {
        let workspace = try await Workspace()
        let license = try await Data(contentsOf: URL(fileURLWithPath: try workspace.issue()))
        let result = try await CLIRunner.run(
            ["license", "verify", "-", "--public-key", workspace.path("public.json"), "--now", "2026-05-10T00:00:00Z"],
            stdin: license
        )
        #expect(result.exitCode == 0)
        #expect(try result.json()["state"] as? String == "active")
    }

    /// Tampered, truncated and foreign-key licenses exit 1 with the exact code.
    @Test(arguments: ["tampered", "truncated", "other_key"])
    func verifyRefusesBadLicenses(kind: String) async throws {
        let workspace = try await Workspace()
        let text = try await String(contentsOfFile: try workspace.issue(), encoding: .utf8)
        let bad: String
        let code: String
        switch kind {
        case "tampered":
            var lines = text.split(separator: "\n").map(String.init)
            let index = try #require(lines.firstIndex(of: "Payload:")) + 2
            lines[index] = String(lines[index].reversed())
            bad = lines.joined(separator: "\n")
            code = "license_signature_invalid"
        case "truncated":
            bad = String(text.prefix(text.count - 40))
            code = "license_malformed"
        default:
            let other = try await Workspace()
            bad = try await String(contentsOfFile: try other.issue(), encoding: .utf8)
            code = "license_unknown_key"
        }
        let path = try workspace.write(bad, to: "bad.txt")
        let result = try await CLIRunner.run(["license", "verify", path, "--public-key", workspace.path("public.json")])
        #expect(result.exitCode == 1)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == code)
    }

    @Test func verifyNeedsAPublicKey() async throws {
        let workspace = try await Workspace()
        #expect(try await CLIRunner.run(["license", "verify", try workspace.issue()]).exitCode == 64)
    }

    @Test func issueRejectsUnknownFeaturesAsUsageErrors() async throws {
        let workspace = try await Workspace()
        let result = try await CLIRunner.run([
            "license", "issue", "--signing-key", workspace.path("private.json"), "--org", "o", "--features",
            "sso,teleport",
            "--days", "3",
        ])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("teleport"))
    }

    private func state(_ workspace: Workspace, actor: String = "u_owner", extra: String = "") throws -> String {
        try workspace.write(
            """
            {"organization": {"id": "org_1", "owners": [{"id": "u_owner", "mfa": true}],
              "sso": {"active": true, "idp_metadata": true, "idp_signing_certificate": true, "sp_certificate": true}},
             "actor": {"id": "\(actor)"}, "license": {"file": "license.txt"}, "public_key_files": ["public.json"],
             "now": "2026-05-10T00:00:00Z"\(extra)}
            """,
            to: "state-\(actor).json"
        )
    }

    @Test func checkAllowsTheOwnerAndExplains() async throws {
        let workspace = try await Workspace()
        try await workspace.issue()
        let result = try await CLIRunner.run(["license", "check", "--state", try state(workspace), "--action", "enable_scim"])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["allowed"] as? Bool == true)
        #expect(json["reasons"] as? [String] == ["owner_configuration"])
        #expect(json["rule_ids"] as? [String] == ["permit.owner_configuration"])
        #expect(json["license_state"] as? String == "active")
    }

    @Test func checkDeniesANonOwnerWithAnAuditEvent() async throws {
        let workspace = try await Workspace()
        try await workspace.issue()
        let result = try await CLIRunner.run([
            "license", "check", "--state", try state(workspace, actor: "u_admin"), "--action", "create_scim_token",
        ])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["allowed"] as? Bool == false)
        #expect(json["reasons"] as? [String] == ["not_owner", "scim_not_enabled"])
        let audit = try #require(json["audit_event"] as? [String: Any])
        #expect(audit["outcome"] as? String == "denied")
        #expect(audit["actor_id"] as? String == "u_admin")
        #expect(audit["license_id"] as? String == "lic_cli")
        #expect(audit["occurred_at"] as? String == "2026-05-10T00:00:00Z")
    }

    @Test func checkTreatsAnUnverifiableLicenseAsADecisionInput() async throws {
        let workspace = try await Workspace()
        let other = try await Workspace()
        let foreign = try await String(contentsOfFile: try other.issue(), encoding: .utf8)
        _ = try workspace.write(foreign, to: "license.txt")
        let result = try await CLIRunner.run(["license", "check", "--state", try state(workspace), "--action", "sso_login"])
        #expect(result.exitCode == 0)
        let json = try result.json()
        #expect(json["allowed"] as? Bool == false)
        #expect(json["reasons"] as? [String] == ["license_invalid"])
        let explanations = try #require(json["explanations"] as? [[String: Any]])
        #expect(explanations.first?["details"] as? [String] == ["license_unknown_key"])
    }

    @Test func checkNowOptionOverridesTheStateFile() async throws {
        let workspace = try await Workspace()
        try await workspace.issue()
        let result = try await CLIRunner.run([
            "license", "check", "--state", try state(workspace), "--action", "enable_scim", "--now",
            "2026-06-05T00:00:00Z",
        ])
        #expect(try result.json()["reasons"] as? [String] == ["license_in_grace"])
    }

    @Test func checkReportsAnInvalidStateFile() async throws {
        let workspace = try await Workspace()
        let path = try workspace.write(#"{"organization": {"id": 5}, "actor": {"id": "u"}}"#, to: "broken.json")
        let result = try await CLIRunner.run(["license", "check", "--state", path, "--action", "sso_login"])
        #expect(result.exitCode == 1)
        let error = try #require(try result.json()["error"] as? [String: Any])
        #expect(error["code"] as? String == "state_invalid")
    }

    @Test func checkRejectsUnknownActions() async throws {
        let workspace = try await Workspace()
        try await workspace.issue()
        let result = try await CLIRunner.run([
            "license", "check", "--state", try state(workspace), "--action", "launch_rockets",
        ])
        #expect(result.exitCode == 64)
    }

    @Test func helpSaysIssueAndKeygenAreForDevelopment() async throws {
        let group = try await CLIRunner.run(["license", "--help"])
        #expect(group.exitCode == 0)
        for name in ["verify", "check", "issue", "keygen"] { #expect(group.stdout.contains(name)) }
        for command in ["issue", "keygen"] {
            let help = try await CLIRunner.run(["license", command, "--help"])
            #expect(help.stdout.contains("For development and tests only"), "\(command)")
        }
        let check = try await CLIRunner.run(["license", "check", "--help"])
        for key in [
            "organization", "owners", "login_mode", "public_key_files", "revoked_license_ids",
            "set_login_mode_required",
        ] {
            #expect(check.stdout.contains(key), "\(key)")
        }
    }
}
