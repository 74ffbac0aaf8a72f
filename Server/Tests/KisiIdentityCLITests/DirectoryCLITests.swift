import DirectoryImport
import Foundation
import HTTPTypes
import Testing

private let key = "cli-test-key-5e0f6a7b8c9d"
private let org = "5e0f6a7b8c9d0e1f2a3b4c5d"
private let sales = "600000000000000000000a01"
private let support = "600000000000000000000b02"

private func hex(_ n: Int) -> String {
    let digits = String(n, radix: 16)
    return String(repeating: "0", count: 24 - digits.count) + digits
}

/// A fake JumpCloud behind a loopback socket: an `InMemoryJumpCloud`, optionally overridden per target.
private func startFakeJumpCloud(
    requiredOrgID: String? = nil,
    override: @escaping @Sendable (String) -> DirectoryLoopbackServer.Response? = { _ in nil }
) throws -> DirectoryLoopbackServer {
    let users = (0..<6).map {
        DirectoryUser(
            id: hex($0), email: "user\($0)@example.com", firstName: "First\($0)", lastName: "Last\($0)",
            state: $0 == 4 ? "STAGED" : "ACTIVATED")
    }
    let directory = InMemoryJumpCloud(
        apiKey: key, requiredOrgID: requiredOrgID,
        groups: [.init(id: support, name: "Support"), .init(id: sales, name: "Sales", description: "Sales team")],
        members: [sales: [hex(1), hex(2), hex(4)], support: [hex(2), hex(3)]], users: users)
    return try DirectoryLoopbackServer { request in
        if let response = override(request.target) { return response }
        var fields = HTTPFields()
        for (name, value) in request.headers {
            if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
        }
        let (response, body) = directory.respond(
            to: HTTPRequest(
                method: .init(request.method) ?? .get, scheme: "http", authority: "127.0.0.1", path: request.target,
                headerFields: fields))
        return .init(
            status: response.status.code, headers: response.headerFields.map { ($0.name.rawName, $0.value) }, body: body
        )
    }
}

private func writeExisting(_ json: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("existing-\(UUID().uuidString).json")
    try Data(json.utf8).write(to: url)
    return url.path
}

private let existingJSON = """
    {"users":[
      {"externalId":"\(hex(1))","email":"USER1@example.com","firstName":"First1","lastName":"Last1","active":true},
      {"externalId":"\(hex(2))","email":"user2@example.com","firstName":"Old","lastName":"Last2","active":true},
      {"externalId":"\(hex(5))","email":"user5@example.com","firstName":"First5","lastName":"Last5","active":true},
      {"externalId":null,"email":"User3@Example.com","firstName":"First3","lastName":"Last3","active":true},
      {"externalId":null,"email":"visitor@example.com","firstName":"V","lastName":"W","active":true}
    ]}
    """

/// Asserts `{"error":{"code":code,…}}`, exit 1, no plan keys, and no API key anywhere in the output.
private func expectFailure(_ result: CLIRunner.Result, code: String) throws {
    #expect(result.exitCode == 1)
    let object = try result.json()
    let error = try #require(object["error"] as? [String: Any], "no error object: \(result.stdout)")
    #expect(error["code"] as? String == code, "stderr: \(result.stderr)")
    #expect((error["message"] as? String)?.isEmpty == false)
    #expect(Set(object.keys) == ["error"])
    #expect(!result.stdout.contains(key) && !result.stderr.contains(key))
}

