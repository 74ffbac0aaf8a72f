#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// How members of an organization sign in.
public enum LoginMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Password and SSO both work.
    case optional
    /// SSO only; owners with a break-glass path keep password login.
    case required
    /// SSO for everyone except owners, who may also use their password.
    case requiredExceptOwners = "required_except_owners"
}

/// The person (or service) asking for an action (named so that it never shadows Swift's `Actor` protocol in a
/// file that imports Licensing).
public struct ActingUser: Sendable, Hashable, Codable {
    /// The user id. The actor is an owner when an ``OrganizationState/owners`` entry has this id.
    public var id: String
    /// When the actor last re-entered their credentials, if ever; checked when the policy requires
    /// recent re-authentication for configuration.
    public var reauthenticatedAt: Date?

    /// Creates an actor.
    public init(id: String, reauthenticatedAt: Date? = nil) {
        self.id = id
        self.reauthenticatedAt = reauthenticatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case reauthenticatedAt = "reauthenticated_at"
    }
}

/// An owner of the organization and the credentials that can get them in without SSO.
public struct OwnerAccount: Sendable, Hashable, Codable {
    /// The owner's user id.
    public var id: String
    /// The owner has a password.
    public var hasPassword: Bool
    /// The owner has a second factor enrolled.
    public var hasMFA: Bool
    /// The owner has unused recovery codes.
    public var hasRecoveryCodes: Bool

    /// Creates an owner entry.
    public init(id: String, hasPassword: Bool = true, hasMFA: Bool = false, hasRecoveryCodes: Bool = false) {
        self.id = id
        self.hasPassword = hasPassword
        self.hasMFA = hasMFA
        self.hasRecoveryCodes = hasRecoveryCodes
    }

    /// A break-glass path: password plus MFA, or recovery codes.
    public var hasBreakGlass: Bool { (hasPassword && hasMFA) || hasRecoveryCodes }

    enum CodingKeys: String, CodingKey {
        case id
        case hasPassword = "password"
        case hasMFA = "mfa"
        case hasRecoveryCodes = "recovery_codes"
    }

    /// Decodes an owner; missing credential flags are `false`, except `password` which defaults to `true`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        hasPassword = try c.decodeIfPresent(Bool.self, forKey: .hasPassword) ?? true
        hasMFA = try c.decodeIfPresent(Bool.self, forKey: .hasMFA) ?? false
        hasRecoveryCodes = try c.decodeIfPresent(Bool.self, forKey: .hasRecoveryCodes) ?? false
    }
}

/// The organization's SSO connection (at most one).
public struct SSOConnectionState: Sendable, Hashable, Codable {
    /// The connection is switched on.
    public var isActive: Bool
    /// IdP metadata was uploaded and parsed.
    public var hasIdPMetadata: Bool
    /// The parsed IdP metadata has a signing certificate.
    public var hasIdPSigningCertificate: Bool
    /// An SP certificate exists.
    public var hasSPCertificate: Bool

    /// Creates a connection state.
    public init(
        isActive: Bool = false,
        hasIdPMetadata: Bool = false,
        hasIdPSigningCertificate: Bool = false,
        hasSPCertificate: Bool = false
    ) {
        self.isActive = isActive
        self.hasIdPMetadata = hasIdPMetadata
        self.hasIdPSigningCertificate = hasIdPSigningCertificate
        self.hasSPCertificate = hasSPCertificate
    }

    /// What activation still needs: `idp_metadata`, `idp_signing_certificate`, `sp_certificate`.
    public var missingForActivation: [String] {
        var missing: [String] = []
        if !hasIdPMetadata { missing.append("idp_metadata") }
        if !hasIdPSigningCertificate { missing.append("idp_signing_certificate") }
        if !hasSPCertificate { missing.append("sp_certificate") }
        return missing
    }

    enum CodingKeys: String, CodingKey {
        case isActive = "active"
        case hasIdPMetadata = "idp_metadata"
        case hasIdPSigningCertificate = "idp_signing_certificate"
        case hasSPCertificate = "sp_certificate"
    }

    /// Decodes a connection; missing flags are `false`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive) ?? false
        hasIdPMetadata = try c.decodeIfPresent(Bool.self, forKey: .hasIdPMetadata) ?? false
        hasIdPSigningCertificate = try c.decodeIfPresent(Bool.self, forKey: .hasIdPSigningCertificate) ?? false
        hasSPCertificate = try c.decodeIfPresent(Bool.self, forKey: .hasSPCertificate) ?? false
    }
}

