public import Foundation
internal import GRDB
public import IdentityPostgres
internal import SCIMCore

/// The organizations the reference server hosts, in its database (SQLite, or PostgreSQL shared by instances).
///
/// Creating one issues the owner's admin token — the stand-in for the product's dashboard session that will
/// authenticate the admin API — shown once; only its SHA-256 hash and a display hint are stored.
public struct OrganizationStore: Sendable {
    private enum Storage: Sendable {
        case sqlite(SQLiteDatabase)
        case postgres(PostgresOrganizationStore)
    }

    private let storage: Storage
    private let now: @Sendable () -> Date

    /// The prefix of every admin token.
    public static let adminTokenPrefix = "kisi_admin_"

    /// Creates a store over an opened SQLite database.
    public init(database: SQLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        storage = .sqlite(database)
        self.now = now
    }

    /// Creates a store over a migrated PostgreSQL database.
    public init(database: IdentityPostgresDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        storage = .postgres(PostgresOrganizationStore(database: database))
        self.now = now
    }

    /// Creates an organization owned by `ownerEmail` and returns it with the owner's admin token (show it once).
    /// - Throws: ``OrganizationError`` `invalid_name` or `invalid_owner_email`; the database's error.
    public func create(name: String, ownerEmail: String) async throws -> (record: OrganizationRecord, adminToken: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.contains(where: \.isNewline) else {
            throw OrganizationError(.invalidName, "The organization name must be 1 to 200 characters on one line.")
        }
        let email = ownerEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.count <= 254,
            !email.contains(where: { $0.isWhitespace })
        else {
            throw OrganizationError(.invalidOwnerEmail, "The owner e-mail '\(ownerEmail)' is not an e-mail address.")
        }
        var generator = SystemRandomNumberGenerator()
        let token = Self.adminTokenPrefix + Self.base64URL(Self.randomBytes(32, using: &generator))
        let record = OrganizationRecord(
            id: "org_" + Self.randomBytes(8, using: &generator).map { Self.hexDigits($0) }.joined(),
            name: name, ownerEmail: email, adminTokenSHA256: SCIMToken.hash(token),
            adminTokenHint: Self.adminTokenPrefix + "…" + String(token.suffix(4)), createdAt: now())
        switch storage {
        case .postgres(let store):
            try await store.insert(record)
        case .sqlite(let database):
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO organizations (id, name, owner_email, admin_token_sha256, admin_token_hint, created)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        record.id, record.name, record.ownerEmail, record.adminTokenSHA256, record.adminTokenHint,
                        record.createdAt.timeIntervalSince1970,
                    ])
            }
        }
        return (record, token)
    }

    /// Every organization, oldest first.
    public func list() async throws -> [OrganizationRecord] {
        switch storage {
        case .postgres(let store):
            return try await store.list()
        case .sqlite(let database):
            return try await database.pool.read { db in try Self.select(db, where: "1", arguments: []) }
        }
    }

    /// The organization whose owner holds `adminToken`, or nil for an unknown token.
    public func organization(authenticatedBy adminToken: String) async throws -> OrganizationRecord? {
        guard adminToken.hasPrefix(Self.adminTokenPrefix) else { return nil }
        let hash = SCIMToken.hash(adminToken)
        switch storage {
        case .postgres(let store):
            return try await store.organization(adminTokenSHA256: hash)
        case .sqlite(let database):
            return try await database.pool.read { db in
                try Self.select(db, where: "admin_token_sha256 = ?", arguments: [hash]).first
            }
        }
    }

    private static func select(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [OrganizationRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, owner_email, admin_token_sha256, admin_token_hint, created FROM organizations
                WHERE \(condition) ORDER BY created, id
                """,
            arguments: arguments
        ).map { row in
            let created: Double = row["created"]
            return OrganizationRecord(
                id: row["id"], name: row["name"], ownerEmail: row["owner_email"],
                adminTokenSHA256: row["admin_token_sha256"], adminTokenHint: row["admin_token_hint"],
                createdAt: Date(timeIntervalSince1970: created))
        }
    }

    private static func randomBytes(_ count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// Why an organization could not be created. Stable codes; messages safe to show.
public struct OrganizationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine-readable error code.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable string.
        public let rawValue: String
        /// Creates a code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's string.
        public var description: String { rawValue }

        /// The name is empty, longer than 200 characters or spans lines.
        public static let invalidName = Code(rawValue: "invalid_name")
        /// The owner e-mail is not an address.
        public static let invalidOwnerEmail = Code(rawValue: "invalid_owner_email")
    }

    /// The stable code.
    public let code: Code
    /// A message safe to show.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
