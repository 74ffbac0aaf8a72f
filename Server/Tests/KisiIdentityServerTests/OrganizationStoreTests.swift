import Foundation
import IdentityPostgres
import KisiIdentityServer
import PostgresTestSupport
import Testing

/// Organizations and their owners' admin tokens mean the same on SQLite and PostgreSQL: the token is returned once,
/// only its hash is stored, it authenticates exactly its organization.
@Suite("Organizations on every database")
struct OrganizationStoreTests {
    typealias Database = TokenAdministrationTests.Database

    @Test("create, list, authenticate", arguments: Database.available)
    func lifecycle(database: Database) async throws {
        try await TokenAdministrationTests().withStores(database) { stores in
            let acme = try await stores.organizations.create(name: "  Acme Inc. ", ownerEmail: "Owner@Acme.example")
            let globex = try await stores.organizations.create(name: "Globex", ownerEmail: "boss@globex.example")
            #expect(acme.record.name == "Acme Inc.")
            #expect(acme.record.ownerEmail == "owner@acme.example")
            #expect(acme.record.id.hasPrefix("org_") && acme.record.id != globex.record.id)
            #expect(acme.adminToken.hasPrefix(OrganizationStore.adminTokenPrefix) && acme.adminToken != globex.adminToken)
            #expect(acme.record.adminTokenHint.hasSuffix(String(acme.adminToken.suffix(4))))

            let listed = try await stores.organizations.list()
            #expect(Set(listed.map(\.id)) == [acme.record.id, globex.record.id])
            #expect(listed.allSatisfy { !$0.adminTokenSHA256.contains("kisi_admin_") && $0.adminTokenSHA256.count == 64 })

            #expect(try await stores.organizations.organization(authenticatedBy: acme.adminToken)?.id == acme.record.id)
            #expect(try await stores.organizations.organization(authenticatedBy: globex.adminToken)?.id == globex.record.id)
            #expect(try await stores.organizations.organization(authenticatedBy: acme.adminToken + "x") == nil)
            #expect(try await stores.organizations.organization(authenticatedBy: "") == nil)
        }
    }

    @Test(arguments: [
        ("", "owner@acme.example", "invalid_name"), ("Two\nlines", "owner@acme.example", "invalid_name"),
        (String(repeating: "x", count: 201), "owner@acme.example", "invalid_name"),
        ("Acme", "not-an-email", "invalid_owner_email"), ("Acme", "a@b", "invalid_owner_email"),
        ("Acme", "a b@acme.example", "invalid_owner_email"), ("Acme", "@acme.example", "invalid_owner_email"),
    ])
    func invalidInputIsRefusedWithItsCode(name: String, email: String, code: String) async throws {
        try await TokenAdministrationTests().withStores(.sqlite) { stores in
            do {
                _ = try await stores.organizations.create(name: name, ownerEmail: email)
                Issue.record("created")
            } catch let error as OrganizationError {
                #expect(error.code.rawValue == code)
            }
            #expect(try await stores.organizations.list().isEmpty)
        }
    }
}
