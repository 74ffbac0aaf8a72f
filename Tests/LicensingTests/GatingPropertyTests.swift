import Foundation
import PropertyBased
import Testing

@testable import Licensing

/// Properties of the gate over random inputs, including a random `now` that moves every license through
/// its states.
@Suite struct GatingPropertyTests {
    /// A random point of the domain, at a random instant between 30 days before issue and 420 days after.
    static let cases = zip(
        zip(
            Gen<GatedAction>.case, Gen<RoleScenario>.case, Gen<LicenseScenario>.case, Gen<LoginMode>.case,
            Gen<SSOScenario>.case),
        zip(Gen.bool, Gen.int(in: 0...2), Gen.bool, Gen<ReauthScenario>.case, Gen.int(in: -30 * 86_400...420 * 86_400))
    ).map { first, second in
        GateCase(
            action: first.0, role: first.1, license: first.2, mode: first.3, sso: first.4,
            scim: second.0, directoryImports: second.1, passwordLogin: second.2, reauth: second.3,
            now: Fixture.issued.addingTimeInterval(TimeInterval(second.4))
        )
    }

    @Test func noConfigurationPermitWithoutAnOwnerAndAValidLicense() async {
        await propertyCheck(count: 2000, input: Self.cases) { c in
            let decision = c.decide()
            guard c.action.isConfiguration, decision.allowed else { return }
            #expect(c.role.isOwner, "\(c)")
            #expect(!c.organization.owners.isEmpty, "\(c)")
            if GatedAction.licensedConfiguration.contains(c.action) {
                let assessment = c.facts().license
                #expect(assessment.state == .active, "\(c)")
                let feature: LicenseFeature =
                    GatedAction.scimConfiguration.contains(c.action)
                    ? .scim
                    : GatedAction.directoryImportConfiguration.contains(c.action) ? .directoryImport : .sso
                #expect(assessment.grants(feature), "\(c)")
            }
        }
    }

    @Test func anOwnerAlwaysKeepsALoginPath() async {
        let owners = Self.cases.filter { $0.role.isOwner }
        await propertyCheck(count: 2000, input: owners) { c in
            var sso = c
            sso.action = .ssoLogin
            var password = c
            password.action = .passwordLogin
            #expect(sso.decide().allowed || password.decide().allowed, "\(c)")
        }
    }

    @Test func aForbidIsNeverOverridden() async {
        // The standard table plus a rule that permits everything, always.
        let permitAll = PolicyRule(
            "test.permit_all", .permit, Set(GatedAction.allCases), ReasonCode(rawValue: "test_permit_all"), "always"
        ) { _ in true }
        let loosened = GateCase.policies(rules: GatingPolicy.standardRules + [permitAll])
        await propertyCheck(count: 2000, input: Self.cases) { c in
            let facts = c.facts()
            let forbids = GatingPolicy.standardRules.filter {
                $0.effect == .forbid && $0.actions.contains(c.action) && $0.matches(facts)
            }
            let decision = c.decide()
            let withPermitAll = c.decide(policies: loosened)
            if forbids.isEmpty {
                #expect(withPermitAll.allowed, "\(c)")
            } else {
                #expect(!decision.allowed, "\(c)")
                #expect(!withPermitAll.allowed, "\(c)")
                #expect(Set(decision.reasons) == Set(forbids.map(\.reason)), "\(c)")
                #expect(withPermitAll.explanations == decision.explanations, "\(c)")
            }
        }
    }

    @Test func sameInputsGiveTheSameDecision() async {
        let withSeed = zip(Self.cases, Gen.int(in: 0...Int.max))
        await propertyCheck(count: 500, input: withSeed) { c, seed in
            var generator = SplitMix64(seed: UInt64(seed))
            let shuffled = GateCase.policies(rules: GatingPolicy.standardRules.shuffled(using: &generator))
            let first = c.decide()
            #expect(c.decide() == first, "\(c)")
            #expect(c.decide(policies: shuffled) == first, "\(c)")
        }
    }

    @Test func advisoryRulesNeverChangeTheOutcome() async {
        let withoutAdvice = GateCase.policies(rules: GatingPolicy.standardRules.filter { $0.effect != .advise })
        await propertyCheck(count: 1000, input: Self.cases) { c in
            let decision = c.decide()
            let bare = c.decide(policies: withoutAdvice)
            #expect(decision.allowed == bare.allowed, "\(c)")
            #expect(decision.explanations == bare.explanations, "\(c)")
        }
    }
}
