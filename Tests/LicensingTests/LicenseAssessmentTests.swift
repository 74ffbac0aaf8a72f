import Foundation
import Testing

@testable import Licensing

@Suite struct LicenseAssessmentTests {
    private func assess(
        _ license: License,
        at now: Date,
        history: LicenseHistory = LicenseHistory(),
        revoked: Set<String> = []
    ) -> LicenseAssessment {
        LicenseAssessment(
            evidence: .verified(license), organizationID: Fixture.orgID, history: history,
            revokedLicenseIDs: revoked, now: now
        )
    }

    /// Days before `notAfter` → the warning code (or none).
    @Test(
        arguments: [
            (90.0, nil), (61.0, nil), (60.0, "license_expires_in_60_days"), (45.0, "license_expires_in_60_days"),
            (30.0, "license_expires_in_30_days"), (8.0, "license_expires_in_30_days"),
            (7.0, "license_expires_in_7_days"),
            (1.5, "license_expires_in_7_days"), (1.0, "license_expires_in_1_day"), (0.25, "license_expires_in_1_day"),
        ] as [(Double, String?)])
    func expiryWarnings(daysBefore: Double, code: String?) {
        let license = Fixture.license()
        let result = assess(license, at: license.notAfter.addingTimeInterval(-daysBefore * Fixture.day))
        #expect(result.state == .active)
        #expect(result.warnings.map(\.code) == [code].compactMap { $0 })
        if code != nil { #expect(result.warnings.first?.daysRemaining == Int(daysBefore.rounded(.up))) }
    }

    @Test func graceStartsAtNotAfterAndEndsAfterGraceDays() {
        let license = Fixture.license(graceDays: 10)
        #expect(assess(license, at: license.notAfter.addingTimeInterval(-1)).state == .active)
        let inGrace = assess(license, at: license.notAfter)
        #expect(inGrace.state == .inGrace)
        #expect(inGrace.warnings.map(\.code) == ["license_in_grace"])
        #expect(inGrace.warnings.first?.daysRemaining == 10)
        #expect(inGrace.allowsLogins)
        #expect(assess(license, at: license.notAfter.addingTimeInterval(10 * Fixture.day - 1)).state == .inGrace)
        let expired = assess(license, at: license.notAfter.addingTimeInterval(10 * Fixture.day))
        #expect(expired.state == .expired)
        #expect(expired.warnings.isEmpty)
        #expect(!expired.allowsLogins)
    }

    @Test func zeroGraceDaysExpiresImmediately() {
        let license = Fixture.license(graceDays: 0)
        #expect(assess(license, at: license.notAfter).state == .expired)
    }

    @Test func notStartedBeforeNotBefore() {
        let license = Fixture.license(notBefore: Fixture.now.addingTimeInterval(60))
        #expect(assess(license, at: Fixture.now).state == .notStarted)
        #expect(assess(license, at: Fixture.now.addingTimeInterval(60)).state == .active)
    }

    @Test func olderLicenseIsSupersededSoReimportNeverExtends() {
        let old = Fixture.license(id: "old", issuedAt: Fixture.issued, days: 400)
        let current = Fixture.license(id: "new", issuedAt: Fixture.issued.addingTimeInterval(Fixture.day), days: 30)
        let history = LicenseHistory().recording(old).recording(current)
        #expect(assess(old, at: Fixture.now, history: history).state == .superseded)
        #expect(
            assess(current, at: Fixture.issued.addingTimeInterval(2 * Fixture.day), history: history).state == .active)
    }

    @Test func trialAfterAPaidLicenseIsSuperseded() {
        let paid = Fixture.license(id: "paid", kind: .paid)
        let laterTrial = Fixture.license(
            id: "trial", kind: .trial, issuedAt: Fixture.issued.addingTimeInterval(Fixture.day))
        let history = LicenseHistory().recording(paid)
        #expect(history.hasHadPaidLicense)
        #expect(assess(laterTrial, at: Fixture.now, history: history).state == .superseded)
        #expect(assess(laterTrial, at: Fixture.now, history: LicenseHistory()).state == .active)
    }

    @Test func recordingKeepsTheNewestIssueDate() {
        let newer = Fixture.license(issuedAt: Fixture.now)
        let older = Fixture.license(issuedAt: Fixture.issued)
        #expect(LicenseHistory().recording(newer).recording(older).newestIssuedAt == Fixture.now)
    }

    @Test func stateOrderInvalidBeatsEverythingThenProductOrgRevocation() {
        // Wrong product and wrong org and revoked and expired at once: wrong product wins.
        let license = Fixture.license(id: "r", org: "other", days: 1, product: "x")
        #expect(assess(license, at: Fixture.now, revoked: ["r"]).state == .wrongProduct)
        let sameProduct = Fixture.license(id: "r", org: "other", days: 1)
        #expect(assess(sameProduct, at: Fixture.now, revoked: ["r"]).state == .orgMismatch)
        let sameOrg = Fixture.license(id: "r", days: 1)
        #expect(assess(sameOrg, at: Fixture.now, revoked: ["r"]).state == .revoked)
        #expect(
            LicenseAssessment(evidence: .rejected(.unknownKey), organizationID: nil, now: Fixture.now).failure
                == .unknownKey)
    }

    @Test func withoutAnOrganizationTheOrgIsNotChecked() {
        let license = Fixture.license(org: "anything")
        let result = LicenseAssessment(evidence: .verified(license), organizationID: nil, now: Fixture.now)
        #expect(result.state == .active)
    }

    @Test func pendingActivationGrantsNothingUntilActivated() {
        #expect(assess(Fixture.license(activation: .pending), at: Fixture.now).state == .notActivated)
    }

    @Test func missingFeatureIsNotGranted() {
        let result = assess(Fixture.license(features: [.scim]), at: Fixture.now)
        #expect(result.grants(.scim))
        #expect(!result.grants(.sso))
        #expect(!result.grants(.directoryImport))
    }
}
