import Foundation
import Testing

@testable import Licensing

/// An independent statement of the documented rule table, written as plain conditions over the test
/// domain. The exhaustive suite checks the rule engine against it case by case.
enum Oracle {
    struct Expectation: Equatable, CustomStringConvertible {
        var allowed: Bool
        var reasons: Set<String>
        var advice: Set<String>
        var description: String { "allowed=\(allowed) reasons=\(reasons.sorted()) advice=\(advice.sorted())" }
    }

    static let licenseCodes: [LicenseState: String] = [
        .missing: "license_missing", .invalid: "license_invalid", .wrongProduct: "license_wrong_product",
        .orgMismatch: "license_org_mismatch", .revoked: "license_revoked", .superseded: "license_superseded",
        .expired: "license_expired", .notActivated: "license_not_activated", .notStarted: "license_not_started",
        .inGrace: "license_in_grace",
    ]

    static let configuration: Set<GatedAction> = [
        .installLicense, .createSSOConnection, .uploadIdPMetadata, .generateSPCertificate, .rotateSPCertificate,
        .activateSSO, .deactivateSSO, .deleteSSO, .setLoginModeOptional, .setLoginModeRequired,
        .setLoginModeRequiredExceptOwners, .enablePasswordLogin, .disablePasswordLogin, .enableSCIM, .disableSCIM,
        .createSCIMToken, .revokeSCIMToken, .addDirectoryImport, .removeDirectoryImport,
    ]
    static let needsSSO: Set<GatedAction> = [
        .createSSOConnection, .uploadIdPMetadata, .generateSPCertificate, .rotateSPCertificate, .activateSSO,
        .setLoginModeRequired, .setLoginModeRequiredExceptOwners, .disablePasswordLogin, .ssoLogin, .createUserJIT,
    ]
    static let needsSCIM: Set<GatedAction> = [.enableSCIM, .createSCIMToken]
    static let runtime: Set<GatedAction> = [.ssoLogin, .createUserJIT]
    static let licensedConfig = needsSSO.subtracting(runtime).union(needsSCIM).union([.addDirectoryImport])

    static func expect(_ c: GateCase) -> Expectation {
        let a = c.action
        let state = c.license.expectedState
        let payload: License? = if case .verified(let l) = c.evidence { l } else { nil }
        let features = payload?.features ?? []
        let isOwner = c.role.isOwner
        let breakGlassOwner = c.role == .ownerWithBreakGlass
        let anyBreakGlass = c.role == .ownerWithBreakGlass || c.role == .memberBreakGlassOwner
        let ssoExists = c.sso != .none
        let ssoActive = c.sso == .active
        let usable = ssoActive && (state == .active || state == .inGrace) && features.contains(.sso)

        var permit = false
        var forbid: Set<String> = []
        var advice: Set<String> = []

        if configuration.contains(a) {
            permit = isOwner
            if c.role == .memberNoOwner { forbid.insert("org_has_no_owner") }
            if !isOwner { forbid.insert("not_owner") }
            if c.reauth.isStale { forbid.insert("reauth_required") }
        }
        // License state: configuration that needs a license and SSO runtime need `active`
        // (runtime also accepts `in_grace`); installing a license accepts not started / not activated / grace.
        if licensedConfig.contains(a) || runtime.contains(a) || a == .installLicense, let code = licenseCodes[state] {
            let graceOK = runtime.contains(a) || a == .installLicense
            let pendingOK = a == .installLicense
            let skip = (state == .inGrace && graceOK) || ((state == .notStarted || state == .notActivated) && pendingOK)
            if !skip { forbid.insert(code) }
        }
        if payload != nil {
            if needsSSO.contains(a) && !features.contains(.sso) { forbid.insert("sso_not_licensed") }
            if needsSCIM.contains(a) && !features.contains(.scim) { forbid.insert("scim_not_licensed") }
            if a == .addDirectoryImport && !features.contains(.directoryImport) {
                forbid.insert("directory_import_not_licensed")
            }
        }

        switch a {
        case .createSSOConnection:
            if ssoExists { forbid.insert("sso_connection_exists") }
        case .uploadIdPMetadata, .generateSPCertificate:
            if !ssoExists { forbid.insert("sso_connection_missing") }
        case .rotateSPCertificate:
            if !ssoExists { forbid.insert("sso_connection_missing") }
            if c.sso == .notReady { forbid.insert("sp_certificate_missing") }
        case .activateSSO:
            if !ssoExists { forbid.insert("sso_connection_missing") }
            if c.sso == .notReady { forbid.insert("sso_not_ready") }
        case .deactivateSSO, .deleteSSO:
            if !ssoExists { forbid.insert("sso_connection_missing") }
            if ssoExists && c.mode != .optional { forbid.insert("would_lock_out") }
            if a == .deleteSSO && ssoExists && c.scim { forbid.insert("scim_depends_on_sso") }
        case .setLoginModeRequired:
            if !ssoActive { forbid.insert("sso_not_active") }
            if !anyBreakGlass { forbid.insert("no_break_glass") }
        case .setLoginModeRequiredExceptOwners, .disablePasswordLogin:
            if !ssoActive { forbid.insert("sso_not_active") }
        case .enableSCIM:
            if c.scim { forbid.insert("scim_integration_exists") }
            if !ssoActive { forbid.insert("sso_not_configured") }
        case .createSCIMToken, .revokeSCIMToken, .disableSCIM:
            if !c.scim { forbid.insert("scim_not_enabled") }
        case .removeDirectoryImport:
            if c.directoryImports == 0 { forbid.insert("directory_import_missing") }
        case .ssoLogin, .createUserJIT:
            permit = usable
            if !ssoActive { forbid.insert("sso_not_active") }
            if a == .createUserJIT, c.license == .activeSeatsFull { forbid.insert("seat_limit_reached") }
        case .passwordLogin:
            let requiresSSO = c.mode == .required || (c.mode == .requiredExceptOwners && !isOwner)
            let exempt = breakGlassOwner || (isOwner && !usable)
            permit = (c.passwordLogin && !requiresSSO) || exempt
            if !c.passwordLogin && !exempt { forbid.insert("password_login_disabled") }
            if requiresSSO && !exempt { forbid.insert("sso_required") }
            let refusedOtherwise = requiresSSO || !c.passwordLogin
            if breakGlassOwner && refusedOtherwise { advice.insert("break_glass_login") }
            if isOwner && !breakGlassOwner && !usable && refusedOtherwise { advice.insert("owner_login_fallback") }
        case .installLicense, .setLoginModeOptional, .enablePasswordLogin, .addDirectoryImport:
            break
        }

        let allowed = permit && forbid.isEmpty
        let reasons: Set<String>
        if !forbid.isEmpty {
            reasons = forbid
        } else if permit {
            reasons = [
                a.isConfiguration
                    ? "owner_configuration" : (a == .passwordLogin ? "password_login_available" : "sso_available")
            ]
        } else {
            reasons = ["no_permit"]
        }
        return Expectation(allowed: allowed, reasons: reasons, advice: advice)
    }
}

