import Foundation
import Testing

/// `kisi-identity org create|list` on an SQLite file.
@Suite struct OrgCLITests {
    @Test func createPrintsTheOrganizationThenTheTokenOnceAndListShowsNoSecret() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-org-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = ["--database", directory.appendingPathComponent("orgs.sqlite").path]

        let created = try await CLIRunner.run(["org", "create", "--name", "Acme", "--owner-email", "owner@acme.example"] + database)
        #expect(created.exitCode == 0, "\(created.stderr)")
        let lines = created.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let token = try #require(lines.last)
        #expect(token.hasPrefix("kisi_admin_"))
        let record = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let id = try #require(record["id"] as? String)
        #expect(record["owner_email"] as? String == "owner@acme.example")
        #expect(!lines[0].contains(token))

        let listed = try await CLIRunner.run(["org", "list"] + database)
        #expect(listed.exitCode == 0)
        let organizations = try #require(try listed.json()["organizations"] as? [[String: Any]])
        #expect(organizations.map { $0["id"] as? String } == [id])
        #expect(organizations.first?["name"] as? String == "Acme")
        #expect(!listed.stdout.contains(token))

        let refused = try await CLIRunner.run(["org", "create", "--name", "Acme", "--owner-email", "nobody"] + database)
        #expect(refused.exitCode == 1)
        #expect(refused.stdout.contains("invalid_owner_email"))
    }
}
