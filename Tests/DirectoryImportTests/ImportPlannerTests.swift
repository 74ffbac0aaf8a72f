import DirectoryImport
import Testing

private func user(
    _ n: Int, email: String? = nil, first: String? = nil, last: String? = nil, state: String? = "ACTIVATED",
    suspended: Bool = false
) -> DirectoryUser {
    DirectoryUser(
        id: hexID(n), email: email ?? "user\(n)@example.com", firstName: first ?? "First\(n)",
        lastName: last ?? "Last\(n)", state: state, suspended: suspended)
}

private func entry(
    _ n: Int?, email: String, first: String = "", last: String = "", active: Bool = true
) -> ExistingUser {
    ExistingUser(externalId: n.map { hexID($0) }, email: email, firstName: first, lastName: last, active: active)
}

/// The entry that matches `user(n)` exactly.
private func synced(_ n: Int, active: Bool = true) -> ExistingUser {
    entry(n, email: "user\(n)@example.com", first: "First\(n)", last: "Last\(n)", active: active)
}

/// A snapshot where `members` are in the selected group and `others` exist in the directory only.
private func snapshot(_ members: [DirectoryUser], others: [DirectoryUser] = []) -> DirectorySnapshot {
    var membership: [String: [String]] = [:]
    for member in members { membership[member.id, default: []].append(groupA) }
    return DirectorySnapshot(
        groups: [.init(id: groupA, name: "A")], directoryUsers: members + others, membership: membership)
}

@Suite struct ImportPlannerTests {
    let planner = ImportPlanner()

