import DirectoryImport
import Foundation
import Logging
import Testing

private let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

private func activated(_ n: Int) -> DirectoryUser {
    DirectoryUser(id: hexID(n), email: "user\(n)@example.com", firstName: "First\(n)", lastName: "Last\(n)")
}

private func snapshot(members: [Int], directory: Int) -> DirectorySnapshot {
    DirectorySnapshot(
        groups: [.init(id: groupA, name: "A")], directoryUsers: (0..<directory).map(activated),
        membership: Dictionary(uniqueKeysWithValues: members.map { (hexID($0), [groupA]) }))
}

/// A target whose every step fails.
private struct BrokenTarget: ImportTarget {
    struct Refused: Error {}
    func create(_ user: ImportPlan.Create) async throws { throw Refused() }
    func update(_ update: ImportPlan.Update) async throws { throw Refused() }
    func deactivate(_ deactivation: ImportPlan.Deactivation) async throws { throw Refused() }
}

@Suite struct ImportApplierTests {
    /// Host state: 0-4 managed and synced, 5 managed but stale name, an unmanaged entry for 6, an unrelated one.
    func hostUsers() -> [ExistingUser] {
        (0..<5).map {
            ExistingUser(
                externalId: hexID($0), email: "user\($0)@example.com", firstName: "First\($0)", lastName: "Last\($0)",
                active: true)
        } + [
            ExistingUser(
                externalId: hexID(5), email: "user5@example.com", firstName: "Old", lastName: "Last5", active: true),
            ExistingUser(
                externalId: nil, email: "USER6@example.com", firstName: "First6", lastName: "Last6", active: true),
            ExistingUser(externalId: nil, email: "visitor@example.com", firstName: "V", lastName: "W", active: true),
        ]
    }

    @Test func applyingTwiceIsHarmlessAndReplanningFindsNothing() async throws {
        let target = InMemoryImportTarget(users: hostUsers())
        let directory = snapshot(members: [1, 2, 3, 4, 5, 6, 7], directory: 10)
        let plan = try ImportPlanner().plan(snapshot: directory, existing: await target.users)
        #expect(plan.create.map(\.externalId) == [hexID(7)])
        #expect(plan.update.map(\.externalId) == [hexID(5), hexID(6)])
        #expect(plan.deactivate.map(\.externalId) == [hexID(0)])
        #expect(!plan.brake.needsConfirmation)

        let first = try await ImportApplier().apply(plan, to: target, logger: quiet)
        #expect(first.isComplete)
        #expect(first.created == [hexID(7)] && first.deactivated == [hexID(0)] && first.updated.count == 2)
        let afterOnce = await target.users

        let second = try await ImportApplier().apply(plan, to: target, logger: quiet)
        #expect(second.isComplete)
        #expect(await target.users == afterOnce)
        #expect(afterOnce.count == 9)

        let replan = try ImportPlanner().plan(snapshot: directory, existing: afterOnce)
        #expect(replan.isEmpty)
        #expect(afterOnce.first { $0.email == "visitor@example.com" }?.externalId == nil)
    }

    @Test func aBrakedPlanIsRefusedUnlessConfirmed() async throws {
        let target = InMemoryImportTarget(users: hostUsers())
        let plan = try ImportPlanner().plan(
            snapshot: snapshot(members: [1], directory: 10), existing: await target.users)
        #expect(plan.brake.needsConfirmation)
        await #expect(throws: failure(.confirmationRequired)) {
            try await ImportApplier().apply(plan, to: target, logger: quiet)
        }
        #expect(await target.users == hostUsers())

