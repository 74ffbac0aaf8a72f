import ArgumentParser
import Foundation
import IdentityPostgres
import KisiIdentityServer

/// `kisi-identity org create|list`: the organizations the server hosts.
struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create and list the organizations the server hosts.",
        subcommands: [OrgCreateCommand.self, OrgListCommand.self]
    )
}

/// One organization as printed (never the admin token or its hash).
struct OrganizationOutput: Encodable {
    var id: String
    var name: String
    var ownerEmail: String
    var adminTokenHint: String
    var created: Date

    enum CodingKeys: String, CodingKey {
        case id, name, created
        case ownerEmail = "owner_email"
        case adminTokenHint = "admin_token_hint"
    }

    init(_ record: OrganizationRecord) {
        id = record.id
        name = record.name
        ownerEmail = record.ownerEmail
        adminTokenHint = record.adminTokenHint
        created = record.createdAt
    }
}

/// `kisi-identity org create --name N --owner-email E`.
struct OrgCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an organization; prints it as JSON, then the owner's admin token alone on the last line.",
        discussion: "The admin token is shown once: only its SHA-256 hash is stored."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The organization's name.")
    var name: String

    @Option(name: .customLong("owner-email"), help: "The e-mail of the organization's owner.")
    var ownerEmail: String

    func run() async throws {
        let (name, ownerEmail) = (name, ownerEmail)
        // An invalid name or e-mail is reported as itself, not as a database failure (withStores' catch-all).
        let outcome = try await database.withStores { stores -> Result<(record: OrganizationRecord, adminToken: String), OrganizationError> in
            do { return .success(try await stores.organizations.create(name: name, ownerEmail: ownerEmail)) } catch let error as OrganizationError {
                return .failure(error)
            }
        }
        let created: (record: OrganizationRecord, adminToken: String)
        switch outcome {
        case .success(let value): created = value
        case .failure(let error): throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
        try CLIOutput.printJSON(OrganizationOutput(created.record))
        FileHandle.standardOutput.write(Data((created.adminToken + "\n").utf8))
    }
}

/// `kisi-identity org list`.
struct OrgListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List organizations: {\"organizations\":[{id,name,owner_email,admin_token_hint,created}]}."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        struct Output: Encodable { var organizations: [OrganizationOutput] }
        let records = try await database.withStores { try await $0.organizations.list() }
        try CLIOutput.printJSON(Output(organizations: records.map(OrganizationOutput.init)))
    }
}
