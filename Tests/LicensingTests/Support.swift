import Crypto
import Foundation

@testable import Licensing

/// Fixed instants, keys and licenses shared by the suites.
enum Fixture {
    static let day: TimeInterval = 86_400
    /// 2026-01-01T00:00:00Z.
    static let issued = Date(timeIntervalSince1970: 1_767_225_600)
    /// Mid-validity instant: 100 days after issue (265 days before expiry).
    static let now = issued.addingTimeInterval(100 * day)
    static let orgID = "org_acme"

    /// Deterministic signing keys (raw seeds), so failures reproduce.
    static let signingKey = key(seed: 1, keyID: "k-test")
    static let otherKey = key(seed: 2, keyID: "k-other")

    static func key(seed: UInt8, keyID: String) -> LicenseSigningKey {
        let raw = Data(repeating: seed, count: 32)
        // A 32-byte seed is always a valid Ed25519 private key.
        return LicenseSigningKey(key: try! Curve25519.Signing.PrivateKey(rawRepresentation: raw), keyID: keyID)
    }

    static let verifier = LicenseVerifier(trustedKeys: [signingKey.publicKey])

    static func license(
        id: String = "lic_1",
        org: String = orgID,
        kind: LicenseKind = .paid,
        features: Set<LicenseFeature> = Set(LicenseFeature.allCases),
        seats: Int? = nil,
        issuedAt: Date = issued,
        notBefore: Date = issued,
        days: Double = 365,
        graceDays: Int = 14,
        activation: LicenseActivation = .activated,
        product: String = License.defaultProduct
    ) -> License {
        License(
            id: id,
            organizationID: org,
            product: product,
            kind: kind,
            features: features,
            seats: seats,
            issuedAt: issuedAt,
            notBefore: notBefore,
            notAfter: notBefore.addingTimeInterval(days * day),
            graceDays: graceDays,
            activation: activation
        )
    }

    static func envelope(_ license: License = license(), key: LicenseSigningKey = signingKey) -> String {
        try! LicenseSigner(signingKey: key).sign(license).text
    }
}

/// The license situations the exhaustive and property suites range over. Each yields evidence, an
/// organization license history and the revocation list that produce it at ``Fixture/now``.
enum LicenseScenario: String, CaseIterable, Sendable {
    case missing, invalid, wrongProduct, orgMismatch, revoked, superseded, trialAfterPaid, notActivated, notStarted
    case expired, inGrace, activeAll, activeSSOOnly, activeNoFeatures, activeSeatsFull, activeSeatsFree

    /// The state the scenario must assess to.
    var expectedState: LicenseState {
        switch self {
        case .missing: .missing
        case .invalid: .invalid
        case .wrongProduct: .wrongProduct
        case .orgMismatch: .orgMismatch
        case .revoked: .revoked
        case .superseded, .trialAfterPaid: .superseded
        case .notActivated: .notActivated
        case .notStarted: .notStarted
        case .expired: .expired
        case .inGrace: .inGrace
        case .activeAll, .activeSSOOnly, .activeNoFeatures, .activeSeatsFull, .activeSeatsFree: .active
        }
    }

    /// Seats are compared with this user count.
    static let userCount = 3

    /// The evidence of each scenario, built once.
    static let evidenceTable: [LicenseScenario: LicenseEvidence] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, $0.makeEvidence()) }
    )

    var evidence: LicenseEvidence { Self.evidenceTable[self]! }

    private func makeEvidence() -> LicenseEvidence {
        let f = Fixture.self
        switch self {
        case .missing: return .none
        case .invalid: return .rejected(.signatureInvalid)
        case .wrongProduct: return .verified(f.license(product: "other-product"))
        case .orgMismatch: return .verified(f.license(org: "org_other"))
        case .revoked: return .verified(f.license(id: "lic_revoked"))
        case .superseded: return .verified(f.license(issuedAt: f.issued.addingTimeInterval(-f.day)))
        case .trialAfterPaid: return .verified(f.license(kind: .trial))
        case .notActivated: return .verified(f.license(activation: .pending))
        case .notStarted: return .verified(f.license(notBefore: f.now.addingTimeInterval(f.day)))
        case .expired: return .verified(f.license(days: 80))
        case .inGrace: return .verified(f.license(days: 95))
        case .activeAll: return .verified(f.license())
        case .activeSSOOnly: return .verified(f.license(features: [.sso]))
        case .activeNoFeatures: return .verified(f.license(features: []))
        case .activeSeatsFull: return .verified(f.license(seats: Self.userCount))
        case .activeSeatsFree: return .verified(f.license(seats: Self.userCount + 1))
        }
    }

    var history: LicenseHistory {
        switch self {
        case .superseded: LicenseHistory(newestIssuedAt: Fixture.issued, hasHadPaidLicense: true)
        case .trialAfterPaid:
            LicenseHistory(
                newestIssuedAt: Fixture.issued.addingTimeInterval(-30 * Fixture.day), hasHadPaidLicense: true)
        default: LicenseHistory(newestIssuedAt: Fixture.issued, hasHadPaidLicense: false)
        }
    }

    static let revokedIDs: Set<String> = ["lic_revoked"]
}

/// Who is acting, and who owns the organization.
enum RoleScenario: String, CaseIterable, Sendable {
    /// The actor is the owner and has password + MFA.
    case ownerWithBreakGlass
    /// The actor is the owner with a password only.
    case ownerWithoutBreakGlass
    /// The actor is a member; another owner has break-glass.
    case memberBreakGlassOwner
    /// The actor is a member; the owner has no break-glass.
    case memberPlainOwner
    /// The actor is a member of an organization without any owner.
    case memberNoOwner

