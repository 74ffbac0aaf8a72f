import Foundation
import Testing

@testable import Licensing

/// The code shown in the DocC catalog, with its free names bound, so it keeps compiling and meaning what
/// the prose says.
@Suite struct DocumentationSnippetTests {
    @Test func overviewSnippet() {
        let pinnedKey = Fixture.signingKey.publicKey
        let storedLicenseText = Fixture.envelope(Fixture.license(features: [.sso, .scim]))
        let userID = "u_owner"
        let organizationState = OrganizationState(id: Fixture.orgID, owners: [OwnerAccount(id: "u_owner")])
        let now = Fixture.now
        var shown: [ReasonCode] = []
        func show(_ reasons: [ReasonCode]) { shown = reasons }
        struct AuditLog {
            var events: [AuditEvent] = []
            mutating func record(_ event: AuditEvent) { events.append(event) }
        }
        var auditLog = AuditLog()

        // From Licensing.md:
        let verifier = LicenseVerifier(trustedKeys: [pinnedKey])
        let evidence = LicenseEvidence(envelope: storedLicenseText, verifier: verifier)
        let decision = GatingPolicy().decide(
            .enableSCIM, actor: ActingUser(id: userID), organization: organizationState, license: evidence, now: now)
        if !decision.allowed {
            show(decision.reasons)
        }
        auditLog.record(decision.auditEvent)

        #expect(shown == [.ssoNotConfigured])
        #expect(decision.ruleIDs == ["scim.sso_not_configured"])
        #expect(auditLog.events.count == 1)
    }

    @Test func gatingArticleSnippet() {
        let revocationList: Set<String> = []
        let userID = "u_owner"
        let lastReauth = Fixture.now.addingTimeInterval(-60)
        let state = OrganizationState(
            id: Fixture.orgID, owners: [OwnerAccount(id: "u_owner")],
            sso: SSOConnectionState(hasIdPMetadata: true, hasSPCertificate: true)
        )
        let evidence = LicenseEvidence.verified(Fixture.license(days: 125))
        let now = Fixture.now

        // From GatingSSOAndSCIM.md:
        let policy = GatingPolicy(
            configuration: GatingConfiguration(
                reauthenticationWindow: 15 * 60,
                revokedLicenseIDs: revocationList))
        let decision = policy.decide(
            .activateSSO, actor: ActingUser(id: userID, reauthenticatedAt: lastReauth),
            organization: state, license: evidence, now: now)

        #expect(!decision.allowed)
        #expect(decision.reasons == [.ssoNotReady])
        #expect(decision.explanations[0].details == ["idp_signing_certificate"])
        #expect(decision.warnings.map(\.code) == ["license_expires_in_30_days"])
        #expect(decision.auditEvent.outcome == .denied)
    }
}