        let report = try await ImportApplier().apply(plan, to: target, confirmed: true, logger: quiet)
        #expect(report.deactivated.count == 5)
        #expect(await target.users.filter { $0.externalId != nil && !$0.active }.count == 5)
    }

    @Test func failuresAreReportedAndStopTheRun() async throws {
        let plan = try ImportPlanner().plan(snapshot: snapshot(members: Array(0..<20), directory: 20), existing: [])
        let report = try await ImportApplier(maxFailures: 3).apply(plan, to: BrokenTarget(), logger: quiet)
        #expect(report.failures.count == 3)
        #expect(report.failures.allSatisfy { $0.action == "create" })
        #expect(report.stopReason == .tooManyFailures)
        #expect(report.created.isEmpty)
        #expect(!report.isComplete)
    }
}

@Suite struct ExistingUsersDocumentTests {
    @Test func decodesTheContractShape() throws {
        let json = """
            {"users":[{"externalId":"\(hexID(1))","email":"a@example.com","firstName":"A","lastName":"B","active":true},
            {"externalId":null,"email":"c@example.com","firstName":"C","lastName":"D","active":false},
            {"email":"e@example.com","firstName":"E","lastName":"F","active":true,"extra":1}]}
            """
        let document = try ExistingUsersDocument.decode(Data(json.utf8))
        #expect(document.users.map(\.externalId) == [hexID(1), nil, nil])
        #expect(document.users.map(\.active) == [true, false, true])
    }

    @Test(arguments: [
        "", "[]", "{}", #"{"users":{}}"#, #"{"users":[1]}"#, #"{"users":[{"externalId":"x"}]}"#,
        #"{"users":[{"externalId":"x","email":"a","firstName":"A","lastName":"B","active":"true"}]}"#,
        #"{"users":[{"externalId":5,"email":"a","firstName":"A","lastName":"B","active":true}]}"#,
        #"{"users":[{"externalId":"","email":"a","firstName":"A","lastName":"B","active":true}]}"#,
        #"{"users":[{"externalId":"x","email":null,"firstName":"A","lastName":"B","active":true}]}"#,
        #"{"users":[{"externalId":"x","email":"a","firstName":"A","lastName":"B","active":true},"#
            + #"{"externalId":"x","email":"b","firstName":"A","lastName":"B","active":true}]}"#,
        #"{"users":[{"externalId":"x","email":"a","firstName":"A","lastName":"B","active":tr"#,
    ])
    func refusesAnythingElse(json: String) {
        #expect(throws: failure(.invalidExisting)) { try ExistingUsersDocument.decode(Data(json.utf8)) }
    }
}

@Suite struct ImportPlanEncodingTests {
    @Test func encodesTheContractKeys() throws {
        let members = [DirectoryUser(id: hexID(1), email: "a@example.com", firstName: "A", lastName: "B")]
        let plan = try ImportPlanner().plan(
            snapshot: DirectorySnapshot(
                groups: [.init(id: groupA, name: "A")], directoryUsers: members + [activated(2)],
                membership: [hexID(1): [groupA]]),
            existing: [
                ExistingUser(externalId: hexID(2), email: "x@example.com", firstName: "X", lastName: "Y", active: true),
                ExistingUser(externalId: nil, email: "z@example.com", firstName: "Z", lastName: "Z", active: true),
            ])
        let object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any])
        #expect(Set(object.keys).isSuperset(of: ["create", "update", "deactivate", "unchanged", "brake", "stats"]))
        let create = try #require(object["create"] as? [[String: Any]])
        #expect(Set(create[0].keys) == ["externalId", "email", "firstName", "lastName"])
        let deactivate = try #require(object["deactivate"] as? [[String: Any]])
        #expect(deactivate[0]["reason"] as? String == "not_in_selected_groups")
        #expect(Set(deactivate[0].keys) == ["externalId", "email", "reason"])
        #expect(object["unchanged"] as? Int == 1)
        let brake = try #require(object["brake"] as? [String: Any])
        #expect(brake["needsConfirmation"] as? Bool == true)
    }

    @Test func groupsEncodeAnExplicitNullDescription() throws {
        let json = String(decoding: try JSONEncoder().encode(DirectoryGroup(id: "g", name: "G")), as: UTF8.self)
        #expect(json.contains(#""description":null"#))
    }
}
