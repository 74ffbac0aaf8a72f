/// Every action the gate decides. The raw values are the stable names used by the CLI, audit events and
/// the rule table.
public enum GatedAction: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Install a license (the license passed to the decision is the candidate).
    case installLicense = "install_license"
    /// Create the organization's SSO connection.
    case createSSOConnection = "create_sso_connection"
    /// Upload (or replace) the IdP metadata of the SSO connection.
    case uploadIdPMetadata = "upload_idp_metadata"
    /// Generate the SP certificate of the SSO connection.
    case generateSPCertificate = "generate_sp_certificate"
    /// Replace the SP certificate with a new one.
    case rotateSPCertificate = "rotate_sp_certificate"
    /// Turn the SSO connection on.
    case activateSSO = "activate_sso"
    /// Turn the SSO connection off (keeping its configuration).
    case deactivateSSO = "deactivate_sso"
    /// Delete the SSO connection.
    case deleteSSO = "delete_sso"
    /// Set the login mode to ``LoginMode/optional``.
    case setLoginModeOptional = "set_login_mode_optional"
    /// Set the login mode to ``LoginMode/required``.
    case setLoginModeRequired = "set_login_mode_required"
    /// Set the login mode to ``LoginMode/requiredExceptOwners``.
    case setLoginModeRequiredExceptOwners = "set_login_mode_required_except_owners"
    /// Allow password login.
    case enablePasswordLogin = "enable_password_login"
    /// Forbid password login (break-glass owners keep it).
    case disablePasswordLogin = "disable_password_login"
    /// Create the organization's SCIM integration.
    case enableSCIM = "enable_scim"
    /// Remove the SCIM integration.
    case disableSCIM = "disable_scim"
    /// Create a SCIM bearer token.
    case createSCIMToken = "create_scim_token"
    /// Revoke a SCIM bearer token.
    case revokeSCIMToken = "revoke_scim_token"
    /// Add a directory import.
    case addDirectoryImport = "add_directory_import"
    /// Remove a directory import.
    case removeDirectoryImport = "remove_directory_import"
    /// An existing user signs in through SSO.
    case ssoLogin = "sso_login"
    /// A user signs in with a password.
    case passwordLogin = "password_login"
    /// A new user is created just in time during an SSO login.
    case createUserJIT = "create_user_jit"

    /// Orders actions by their stable name.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Configuration actions that need a valid license with the SSO feature.
    public static let ssoConfiguration: Set<GatedAction> = [
        .createSSOConnection, .uploadIdPMetadata, .generateSPCertificate, .rotateSPCertificate, .activateSSO,
        .setLoginModeRequired, .setLoginModeRequiredExceptOwners, .disablePasswordLogin,
    ]
    /// Configuration actions that need a valid license with the SCIM feature.
    public static let scimConfiguration: Set<GatedAction> = [.enableSCIM, .createSCIMToken]
    /// Configuration actions that need a valid license with the directory-import feature.
    public static let directoryImportConfiguration: Set<GatedAction> = [.addDirectoryImport]
    /// Configuration actions that need an active license (not in grace) with a feature.
    public static let licensedConfiguration: Set<GatedAction> =
        ssoConfiguration.union(scimConfiguration).union(directoryImportConfiguration)
    /// Configuration actions that only reduce what is enabled, plus license installation: owner only, no
    /// license needed, so a lapsed license never traps an organization in a configuration.
    public static let unlicensedConfiguration: Set<GatedAction> = [
        .installLicense, .deactivateSSO, .deleteSSO, .setLoginModeOptional, .enablePasswordLogin, .disableSCIM,
        .revokeSCIMToken, .removeDirectoryImport,
    ]
    /// Every configuration action (owner only).
    public static let configuration: Set<GatedAction> = licensedConfiguration.union(unlicensedConfiguration)
    /// Runtime actions that depend on SSO being usable.
    public static let ssoRuntime: Set<GatedAction> = [.ssoLogin, .createUserJIT]

    /// Whether this is a configuration action (owner only).
    public var isConfiguration: Bool { Self.configuration.contains(self) }
}