@Suite(.serialized) struct DirectoryCLITests {
    @Test func groupsListsIDNameDescription() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run(["directory", "groups", "--api-key", key, "--base-url", server.origin])
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let groups = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(groups.map { $0["id"] as? String } == [sales, support])
        #expect(groups.map { $0["name"] as? String } == ["Sales", "Support"])
        #expect(groups[0]["description"] as? String == "Sales team")
        #expect(groups[1]["description"] is NSNull)
        #expect(groups.allSatisfy { Set($0.keys) == ["id", "name", "description"] })
        #expect(server.requests.allSatisfy { $0.headers["x-api-key"] == key && $0.headers["x-org-id"] == nil })
        #expect(!result.stderr.contains(key))
    }

    @Test func planFollowsTheContract() async throws {
        let server = try startFakeJumpCloud(requiredOrgID: org)
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", key, "--org-id", org, "--base-url", server.origin,
            "--group", sales, "--group", support, "--existing", try writeExisting(existingJSON),
        ])
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let plan = try result.json()
        #expect((plan["create"] as? [[String: Any]])?.isEmpty == true)
        let update = try #require(plan["update"] as? [[String: Any]])
        #expect(update.map { $0["externalId"] as? String } == [hex(2), hex(3)])
        #expect(update.map { $0["changes"] as? [String] } == [["firstName"], ["externalId"]])
        #expect(update[0]["firstName"] as? String == "First2")
        let deactivate = try #require(plan["deactivate"] as? [[String: Any]])
        #expect(deactivate.count == 1)
        #expect(deactivate.first?["externalId"] as? String == hex(5))
        #expect(deactivate.first?["reason"] as? String == "not_in_selected_groups")
        #expect(plan["unchanged"] as? Int == 2)
        #expect((plan["brake"] as? [String: Any])?["needsConfirmation"] as? Bool == true)
        #expect(server.requests.allSatisfy { $0.headers["x-org-id"] == org && $0.headers["x-api-key"] == key })
        #expect(!result.stderr.contains(key))
    }

    @Test func brakeLimitsAreConfigurable() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", key, "--base-url", server.origin, "--group", sales, "--group", support,
            "--existing", try writeExisting(existingJSON), "--max-deactivation-share", "0.5",
        ])
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let brake = try #require(try result.json()["brake"] as? [String: Any])
        #expect(brake["needsConfirmation"] as? Bool == false)
        #expect(brake["deactivations"] as? Int == 1)
        #expect(brake["managedActive"] as? Int == 3)
    }

    @Test func planCreatesNewUsersAndReadsStdin() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run(
            [
                "directory", "plan", "--api-key", key, "--base-url", server.origin, "--group", support,
                "--existing", "-",
            ], stdin: Data(#"{"users":[]}"#.utf8))
        #expect(result.exitCode == 0, "\(result.stdout) \(result.stderr)")
        let plan = try result.json()
        let create = try #require(plan["create"] as? [[String: Any]])
        #expect(create.map { $0["externalId"] as? String } == [hex(2), hex(3)])
        #expect(Set(create[0].keys) == ["externalId", "email", "firstName", "lastName"])
        #expect(plan["unchanged"] as? Int == 0)
    }

    @Test func wrongKeyIsInvalidAPIKey() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", "wrong-\(key)", "--base-url", server.origin, "--group", sales,
            "--existing", try writeExisting(existingJSON),
        ])
        try expectFailure(result, code: "invalid_api_key")
        #expect(!result.stderr.contains("wrong-\(key)"))
    }

    @Test func multiTenantKeyWithoutOrgIsOrgIDRequired() async throws {
        let server = try startFakeJumpCloud(requiredOrgID: org)
        defer { server.stop() }
        try expectFailure(
            try await CLIRunner.run(["directory", "groups", "--api-key", key, "--base-url", server.origin]),
            code: "org_id_required")
    }

    @Test func unknownGroupIsGroupNotFound() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", key, "--base-url", server.origin, "--group", sales,
            "--group", "ffffffffffffffffffffffff", "--existing", try writeExisting(existingJSON),
        ])
        try expectFailure(result, code: "group_not_found")
    }

    @Test func malformedExistingIsInvalidExisting() async throws {
        let server = try startFakeJumpCloud()
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", key, "--base-url", server.origin, "--group", sales,
            "--existing", try writeExisting(#"{"users":[{"email":"a@example.com"}]}"#),
        ])
        try expectFailure(result, code: "invalid_existing")
        #expect(server.requests.isEmpty)
    }

    @Test(arguments: [
        (["--org-id", "not-hex"], "invalid_org_id"),
        (["--base-url", "http://console.jumpcloud.com"], "invalid_base_url"),
    ])
    func refusedBeforeSending(extra: [String], code: String) async throws {
        try expectFailure(try await CLIRunner.run(["directory", "groups", "--api-key", key] + extra), code: code)
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try startFakeJumpCloud { target in
            target.hasPrefix("/api/v2/usergroups")
                ? .init(status: 302, headers: [("Location", "/steal")]) : nil
        }
        defer { server.stop() }
        let result = try await CLIRunner.run(["directory", "groups", "--api-key", key, "--base-url", server.origin])
        try expectFailure(result, code: "upstream_error")
        #expect(!server.requests.contains { $0.target.hasPrefix("/steal") })
    }

    @Test func truncatedUpstreamAnswerFailsWithoutAPlan() async throws {
        let server = try startFakeJumpCloud { target in
            target.hasPrefix("/api/systemusers") ? .init(status: 400, body: Data(#"{"message":"bad"}"#.utf8)) : nil
        }
        defer { server.stop() }
        let result = try await CLIRunner.run([
            "directory", "plan", "--api-key", key, "--base-url", server.origin, "--group", sales,
            "--existing", try writeExisting(existingJSON),
        ])
        try expectFailure(result, code: "upstream_error")
    }

    @Test(arguments: [
        ["directory", "plan", "--api-key", key, "--existing", "-"],
        ["directory", "plan", "--api-key", key, "--group", sales],
        ["directory", "groups"],
    ])
    func usageErrorsExit64(arguments: [String]) async throws {
        #expect(try await CLIRunner.run(arguments).exitCode == 64)
    }
}
