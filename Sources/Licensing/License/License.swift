#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A feature a license grants. A feature absent from a license is not granted.
public enum LicenseFeature: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// SAML single sign-on.
    case sso
    /// SCIM 2.0 provisioning.
    case scim
    /// Directory import (JumpCloud Directory API).
    case directoryImport = "directory_import"

    /// Orders features by their text, so encoded licenses are deterministic.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Whether a license was bought or is a trial.
public enum LicenseKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An evaluation license. Once an organization has had a paid license, trials are superseded.
    case trial
    /// A purchased license.
    case paid
}

/// Whether the vendor has activated the license. A pending license grants nothing until an activated
/// license replaces it.
public enum LicenseActivation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Issued but not activated yet.
    case pending
    /// Activated: its features may be used.
    case activated
}

/// The signed content of a license.
///
/// Encoded as JSON with snake_case keys and ISO 8601 dates, e.g.
/// ```json
/// {"activation":"activated","features":["scim","sso"],"grace_days":14,"id":"lic_1",
///  "issued_at":"2026-01-01T00:00:00Z","kind":"paid","not_after":"2027-01-01T00:00:00Z",
///  "not_before":"2026-01-01T00:00:00Z","organization_id":"org_1","product":"kisi-identity","seats":50}
/// ```
public struct License: Sendable, Hashable, Codable {
    /// The product name licenses of this suite carry.
    public static let defaultProduct = "kisi-identity"
    /// Grace days when the payload does not say.
    public static let defaultGraceDays = 14

    /// The license's unique id (revocation lists name it).
    public var id: String
    /// The organization the license belongs to.
    public var organizationID: String
    /// The product the license is for; ``defaultProduct`` for this suite.
    public var product: String
    /// Trial or paid.
    public var kind: LicenseKind
    /// The granted features.
    public var features: Set<LicenseFeature>
    /// The maximum number of users, or `nil` for unlimited. Limits only just-in-time creation.
    public var seats: Int?
    /// When the license was issued; a license issued before the organization's newest one is superseded.
    public var issuedAt: Date
    /// The license grants nothing before this instant.
    public var notBefore: Date
    /// The license expires at this instant, then runs ``graceDays`` days of grace.
    public var notAfter: Date
    /// Days after ``notAfter`` during which logins keep working but configuration is blocked.
    public var graceDays: Int
    /// Whether the license is activated.
    public var activation: LicenseActivation

    /// Creates a license payload.
    public init(
        id: String,
        organizationID: String,
        product: String = License.defaultProduct,
        kind: LicenseKind = .paid,
        features: Set<LicenseFeature>,
        seats: Int? = nil,
        issuedAt: Date,
        notBefore: Date,
        notAfter: Date,
        graceDays: Int = License.defaultGraceDays,
        activation: LicenseActivation = .activated
    ) {
        self.id = id
        self.organizationID = organizationID
        self.product = product
        self.kind = kind
        self.features = features
        self.seats = seats
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.graceDays = graceDays
        self.activation = activation
    }

    /// The end of the grace period: ``notAfter`` plus ``graceDays`` days.
    public var graceEndsAt: Date { notAfter.addingTimeInterval(TimeInterval(graceDays) * 86_400) }

    enum CodingKeys: String, CodingKey {
        case id
        case organizationID = "organization_id"
        case product, kind, features, seats
        case issuedAt = "issued_at"
        case notBefore = "not_before"
        case notAfter = "not_after"
        case graceDays = "grace_days"
        case activation
    }

    /// Decodes a payload; `grace_days` defaults to 14 and unknown feature names are ignored (not granted).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        organizationID = try c.decode(String.self, forKey: .organizationID)
        product = try c.decode(String.self, forKey: .product)
        kind = try c.decode(LicenseKind.self, forKey: .kind)
        features = Set(try c.decode([String].self, forKey: .features).compactMap(LicenseFeature.init(rawValue:)))
        seats = try c.decodeIfPresent(Int.self, forKey: .seats)
        issuedAt = try c.decode(Date.self, forKey: .issuedAt)
        notBefore = try c.decode(Date.self, forKey: .notBefore)
        notAfter = try c.decode(Date.self, forKey: .notAfter)
        graceDays = try c.decodeIfPresent(Int.self, forKey: .graceDays) ?? License.defaultGraceDays
        activation = try c.decode(LicenseActivation.self, forKey: .activation)
    }

    /// Encodes the payload with features sorted.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(organizationID, forKey: .organizationID)
        try c.encode(product, forKey: .product)
        try c.encode(kind, forKey: .kind)
        try c.encode(features.sorted(), forKey: .features)
        try c.encodeIfPresent(seats, forKey: .seats)
        try c.encode(issuedAt, forKey: .issuedAt)
        try c.encode(notBefore, forKey: .notBefore)
        try c.encode(notAfter, forKey: .notAfter)
        try c.encode(graceDays, forKey: .graceDays)
        try c.encode(activation, forKey: .activation)
    }

    /// Checks the payload's own consistency (non-empty ids, ordered dates, non-negative numbers).
    /// - Returns: a reason, or `nil` when consistent.
    func inconsistency() -> String? {
        if id.isEmpty { return "empty id" }
        if organizationID.isEmpty { return "empty organization_id" }
        if notAfter <= notBefore { return "not_after is not after not_before" }
        if graceDays < 0 || graceDays > 365 { return "grace_days out of range" }
        if let seats, seats < 0 { return "negative seats" }
        return nil
    }
}

extension JSONEncoder {
    /// The encoder used for license payloads: sorted keys, ISO 8601 dates.
    static var licensePayload: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder used for license payloads: ISO 8601 dates.
    static var licensePayload: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
