#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
internal import Crypto

/// Decides whether a request may use the SCIM API. Injected into ``SCIMService``.
public protocol SCIMAuthenticator: Sendable {
    /// Whether the request carries valid credentials. Implementations must not log the credentials.
    ///
    /// Throw (rather than return `false`) when the credentials cannot be checked, for example because the token
    /// table is unreachable: ``SCIMService`` then answers 503 for an error that is a temporary
    /// ``SCIMTemporaryFailure`` and 500 otherwise, instead of telling a valid client its token is wrong.
    func authenticate(_ request: SCIMRequest) async throws -> Bool
}

/// What the host keeps about a bearer token: its SHA-256 hash, never the token itself.
public struct SCIMTokenRecord: Sendable, Hashable, Codable {
    /// A short random identifier for management (list, revoke).
    public var id: String
    /// Lower-case hex SHA-256 of the token's UTF-8 bytes.
    public var sha256: String
    /// A display hint: the prefix and the last four characters (`kisi_scim_…Qx9A`).
    public var hint: String
    /// A label the owner gave the token (for example "JumpCloud").
    public var label: String
    /// When the token was generated.
    public var createdAt: Date
    /// When the token was revoked, if it was.
    public var revokedAt: Date?

    /// Creates a record.
    public init(id: String, sha256: String, hint: String, label: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.sha256 = sha256
        self.hint = hint
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the token is still accepted.
    public var isActive: Bool { revokedAt == nil }
}

/// Bearer token generation and hashing.
///
/// Tokens are `kisi_scim_` followed by 32 random bytes in unpadded base64url (43 characters). The prefix
/// makes leaked tokens recognisable by secret scanners. Show the token once; store only the record.
public enum SCIMToken {
    /// The recognisable prefix of every token.
    public static let prefix = "kisi_scim_"
    /// Random bytes per token.
    public static let randomByteCount = 32

    /// Generates a token and its record.
    /// - Parameters:
    ///   - label: The owner's label for the token.
    ///   - createdAt: The current time (injected).
    ///   - generator: The randomness source; use `SystemRandomNumberGenerator` outside tests.
    /// - Returns: The token to show once, and the record to store.
    public static func generate<R: RandomNumberGenerator>(
        label: String, createdAt: Date, using generator: inout R
    ) -> (token: String, record: SCIMTokenRecord) {
        let secret = randomBytes(randomByteCount, using: &generator)
        let token = prefix + base64URL(secret)
        let id = randomBytes(8, using: &generator).map { String(format2: $0) }.joined()
        let record = SCIMTokenRecord(
            id: id, sha256: hash(token), hint: prefix + "…" + String(token.suffix(4)), label: label,
            createdAt: createdAt)
        return (token, record)
    }

    /// Generates a token with the system's secure random number generator.
    public static func generate(label: String, createdAt: Date) -> (token: String, record: SCIMTokenRecord) {
        var generator = SystemRandomNumberGenerator()
        return generate(label: label, createdAt: createdAt, using: &generator)
    }

    /// Lower-case hex SHA-256 of the token.
    public static func hash(_ token: String) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(token.utf8)) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `token` matches any active record. Compares against every active record in constant time
    /// per record and does not stop at the first match.
    public static func verify(_ token: String, against records: [SCIMTokenRecord]) -> Bool {
        let presented = hash(token)
        var matched: UInt8 = 0
        for record in records where record.isActive {
            guard record.sha256.utf8.count == presented.utf8.count else { continue }
            var difference: UInt8 = 0
            for (stored, given) in zip(record.sha256.utf8, presented.utf8) { difference |= stored ^ given }
            matched |= difference == 0 ? 1 : 0
        }
        return matched != 0
    }

    private static func randomBytes<R: RandomNumberGenerator>(_ count: Int, using generator: inout R) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        return bytes
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        String(
            Data(bytes).base64EncodedString().compactMap { character -> Character? in
                switch character {
                case "+": return "-"
                case "/": return "_"
                case "=": return nil
                default: return character
                }
            })
    }
}

extension String {
    fileprivate init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

/// Where a ``SCIMBearerTokenAuthenticator`` reads token records from (the host's database, or memory).
public protocol SCIMTokenRecordSource: Sendable {
    /// The records of tokens that are not revoked.
    func activeTokenRecords() async throws -> [SCIMTokenRecord]
}

/// An in-memory token list: several active tokens, revocation, listing.
public actor InMemorySCIMTokenStore: SCIMTokenRecordSource {
    private var records: [SCIMTokenRecord]

    /// Creates a store with existing records.
    public init(records: [SCIMTokenRecord] = []) {
        self.records = records
    }

    /// Generates a token, stores its record and returns the token (to show once) with the record.
    public func issue(label: String, now: Date) -> (token: String, record: SCIMTokenRecord) {
        let issued = SCIMToken.generate(label: label, createdAt: now)
        records.append(issued.record)
        return issued
    }

    /// Adds a record generated elsewhere.
    public func add(_ record: SCIMTokenRecord) {
        records.append(record)
    }

    /// Revokes the token with record `id`. Returns false when no active token has that id.
    @discardableResult
    public func revoke(id: String, now: Date) -> Bool {
        guard let index = records.firstIndex(where: { $0.id == id && $0.isActive }) else { return false }
        records[index].revokedAt = now
        return true
    }

    /// All records, revoked ones included.
    public func allRecords() -> [SCIMTokenRecord] { records }

    /// Records of active tokens.
    public func activeTokenRecords() -> [SCIMTokenRecord] { records.filter(\.isActive) }
}

/// Authenticates `Authorization: Bearer <token>` against hashed token records.
public struct SCIMBearerTokenAuthenticator: SCIMAuthenticator {
    private let source: any SCIMTokenRecordSource

    /// Creates an authenticator over a record source.
    public init(source: any SCIMTokenRecordSource) {
        self.source = source
    }

    /// Whether the bearer token matches an active record. Missing or malformed headers fail.
    /// - Throws: What the record source throws (the records could not be read).
    public func authenticate(_ request: SCIMRequest) async throws -> Bool {
        guard let token = Self.bearerToken(request) else { return false }
        return SCIMToken.verify(token, against: try await source.activeTokenRecords())
    }

    /// The token of the request's `Authorization: Bearer …` header (scheme case-insensitive, surrounding blanks
    /// ignored), or nil when the header is missing or malformed. For hosts writing their own authenticator.
    public static func bearerToken(_ request: SCIMRequest) -> String? {
        guard let header = request.header("Authorization") else { return nil }
        let bytes = header.utf8
        guard bytes.count > 7, bytes.prefix(6).elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }),
            bytes.dropFirst(6).first == 0x20
        else { return nil }
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let rest = bytes.dropFirst(7).drop(while: isSpace)
        var end = rest.endIndex
        while end > rest.startIndex, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        let token = rest[rest.startIndex..<end]
        guard !token.isEmpty, !token.contains(where: isSpace) else { return nil }
        return String(decoding: token, as: UTF8.self)
    }
}