/// What the organization has installed before, so that older or trial licenses never extend anything.
public struct LicenseHistory: Sendable, Hashable, Codable {
    /// `issuedAt` of the newest license ever installed.
    public var newestIssuedAt: Date?
    /// A paid license was installed at some point.
    public var hasHadPaidLicense: Bool

    /// Creates a history.
    public init(newestIssuedAt: Date? = nil, hasHadPaidLicense: Bool = false) {
        self.newestIssuedAt = newestIssuedAt
        self.hasHadPaidLicense = hasHadPaidLicense
    }

    /// The history after installing `license` (call it once the `install_license` decision allowed it).
    public func recording(_ license: License) -> LicenseHistory {
        LicenseHistory(
            newestIssuedAt: max(newestIssuedAt ?? license.issuedAt, license.issuedAt),
            hasHadPaidLicense: hasHadPaidLicense || license.kind == .paid
        )
    }

    enum CodingKeys: String, CodingKey {
        case newestIssuedAt = "newest_issued_at"
        case hasHadPaidLicense = "has_had_paid_license"
    }

    /// Decodes a history; missing fields mean "nothing installed".
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        newestIssuedAt = try c.decodeIfPresent(Date.self, forKey: .newestIssuedAt)
        hasHadPaidLicense = try c.decodeIfPresent(Bool.self, forKey: .hasHadPaidLicense) ?? false
    }
}

/// Everything the gate needs to know about an organization. The host builds it from its own storage.
public struct OrganizationState: Sendable, Hashable, Codable {
    /// The organization id; a license for another id is refused.
    public var id: String
    /// The owners. An organization without an owner can change no configuration.
    public var owners: [OwnerAccount]
    /// The SSO connection, if one exists.
    public var sso: SSOConnectionState?
    /// The SCIM integration exists.
    public var scimEnabled: Bool
    /// How many directory imports exist (unlimited).
    public var directoryImports: Int
    /// The login mode.
    public var loginMode: LoginMode
    /// Password login is enabled for the organization.
    public var passwordLoginEnabled: Bool
    /// Users that count against seats.
    public var userCount: Int
    /// Licenses installed before.
    public var licenseHistory: LicenseHistory

    /// Creates an organization state.
    public init(
        id: String,
        owners: [OwnerAccount],
        sso: SSOConnectionState? = nil,
        scimEnabled: Bool = false,
        directoryImports: Int = 0,
        loginMode: LoginMode = .optional,
        passwordLoginEnabled: Bool = true,
        userCount: Int = 0,
        licenseHistory: LicenseHistory = LicenseHistory()
    ) {
        self.id = id
        self.owners = owners
        self.sso = sso
        self.scimEnabled = scimEnabled
        self.directoryImports = directoryImports
        self.loginMode = loginMode
        self.passwordLoginEnabled = passwordLoginEnabled
        self.userCount = userCount
        self.licenseHistory = licenseHistory
    }

    /// The owner entry for `actorID`, if that user is an owner.
    public func owner(_ actorID: String) -> OwnerAccount? { owners.first { $0.id == actorID } }

    enum CodingKeys: String, CodingKey {
        case id, owners, sso
        case scimEnabled = "scim_enabled"
        case directoryImports = "directory_imports"
        case loginMode = "login_mode"
        case passwordLoginEnabled = "password_login_enabled"
        case userCount = "user_count"
        case licenseHistory = "license_history"
    }

    /// Decodes a state; only `id` is required (no owners, no integrations, optional mode, password on).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        owners = try c.decodeIfPresent([OwnerAccount].self, forKey: .owners) ?? []
        sso = try c.decodeIfPresent(SSOConnectionState.self, forKey: .sso)
        scimEnabled = try c.decodeIfPresent(Bool.self, forKey: .scimEnabled) ?? false
        directoryImports = try c.decodeIfPresent(Int.self, forKey: .directoryImports) ?? 0
        loginMode = try c.decodeIfPresent(LoginMode.self, forKey: .loginMode) ?? .optional
        passwordLoginEnabled = try c.decodeIfPresent(Bool.self, forKey: .passwordLoginEnabled) ?? true
        userCount = try c.decodeIfPresent(Int.self, forKey: .userCount) ?? 0
        licenseHistory = try c.decodeIfPresent(LicenseHistory.self, forKey: .licenseHistory) ?? LicenseHistory()
    }
}