    @Test func newEntitledUserIsCreated() throws {
        let plan = try planner.plan(snapshot: snapshot([user(1)]), existing: [])
        #expect(
            plan.create == [
                .init(externalId: hexID(1), email: "user1@example.com", firstName: "First1", lastName: "Last1")
            ])
        #expect(plan.update.isEmpty && plan.deactivate.isEmpty && plan.unchanged == 0)
    }

    @Test func matchingEntryIsUnchanged() throws {
        let plan = try planner.plan(snapshot: snapshot([user(1)]), existing: [synced(1)])
        #expect(plan.isEmpty)
        #expect(plan.unchanged == 1)
    }

    @Test func unmanagedEntryWithTheSameEmailIsAdoptedCaseInsensitively() throws {
        let plan = try planner.plan(
            snapshot: snapshot([user(1)]),
            existing: [entry(nil, email: "USER1@Example.com", first: "First1", last: "Last1")])
        #expect(plan.create.isEmpty)
        #expect(plan.update.map(\.changes) == [[.externalId]])
        #expect(plan.update.first?.externalId == hexID(1))
    }

    @Test func adoptionAlsoListsOtherChanges() throws {
        let plan = try planner.plan(
            snapshot: snapshot([user(1)]),
            existing: [entry(nil, email: "user1@example.com", first: "Old", last: "Last1", active: false)])
        #expect(plan.update.map(\.changes) == [[.externalId, .firstName, .active]])
    }

    @Test(arguments: [
        (entry(1, email: "new@example.com", first: "First1", last: "Last1"), [ImportPlan.Change.email]),
        (entry(1, email: "user1@example.com", first: "Frst1", last: "Last1"), [.firstName]),
        (entry(1, email: "user1@example.com", first: "First1", last: "Lst1"), [.lastName]),
        (entry(1, email: "user1@example.com", first: "First1", last: "Last1", active: false), [.active]),
        (
            entry(1, email: "x@example.com", first: "a", last: "b", active: false),
            [.email, .firstName, .lastName, .active]
        ),
    ])
    func updateListsEachChangedField(existing: ExistingUser, changes: [ImportPlan.Change]) throws {
        let plan = try planner.plan(snapshot: snapshot([user(1)]), existing: [existing])
        #expect(plan.update.map(\.changes) == [changes])
        #expect(plan.update.first?.email == "user1@example.com")
        #expect(plan.unchanged == 0)
    }

    @Test func caseOnlyEmailDifferenceIsNoChange() throws {
        let plan = try planner.plan(
            snapshot: snapshot([user(1, email: "User1@EXAMPLE.com")]), existing: [synced(1)])
        #expect(plan.isEmpty)
    }

    @Test func namesAreComparedAfterUnicodeNormalization() throws {
        // "José" precomposed (NFC) in JumpCloud, decomposed (NFD) on the host.
        let plan = try planner.plan(
            snapshot: snapshot([user(1, first: "Jos\u{00E9}", last: "M\u{00FC}ller")]),
            existing: [entry(1, email: "user1@example.com", first: "Jose\u{0301}", last: "Mu\u{0308}ller")])
        #expect(plan.isEmpty)
    }

    @Test(arguments: [
        (user(1, state: "SUSPENDED"), DeactivationReason.suspended),
        (user(1, state: "ACTIVATED", suspended: true), .suspended),
        (user(1, state: nil, suspended: true), .suspended),
        (user(1, state: "STAGED"), .notActivated),
    ])
    func notEntitledMembersAreDeactivatedWithReason(member: DirectoryUser, reason: DeactivationReason) throws {
        let plan = try planner.plan(snapshot: snapshot([member]), existing: [synced(1)])
        #expect(plan.deactivate == [.init(externalId: hexID(1), email: "user1@example.com", reason: reason)])
        #expect(plan.create.isEmpty && plan.update.isEmpty)
    }

    @Test func userOutsideTheGroupsIsNotInSelectedGroups() throws {
        let plan = try planner.plan(snapshot: snapshot([], others: [user(1)]), existing: [synced(1)])
        #expect(plan.deactivate.map(\.reason) == [.notInSelectedGroups])
    }

    @Test func userGoneFromJumpCloudIsDeleted() throws {
        let plan = try planner.plan(snapshot: snapshot([user(2)]), existing: [synced(1), synced(2)])
        #expect(plan.deactivate.map(\.reason) == [.deleted])
        #expect(plan.unchanged == 1)
    }

    @Test func entitlementIgnoresLockAndPasswordAndActivated() throws {
        var member = user(1, state: nil)
        member.accountLocked = true
        member.activated = false
        #expect(member.ineligibility == nil)
        let plan = try planner.plan(snapshot: snapshot([member]), existing: [])
        #expect(plan.create.count == 1)
    }

    @Test func stagedUsersAreNotCreated() throws {
        let plan = try planner.plan(snapshot: snapshot([user(1, state: "STAGED")]), existing: [])
        #expect(plan.isEmpty)
        #expect(plan.stats.entitled == 0)
    }

    @Test func inactiveEntriesAreNotDeactivatedAgainAndUnmanagedAreNeverTouched() throws {
        let existing = [synced(1, active: false), entry(nil, email: "manual@example.com"), synced(3)]
        let plan = try planner.plan(snapshot: snapshot([], others: [user(1)]), existing: existing)
        #expect(plan.deactivate.map(\.externalId) == [hexID(3)])
        #expect(plan.unchanged == 2)
    }

    @Test func aUserInTwoGroupsCountsOnce() throws {
        let both = DirectorySnapshot(
            groups: [.init(id: groupA, name: "A"), .init(id: groupB, name: "B")],
            directoryUsers: [user(1), user(2)], membership: [hexID(1): [groupA, groupB], hexID(2): [groupB]])
        let plan = try planner.plan(snapshot: both, existing: [synced(2)])
        #expect(plan.create.map(\.externalId) == [hexID(1)])
        #expect(plan.stats.members == 2)
        #expect(plan.unchanged == 1)
    }

    @Test func listsAreSortedByExternalID() throws {
        let members = [9, 3, 7, 1].map { user($0) }
        let existing =
            [8, 2, 6].map { synced($0) } + [5, 4].map { (n: Int) in entry(n, email: "old\(n)@example.com") }
        let plan = try planner.plan(
            snapshot: snapshot(members + [user(5), user(4)]), existing: existing)
        #expect(plan.create.map(\.externalId) == [1, 3, 7, 9].map { hexID($0) })
        #expect(plan.update.map(\.externalId) == [4, 5].map { hexID($0) })
        #expect(plan.deactivate.map(\.externalId) == [2, 6, 8].map { hexID($0) })
    }

    @Test func twoUnmanagedEntriesWithTheEmailAreAConflict() throws {
        let plan = try planner.plan(
            snapshot: snapshot([user(1)]),
            existing: [entry(nil, email: "user1@example.com"), entry(nil, email: "USER1@example.com")])
        #expect(plan.isEmpty)
        #expect(plan.conflicts == [.init(externalId: hexID(1), email: "user1@example.com", reason: .ambiguousEmail)])
        #expect(plan.unchanged == 2)
    }

    @Test func duplicateExternalIDsAreInvalidExisting() {
        #expect(throws: failure(.invalidExisting)) {
            try planner.plan(snapshot: snapshot([]), existing: [synced(1), synced(1)])
        }
    }

    @Test func planningIsDeterministic() throws {
        let members = (0..<50).map { user($0, state: $0 % 7 == 0 ? "STAGED" : "ACTIVATED") }
        let existing = (25..<75).map { synced($0) } + [entry(nil, email: "user3@example.com")]
        let first = try planner.plan(snapshot: snapshot(members), existing: existing)
        let second = try planner.plan(snapshot: snapshot(members.reversed()), existing: existing.reversed())
        #expect(first == second)
    }

    // MARK: Brake

    @Test(arguments: [
        // (managed active, deactivated, share, count, needs confirmation)
        (10, 2, 0.20, 500, false),
        (10, 3, 0.20, 500, true),
        (5_000, 500, 0.20, 500, false),
        (5_000, 501, 0.20, 500, true),
        (10, 10, 1.0, 5, true),
        (4, 1, 0.5, 500, false),
    ])
    func brake(managed: Int, removed: Int, share: Double, count: Int, needsConfirmation: Bool) throws {
        let kept = (removed..<managed).map { user($0) }
        let planner = ImportPlanner(brake: .init(maxDeactivationShare: share, maxDeactivationCount: count))
        let plan = try planner.plan(snapshot: snapshot(kept), existing: (0..<managed).map { synced($0) })
        #expect(plan.deactivate.count == removed)
        #expect(plan.brake.needsConfirmation == needsConfirmation)
        #expect(plan.brake.managedActive == managed)
        #expect(plan.brake.deactivations == removed)
    }

    @Test func defaultsAreTwentyPercentAndFiveHundred() {
        #expect(BrakeConfiguration() == BrakeConfiguration(maxDeactivationShare: 0.2, maxDeactivationCount: 500))
    }

    @Test func anEmptySelectionBrakesTheMassDeactivation() throws {
        let plan = try planner.plan(
            snapshot: snapshot([], others: (0..<10).map { user($0) }), existing: (0..<10).map { synced($0) })
        #expect(plan.deactivate.count == 10)
        #expect(plan.brake.needsConfirmation)
    }
}
