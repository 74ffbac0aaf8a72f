import ArgumentParser
import Foundation
import KisiIdentityServer
import SCIMCore

/// `kisi-identity scim …`: SCIM administration of the reference server's database.
struct SCIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim",
        abstract: "Administer the SCIM server's database.",
        subcommands: [SCIMTokenCommand.self]
    )
}

/// `kisi-identity scim token create|list|revoke`.
struct SCIMTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke SCIM bearer tokens (only their hashes are stored).",
        discussion: "Changes take effect in a running server at once; no restart.",
        subcommands: [SCIMTokenCreateCommand.self, SCIMTokenListCommand.self, SCIMTokenRevokeCommand.self]
    )
}

/// One token record as printed (never the token or its hash).
struct SCIMTokenOutput: Encodable {
    var id: String
    var label: String
    var hint: String
    var created: Date
    var revoked: Date?
    var lastUsed: Date?

    enum CodingKeys: String, CodingKey {
        case id, label, hint, created, revoked
        case lastUsed = "last_used"
    }

    init(_ listing: SCIMTokenListing) {
        id = listing.record.id
        label = listing.record.label
        hint = listing.record.hint
        created = listing.record.createdAt
        revoked = listing.record.revokedAt
        lastUsed = listing.lastUsedAt
    }

    /// ISO 8601 dates, sorted keys, one line.
    func printLine() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try encoder.encode(self) + Data("\n".utf8))
    }
}

/// `kisi-identity scim token create`.
struct SCIMTokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a bearer token; prints its record as JSON, then the token alone on the last line.",
        discussion: "The token is shown once: only its SHA-256 hash is stored. Paste it into JumpCloud's Token Key."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "A label for the token, e.g. JumpCloud.")
    var label = "default"

    func run() async throws {
        let label = label
        let issued = try await database.withStores { try await $0.tokens.create(label: label) }
        try SCIMTokenOutput(SCIMTokenListing(record: issued.record, lastUsedAt: nil)).printLine()
        FileHandle.standardOutput.write(Data((issued.token + "\n").utf8))
    }
}

/// `kisi-identity scim token list`.
struct SCIMTokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens: {\"tokens\":[{id,label,hint,created,revoked,last_used}]}."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        struct Output: Encodable { var tokens: [SCIMTokenOutput] }
        let tokens = try await database.withStores { try await $0.tokens.list() }.map(SCIMTokenOutput.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        FileHandle.standardOutput.write(try encoder.encode(Output(tokens: tokens)) + Data("\n".utf8))
    }
}

/// `kisi-identity scim token revoke ID`.
struct SCIMTokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token by id; a running server refuses it from the next request."
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The token id (from `list`).")
    var id: String

    func run() async throws {
        struct Output: Encodable { var revoked: String }
        let id = id
        guard try await database.withStores({ try await $0.tokens.revoke(id: id) }) else {
            throw CLIOutput.fail(code: "token_not_found", message: "No active token has id '\(id)'.")
        }
        try CLIOutput.printJSON(Output(revoked: id))
    }
}