    static let actorID = "u_actor"

    var owners: [OwnerAccount] {
        switch self {
        case .ownerWithBreakGlass: [OwnerAccount(id: Self.actorID, hasPassword: true, hasMFA: true)]
        case .ownerWithoutBreakGlass: [OwnerAccount(id: Self.actorID, hasPassword: true)]
        case .memberBreakGlassOwner: [OwnerAccount(id: "u_owner", hasRecoveryCodes: true)]
        case .memberPlainOwner: [OwnerAccount(id: "u_owner")]
        case .memberNoOwner: []
        }
    }

    var isOwner: Bool { self == .ownerWithBreakGlass || self == .ownerWithoutBreakGlass }
}

/// The SSO connection's shape.
enum SSOScenario: String, CaseIterable, Sendable {
    case none, notReady, readyInactive, active

    var state: SSOConnectionState? {
        switch self {
        case .none: nil
        case .notReady: SSOConnectionState()
        case .readyInactive:
            SSOConnectionState(
                isActive: false, hasIdPMetadata: true, hasIdPSigningCertificate: true, hasSPCertificate: true)
        case .active:
            SSOConnectionState(
                isActive: true, hasIdPMetadata: true, hasIdPSigningCertificate: true, hasSPCertificate: true)
        }
    }
}

/// The re-authentication requirement and the actor's last re-authentication.
enum ReauthScenario: String, CaseIterable, Sendable {
    /// The host does not require re-authentication.
    case notRequired
    /// Required within 15 minutes; the actor re-authenticated 5 minutes ago.
    case fresh
    /// Required within 15 minutes; the actor re-authenticated an hour ago.
    case stale
    /// Required; the actor never re-authenticated.
    case never

    var window: TimeInterval? { self == .notRequired ? nil : 900 }
    var reauthenticatedAt: Date? {
        switch self {
        case .notRequired, .never: nil
        case .fresh: Fixture.now.addingTimeInterval(-300)
        case .stale: Fixture.now.addingTimeInterval(-3600)
        }
    }
    /// `never` behaves like `stale` (covered by a unit test); the exhaustive domain leaves it out.
    static let exhaustiveDomain: [ReauthScenario] = [.notRequired, .fresh, .stale]

    var isStale: Bool { self == .stale || self == .never }
}

/// One point of the exhaustive domain.
struct GateCase: Sendable, CustomStringConvertible {
    var action: GatedAction
    var role: RoleScenario
    var license: LicenseScenario
    var mode: LoginMode
    var sso: SSOScenario
    var scim: Bool
    var directoryImports: Int
    var passwordLogin: Bool
    var reauth: ReauthScenario
    var now: Date = Fixture.now

    var evidence: LicenseEvidence { license.evidence }

    var description: String {
        "\(action.rawValue) role=\(role) license=\(license) mode=\(mode.rawValue) sso=\(sso) scim=\(scim) "
            + "imports=\(directoryImports) password=\(passwordLogin) reauth=\(reauth)"
    }

    var actor: ActingUser { ActingUser(id: RoleScenario.actorID, reauthenticatedAt: reauth.reauthenticatedAt) }

    var organization: OrganizationState {
        OrganizationState(
            id: Fixture.orgID,
            owners: role.owners,
            sso: sso.state,
            scimEnabled: scim,
            directoryImports: directoryImports,
            loginMode: mode,
            passwordLoginEnabled: passwordLogin,
            userCount: LicenseScenario.userCount,
            licenseHistory: license.history
        )
    }

    var configuration: GatingConfiguration {
        GatingConfiguration(reauthenticationWindow: reauth.window, revokedLicenseIDs: LicenseScenario.revokedIDs)
    }

    /// The standard policy for each re-authentication scenario, built once.
    static let standardPolicies: [ReauthScenario: GatingPolicy] = policies(rules: GatingPolicy.standardRules)

    /// A policy over `rules` for each re-authentication scenario.
    static func policies(rules: [PolicyRule]) -> [ReauthScenario: GatingPolicy] {
        Dictionary(
            uniqueKeysWithValues: ReauthScenario.allCases.map { reauth in
                let configuration = GatingConfiguration(
                    reauthenticationWindow: reauth.window,
                    revokedLicenseIDs: LicenseScenario.revokedIDs
                )
                return (reauth, GatingPolicy(configuration: configuration, rules: rules))
            })
    }

    func decide(policies: [ReauthScenario: GatingPolicy] = GateCase.standardPolicies) -> Decision {
        policies[reauth]!.decide(action, actor: actor, organization: organization, license: evidence, now: now)
    }

    func facts() -> DecisionFacts {
        let policy = GatingPolicy(configuration: configuration)
        return DecisionFacts(
            action: action,
            actor: actor,
            organization: organization,
            license: policy.assess(license.evidence, for: organization, now: now),
            now: now,
            configuration: configuration
        )
    }

    /// Every case of the domain for one action.
    static func all(for action: GatedAction) -> [GateCase] {
        var cases: [GateCase] = []
        for role in RoleScenario.allCases {
            for license in LicenseScenario.allCases {
                for mode in LoginMode.allCases {
                    for sso in SSOScenario.allCases {
                        for scim in [false, true] {
                            for imports in [0, 1] {
                                for password in [false, true] {
                                    for reauth in ReauthScenario.exhaustiveDomain {
                                        cases.append(
                                            GateCase(
                                                action: action, role: role, license: license, mode: mode, sso: sso,
                                                scim: scim, directoryImports: imports, passwordLogin: password,
                                                reauth: reauth
                                            )
                                        )
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return cases
    }
}
