import Foundation
import Testing

@testable import Licensing

/// The product rules of issue 7, one scenario each.
@Suite struct GatingScenarioTests {
    static let owner = OwnerAccount(id: "u_owner", hasPassword: true, hasMFA: true)
    static let activeSSO = SSOConnectionState(
        isActive: true, hasIdPMetadata: true, hasIdPSigningCertificate: true, hasSPCertificate: true
    )

    private func org(
        owners: [OwnerAccount] = [owner],
        sso: SSOConnectionState? = nil,
        scim: Bool = false,
        imports: Int = 0,
        mode: LoginMode = .optional,
        password: Bool = true,
        users: Int = 0
    ) -> OrganizationState {
        OrganizationState(
            id: Fixture.orgID, owners: owners, sso: sso, scimEnabled: scim, directoryImports: imports,
            loginMode: mode, passwordLoginEnabled: password, userCount: users
        )
    }

    private func decide(
        _ action: GatedAction,
        actor: String = "u_owner",
        reauthenticatedAt: Date? = nil,
        in organization: OrganizationState,
        license: License? = Fixture.license(),
        now: Date = Fixture.now,
        configuration: GatingConfiguration = GatingConfiguration()
    ) -> Decision {
        GatingPolicy(configuration: configuration).decide(
            action,
            actor: ActingUser(id: actor, reauthenticatedAt: reauthenticatedAt),
            organization: organization,
            license: license.map(LicenseEvidence.verified) ?? .none,
            now: now
        )
    }

    @Test func ownerMayConfigure() {
        let decision = decide(.createSSOConnection, in: org())
        #expect(decision.allowed)
        #expect(decision.reasons == [.ownerConfiguration])
        #expect(decision.ruleIDs == ["permit.owner_configuration"])
    }

    @Test func nonOwnerMayNotConfigure() {
        let decision = decide(.createSSOConnection, actor: "u_admin", in: org())
        #expect(!decision.allowed)
        #expect(decision.reasons == [.notOwner])
        #expect(decision.ruleIDs == ["config.not_owner"])
    }

    @Test func organizationWithoutOwnerIsRefused() {
        let decision = decide(.addDirectoryImport, actor: "u_admin", in: org(owners: []))
        #expect(decision.reasons == [.notOwner, .orgHasNoOwner])
    }

    @Test func recentReauthenticationCanBeRequired() {
        let configuration = GatingConfiguration(reauthenticationWindow: 600)
        let stale = decide(
            .activateSSO, reauthenticatedAt: Fixture.now.addingTimeInterval(-601), in: org(sso: Self.activeSSO),
            configuration: configuration)
        #expect(stale.reasons == [.reauthRequired])
        let never = decide(.activateSSO, in: org(sso: Self.activeSSO), configuration: configuration)
        #expect(never.reasons == [.reauthRequired])
        let fresh = decide(
            .activateSSO, reauthenticatedAt: Fixture.now.addingTimeInterval(-600), in: org(sso: Self.activeSSO),
            configuration: configuration)
        #expect(fresh.allowed)
        let farFuture = decide(
            .activateSSO, reauthenticatedAt: Fixture.now.addingTimeInterval(3600), in: org(sso: Self.activeSSO),
            configuration: configuration)
        #expect(farFuture.reasons == [.reauthRequired])
        // Logins are not configuration: no re-authentication needed.
        #expect(decide(.ssoLogin, in: org(sso: Self.activeSSO), configuration: configuration).allowed)
    }

    @Test func secondSSOConnectionIsRefused() {
        #expect(decide(.createSSOConnection, in: org(sso: SSOConnectionState())).reasons == [.ssoConnectionExists])
    }

    @Test func secondSCIMIntegrationIsRefused() {
        #expect(decide(.enableSCIM, in: org(sso: Self.activeSSO, scim: true)).reasons == [.scimIntegrationExists])
    }

    @Test func scimNeedsSSOSetUpFirst() {
        #expect(decide(.enableSCIM, in: org()).reasons == [.ssoNotConfigured])
        #expect(decide(.enableSCIM, in: org(sso: SSOConnectionState())).reasons == [.ssoNotConfigured])
        #expect(decide(.enableSCIM, in: org(sso: Self.activeSSO)).allowed)
    }

    @Test func directoryImportsAreUnlimitedAndNeedNoSSO() {
        let decision = decide(
            .addDirectoryImport, in: org(imports: 25), license: Fixture.license(features: [.directoryImport]))
        #expect(decision.allowed)
    }

    @Test func missingFeaturesAreNotGranted() {
        let ssoOnly = Fixture.license(features: [.sso])
        #expect(decide(.addDirectoryImport, in: org(), license: ssoOnly).reasons == [.directoryImportNotLicensed])
        #expect(decide(.enableSCIM, in: org(sso: Self.activeSSO), license: ssoOnly).reasons == [.scimNotLicensed])
        let scimOnly = Fixture.license(features: [.scim])
        #expect(decide(.createSSOConnection, in: org(), license: scimOnly).reasons == [.ssoNotLicensed])
    }

