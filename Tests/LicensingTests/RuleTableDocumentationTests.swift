import Foundation
import Testing

@testable import Licensing

/// The rule table in the DocC article "Gating SSO and SCIM" is the table the code evaluates: same ids,
/// effects, actions, conditions and reason codes.
@Suite struct RuleTableDocumentationTests {
    static let article = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Licensing/Docs.docc/GatingSSOAndSCIM.md")

    /// Named action groups the article's "Actions" column may use, largest first.
    static let groups: [(String, Set<GatedAction>)] = [
        ("configuration", GatedAction.configuration),
        ("licensed configuration", GatedAction.licensedConfiguration),
        ("SSO configuration", GatedAction.ssoConfiguration),
        ("SCIM configuration", GatedAction.scimConfiguration),
        ("SSO runtime", GatedAction.ssoRuntime),
    ]

    static func actionsCell(_ actions: Set<GatedAction>) -> String {
        var remaining = actions
        var parts: [String] = []
        for (name, group) in groups where group.isSubset(of: remaining) {
            parts.append(name)
            remaining.subtract(group)
        }
        parts += remaining.sorted().map { "`\($0.rawValue)`" }
        return parts.joined(separator: ", ")
    }

    static func row(_ rule: PolicyRule) -> String {
        "| `\(rule.id)` | \(rule.effect.rawValue) | \(actionsCell(rule.actions)) | \(rule.condition) | `\(rule.reason.rawValue)` |"
    }

    @Test func articleTableMatchesTheRules() throws {
        let text = try String(contentsOf: Self.article, encoding: .utf8)
        let documented = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| `") }
        let expected = GatingPolicy.standardRules.map(Self.row)
        #expect(documented == expected, "expected table rows:\n\(expected.joined(separator: "\n"))")
    }

    @Test func everyReasonCodeOfTheIssueIsDocumented() throws {
        let text = try String(contentsOf: Self.article, encoding: .utf8)
        for code in [
            "not_owner", "org_has_no_owner", "reauth_required", "license_invalid", "license_org_mismatch",
            "license_not_started", "license_expired", "license_revoked", "sso_not_licensed", "scim_not_licensed",
            "sso_connection_exists", "scim_integration_exists", "sso_not_configured", "sso_not_ready",
            "no_break_glass", "would_lock_out", "seat_limit_reached",
        ] {
            #expect(text.contains("`\(code)`"), "\(code)")
        }
    }
}
