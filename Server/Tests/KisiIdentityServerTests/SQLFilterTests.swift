import Foundation
import GRDB
import SCIMCore
import Testing
@testable import KisiIdentityServer

/// Which filters become SQL, whether exactly, and that SQLite answers them from an index (no table scan).
@Suite struct SQLFilterTests {
    @Test(arguments: [
        (#"userName eq "Alice""#, SCIMResourceType.user, true),
        (#"externalId eq "x""#, .user, true),
        (#"id eq "x""#, .user, true),
        (#"emails.value eq "a@example.com""#, .user, true),
        (#"emails[type eq "work" and value eq "a@example.com"]"#, .user, false),
        (#"userName eq "a" or externalId eq "b""#, .user, true),
        (#"userName eq "a" and title eq "b""#, .user, false),
        (#"displayName eq "Staff""#, .group, true),
        (#"members.value eq "u1""#, .group, true),
        (#"members[value eq "u1"]"#, .group, true),
    ])
    func indexedFilters(text: String, type: SCIMResourceType, exact: Bool) throws {
        let filter = try SCIMFilter(parsing: text).resolved(for: type)
        let condition = try #require(SQLFilter.translate(filter, type: type))
        #expect(condition.exact == exact)
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let table = type == .user ? "scim_users" : "scim_groups"
        let plan = try temp.open().pool.read { db in
            try String.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT id FROM \(table) WHERE \(condition.sql)",
                arguments: StatementArguments(condition.arguments)
            ).joined(separator: " | ")
        }
        #expect(!plan.contains("SCAN \(table)"), "plan: \(plan)")
    }

    @Test(arguments: [#"userName sw "a""#, #"not (userName eq "a")"#, #"userName eq "a" or title eq "b""#, #"name.givenName eq "A""#])
    func unindexedFiltersAreNotTranslated(text: String) throws {
        let filter = try SCIMFilter(parsing: text).resolved(for: .user)
        #expect(SQLFilter.translate(filter, type: .user) == nil)
    }

    @Test func sortColumns() {
        #expect(SQLFilter.orderBy(SCIMSort(path: SCIMAttributePath("userName")), type: .user) != nil)
        #expect(SQLFilter.orderBy(SCIMSort(path: SCIMAttributePath("title")), type: .user) == nil)
    }
}