    @Test func ssoConfigurationNeedsALicense() {
        let decision = decide(.createSSOConnection, in: org(), license: nil)
        #expect(decision.reasons == [.licenseMissing])
        #expect(decision.licenseState == .missing)
    }

    @Test(arguments: [
        (SSOConnectionState(), ["idp_metadata", "idp_signing_certificate", "sp_certificate"]),
        (SSOConnectionState(hasIdPMetadata: true), ["idp_signing_certificate", "sp_certificate"]),
        (SSOConnectionState(hasIdPMetadata: true, hasIdPSigningCertificate: true), ["sp_certificate"]),
    ])
    func activationListsWhatIsMissing(connection: SSOConnectionState, missing: [String]) {
        let decision = decide(.activateSSO, in: org(sso: connection))
        #expect(decision.reasons == [.ssoNotReady])
        #expect(decision.explanations.first?.details == missing)
    }

    @Test func requiredModeNeedsABreakGlassOwner() {
        let plain = OwnerAccount(id: "u_owner", hasPassword: true)
        #expect(decide(.setLoginModeRequired, in: org(owners: [plain], sso: Self.activeSSO)).reasons == [.noBreakGlass])
        let recovery = OwnerAccount(id: "u_owner", hasPassword: false, hasRecoveryCodes: true)
        #expect(decide(.setLoginModeRequired, in: org(owners: [recovery], sso: Self.activeSSO)).allowed)
        // Required-except-owners keeps owners on passwords, so no break-glass is needed.
        #expect(decide(.setLoginModeRequiredExceptOwners, in: org(owners: [plain], sso: Self.activeSSO)).allowed)
        #expect(
            decide(.setLoginModeRequired, in: org(owners: [plain])).reasons == [.noBreakGlass, .ssoNotActive].sorted())
    }

    @Test func deletingRequiredSSOWouldLockOut() {
        #expect(decide(.deleteSSO, in: org(sso: Self.activeSSO, mode: .required)).reasons == [.wouldLockOut])
        #expect(
            decide(.deactivateSSO, in: org(sso: Self.activeSSO, mode: .requiredExceptOwners)).reasons == [.wouldLockOut]
        )
        #expect(decide(.deleteSSO, in: org(sso: Self.activeSSO)).allowed)
        #expect(decide(.deleteSSO, in: org(sso: Self.activeSSO, scim: true)).reasons == [.scimDependsOnSSO])
    }

    @Test func passwordLoginMayStayBesideSSO() {
        let organization = org(sso: Self.activeSSO, mode: .optional, password: true)
        #expect(decide(.passwordLogin, actor: "u_member", in: organization).allowed)
        #expect(decide(.ssoLogin, actor: "u_member", in: organization).allowed)
    }

    @Test func requiredModeRefusesMemberPasswords() {
        let organization = org(sso: Self.activeSSO, mode: .required)
        #expect(decide(.passwordLogin, actor: "u_member", in: organization).reasons == [.ssoRequired])
        let exceptOwners = org(owners: [OwnerAccount(id: "u_owner")], sso: Self.activeSSO, mode: .requiredExceptOwners)
        #expect(decide(.passwordLogin, actor: "u_member", in: exceptOwners).reasons == [.ssoRequired])
        #expect(decide(.passwordLogin, actor: "u_owner", in: exceptOwners).allowed)
    }

    @Test func breakGlassOwnerKeepsPasswordLoginInRequiredMode() {
        let decision = decide(.passwordLogin, in: org(sso: Self.activeSSO, mode: .required, password: false))
        #expect(decision.allowed)
        #expect(decision.warnings.map(\.code) == ["break_glass_login"])
    }

    @Test func graceKeepsLoginsButBlocksConfiguration() {
        let license = Fixture.license(days: 95)  // 5 days into 14 days of grace at Fixture.now
        let organization = org(sso: Self.activeSSO, mode: .required)
        let login = decide(.ssoLogin, actor: "u_member", in: organization, license: license)
        #expect(login.allowed)
        #expect(login.warnings.map(\.code) == ["license_in_grace"])
        #expect(login.warnings.first?.daysRemaining == 9)
        #expect(
            decide(.createSCIMToken, in: org(sso: Self.activeSSO, scim: true), license: license).reasons == [
                .licenseInGrace
            ])
        // Reducing actions stay possible.
        #expect(decide(.revokeSCIMToken, in: org(sso: Self.activeSSO, scim: true), license: license).allowed)
    }

    @Test func lapsedLicenseNeverLocksOwnersOut() {
        let expired = Fixture.license(days: 80)  // past grace at Fixture.now
        let plainOwner = OwnerAccount(id: "u_owner", hasPassword: true)
        let organization = org(owners: [plainOwner], sso: Self.activeSSO, mode: .required, password: false)
        let sso = decide(.ssoLogin, in: organization, license: expired)
        #expect(sso.reasons == [.licenseExpired])
        let password = decide(.passwordLogin, in: organization, license: expired)
        #expect(password.allowed)
        #expect(password.warnings.map(\.code) == ["owner_login_fallback"])
        // Members are not owners: the mode still applies to them.
        #expect(!decide(.passwordLogin, actor: "u_member", in: organization, license: expired).allowed)
        // The owner can fall back to optional without a license.
        #expect(decide(.setLoginModeOptional, in: organization, license: expired).allowed)
    }

    @Test func seatsLimitOnlyJustInTimeCreation() {
        let license = Fixture.license(seats: 10)
        let full = org(sso: Self.activeSSO, users: 10)
        #expect(decide(.createUserJIT, actor: "u_new", in: full, license: license).reasons == [.seatLimitReached])
        #expect(decide(.ssoLogin, actor: "u_existing", in: full, license: license).allowed)
        #expect(decide(.passwordLogin, actor: "u_existing", in: full, license: license).allowed)
        #expect(
            decide(.createUserJIT, actor: "u_new", in: org(sso: Self.activeSSO, users: 9), license: license).allowed)
    }

    @Test func revokedLicenseIsRefused() {
        let configuration = GatingConfiguration(revokedLicenseIDs: ["lic_1"])
        let decision = decide(.ssoLogin, in: org(sso: Self.activeSSO), configuration: configuration)
        #expect(decision.reasons == [.licenseRevoked])
        #expect(decision.licenseState == .revoked)
    }

    @Test func installingAnOlderLicenseIsRefused() {
        var organization = org()
        organization.licenseHistory = LicenseHistory().recording(Fixture.license(issuedAt: Fixture.now))
        let decision = decide(.installLicense, in: organization, license: Fixture.license(issuedAt: Fixture.issued))
        #expect(decision.reasons == [.licenseSuperseded])
        // A future-dated renewal may be installed before it starts.
        let renewal = Fixture.license(
            issuedAt: Fixture.now, notBefore: Fixture.now.addingTimeInterval(30 * Fixture.day))
        #expect(decide(.installLicense, in: organization, license: renewal).allowed)
    }

    @Test func expiryWarningsTravelWithDecisions() {
        let license = Fixture.license(days: 125)  // 25 days left at Fixture.now
        let decision = decide(.ssoLogin, in: org(sso: Self.activeSSO), license: license)
        #expect(decision.allowed)
        #expect(decision.warnings.map(\.code) == ["license_expires_in_30_days"])
    }

    @Test func emptyTableDeniesByDefault() {
        let decision = GatingPolicy(configuration: GatingConfiguration(), rules: [])
            .decide(.passwordLogin, actor: ActingUser(id: "u"), organization: org(), license: .none, now: Fixture.now)
        #expect(!decision.allowed)
        #expect(decision.reasons == [.noPermit])
        #expect(decision.ruleIDs == [GatingPolicy.defaultDenyRuleID])
    }

    @Test func decisionBecomesAnAuditEvent() throws {
        let decision = decide(.createSSOConnection, actor: "u_admin", in: org())
        let event = decision.auditEvent
        #expect(event.action == .createSSOConnection)
        #expect(event.actorID == "u_admin")
        #expect(event.organizationID == Fixture.orgID)
        #expect(event.outcome == .denied)
        #expect(event.reasons == [.notOwner])
        #expect(event.ruleIDs == ["config.not_owner"])
        #expect(event.licenseID == "lic_1")
        #expect(event.licenseState == .active)
        #expect(event.occurredAt == Fixture.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        let json = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(
            json
                == #"{"action":"create_sso_connection","actor_id":"u_admin","license_id":"lic_1","license_state":"active","occurred_at":"2026-04-11T00:00:00Z","organization_id":"org_acme","outcome":"denied","reasons":["not_owner"],"rule_ids":["config.not_owner"],"type":"kisi_identity.gating_decision"}"#
        )
    }

    @Test func ruleIDsAreUniqueAndReasonCodesSnakeCase() {
        let ids = GatingPolicy.standardRules.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in GatingPolicy.standardRules {
            #expect(rule.reason.rawValue.allSatisfy { $0.isLowercase || $0 == "_" }, "\(rule.reason)")
            #expect(!rule.actions.isEmpty, "\(rule.id)")
        }
        // Every action has at least one permit rule.
        for action in GatedAction.allCases {
            #expect(
                GatingPolicy.standardRules.contains { $0.effect == .permit && $0.actions.contains(action) }, "\(action)"
            )
        }
    }
}