@Suite struct ExhaustiveGatingTests {
    /// roles × license situations × login modes × SSO shapes × SCIM × directory imports × password switch ×
    /// re-authentication, for each action, against ``Oracle``.
    @Test(arguments: GatedAction.allCases)
    func everyCaseMatchesTheDocumentedTable(action: GatedAction) {
        var mismatches: [String] = []
        let cases = GateCase.all(for: action)
        for c in cases {
            let decision = c.decide()
            let expected = Oracle.expect(c)
            let advice = Set(decision.warnings.map(\.code)).intersection(["break_glass_login", "owner_login_fallback"])
            let actual = Oracle.Expectation(
                allowed: decision.allowed,
                reasons: Set(decision.reasons.map(\.rawValue)),
                advice: advice
            )
            if actual != expected, mismatches.count < 5 {
                mismatches.append("\(c): expected \(expected), got \(actual)")
            }
        }
        #expect(cases.count == 5 * 16 * 3 * 4 * 2 * 2 * 2 * 3)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test(arguments: LicenseScenario.allCases)
    func licenseScenariosAssessToTheirState(scenario: LicenseScenario) {
        let c = GateCase(
            action: .ssoLogin, role: .ownerWithBreakGlass, license: scenario, mode: .optional, sso: .active,
            scim: false, directoryImports: 0, passwordLogin: true, reauth: .notRequired
        )
        #expect(c.facts().license.state == scenario.expectedState)
    }

    /// Decisions do not depend on the order of the rule table: reversed and shuffled tables give identical
    /// decisions on a slice of the domain covering every action.
    @Test func ruleOrderNeverMatters() {
        var generator = SplitMix64(seed: 7)
        let tables =
            ([Array(GatingPolicy.standardRules.reversed())]
            + (0..<4).map { _ in
                GatingPolicy.standardRules.shuffled(using: &generator)
            }).map(GateCase.policies(rules:))
        var checked = 0
        for action in GatedAction.allCases {
            for (index, c) in GateCase.all(for: action).enumerated() where index % 37 == 0 {
                let reference = c.decide()
                for table in tables {
                    #expect(c.decide(policies: table) == reference, "\(c)")
                }
                checked += 1
            }
        }
        #expect(checked > 1000)
    }
}

/// A small deterministic generator for shuffles.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
