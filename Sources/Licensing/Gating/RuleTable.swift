extension GatingPolicy {
    /// Actions whose license state must be acceptable.
    private static let licensed = GatedAction.licensedConfiguration.union(GatedAction.ssoRuntime)
    private static let licensedOrInstall = licensed.union([.installLicense])

    /// The rule table documented in "Gating SSO and SCIM". Each id appears once.
    public static let standardRules: [PolicyRule] = [
        // MARK: Permits
        PolicyRule(
            "permit.owner_configuration", .permit, GatedAction.configuration, .ownerConfiguration,
            "the actor is an owner of the organization"
        ) { $0.isOwner },
        PolicyRule(
            "permit.sso_runtime", .permit, GatedAction.ssoRuntime, .ssoAvailable,
            "SSO is usable: the connection is active and the license is active or in grace and grants `sso`"
        ) { $0.ssoUsable },
        PolicyRule(
            "permit.password_login", .permit, [.passwordLogin], .passwordLoginAvailable,
            "password login is enabled and the login mode does not require SSO for the actor, "
                + "or the actor is an owner with break-glass, or an owner while SSO is not usable"
        ) { ($0.organization.passwordLoginEnabled && !$0.modeRequiresSSO) || $0.passwordExempt },

        // MARK: Who may configure
        PolicyRule(
            "config.org_has_no_owner", .forbid, GatedAction.configuration, .orgHasNoOwner,
            "the organization has no owner"
        ) { !$0.orgHasOwner },
        PolicyRule(
            "config.not_owner", .forbid, GatedAction.configuration, .notOwner,
            "the actor is not an owner of the organization"
        ) { !$0.isOwner },
        PolicyRule(
            "config.reauth_required", .forbid, GatedAction.configuration, .reauthRequired,
            "the host requires recent re-authentication and the actor's is missing or older than the window"
        ) { !$0.reauthenticatedRecently },

        // MARK: License state
        PolicyRule(
            "license.missing", .forbid, licensedOrInstall, .licenseMissing,
            "no license is installed"
        ) { $0.licenseIs(.missing) },
        PolicyRule(
            "license.invalid", .forbid, licensedOrInstall, .licenseInvalid,
            "the license failed verification (details: the verification code)",
            details: { [$0.license.failure?.rawValue].compactMap { $0 } }
        ) { $0.licenseIs(.invalid) },
        PolicyRule(
            "license.wrong_product", .forbid, licensedOrInstall, .licenseWrongProduct,
            "the license names another product"
        ) { $0.licenseIs(.wrongProduct) },
        PolicyRule(
            "license.org_mismatch", .forbid, licensedOrInstall, .licenseOrgMismatch,
            "the license belongs to another organization"
        ) { $0.licenseIs(.orgMismatch) },
        PolicyRule(
            "license.revoked", .forbid, licensedOrInstall, .licenseRevoked,
            "the host's revocation list names the license"
        ) { $0.licenseIs(.revoked) },
        PolicyRule(
            "license.superseded", .forbid, licensedOrInstall, .licenseSuperseded,
            "the organization installed a newer license, or a paid one and this is a trial"
        ) { $0.licenseIs(.superseded) },
        PolicyRule(
            "license.expired", .forbid, licensedOrInstall, .licenseExpired,
            "now is past not_after plus grace days"
        ) { $0.licenseIs(.expired) },
        PolicyRule(
            "license.not_activated", .forbid, licensed, .licenseNotActivated,
            "the license is pending activation"
        ) { $0.licenseIs(.notActivated) },
        PolicyRule(
            "license.not_started", .forbid, licensed, .licenseNotStarted,
            "now is before not_before"
        ) { $0.licenseIs(.notStarted) },
        PolicyRule(
            "license.in_grace", .forbid, GatedAction.licensedConfiguration, .licenseInGrace,
            "the license is in grace (configuration changes are blocked; logins keep working)"
        ) { $0.licenseIs(.inGrace) },

        // MARK: Features
        PolicyRule(
            "feature.sso", .forbid, GatedAction.ssoConfiguration.union(GatedAction.ssoRuntime), .ssoNotLicensed,
            "the license does not list `sso`"
        ) { $0.lacks(.sso) },
        PolicyRule(
            "feature.scim", .forbid, GatedAction.scimConfiguration, .scimNotLicensed,
            "the license does not list `scim`"
        ) { $0.lacks(.scim) },
        PolicyRule(
            "feature.directory_import", .forbid, GatedAction.directoryImportConfiguration,
            .directoryImportNotLicensed,
            "the license does not list `directory_import`"
        ) { $0.lacks(.directoryImport) },

        // MARK: SSO connection
        PolicyRule(
            "sso.connection_exists", .forbid, [.createSSOConnection], .ssoConnectionExists,
            "the organization already has an SSO connection"
        ) { $0.organization.sso != nil },
        PolicyRule(
            "sso.connection_missing", .forbid,
            [
                .uploadIdPMetadata, .generateSPCertificate, .rotateSPCertificate, .activateSSO, .deactivateSSO,
                .deleteSSO,
            ],
            .ssoConnectionMissing,
            "the organization has no SSO connection"
        ) { $0.organization.sso == nil },
        PolicyRule(
            "sso.sp_certificate_missing", .forbid, [.rotateSPCertificate], .spCertificateMissing,
            "the SSO connection has no SP certificate to rotate"
        ) { $0.organization.sso.map { !$0.hasSPCertificate } ?? false },
        PolicyRule(
            "sso.not_ready", .forbid, [.activateSSO], .ssoNotReady,
            "the SSO connection lacks IdP metadata, an IdP signing certificate or an SP certificate "
                + "(details: what is missing)",
            details: { $0.organization.sso?.missingForActivation ?? [] }
        ) { !($0.organization.sso?.missingForActivation.isEmpty ?? true) },
        PolicyRule(
            "sso.not_active", .forbid,
            [
                .setLoginModeRequired, .setLoginModeRequiredExceptOwners, .disablePasswordLogin, .ssoLogin,
                .createUserJIT,
            ],
            .ssoNotActive,
            "the organization has no active SSO connection"
        ) { !$0.ssoActive },
        PolicyRule(
            "sso.would_lock_out", .forbid, [.deactivateSSO, .deleteSSO], .wouldLockOut,
            "the login mode is `required` or `required_except_owners`"
        ) { $0.organization.sso != nil && $0.organization.loginMode != .optional },
        PolicyRule(
            "sso.scim_depends", .forbid, [.deleteSSO], .scimDependsOnSSO,
            "a SCIM integration exists"
        ) { $0.organization.sso != nil && $0.organization.scimEnabled },

        // MARK: Login mode
        PolicyRule(
            "login.no_break_glass", .forbid, [.setLoginModeRequired], .noBreakGlass,
            "no owner has a break-glass path (password + MFA, or recovery codes)"
        ) { !$0.anyOwnerHasBreakGlass },
        PolicyRule(
            "password.disabled", .forbid, [.passwordLogin], .passwordLoginDisabled,
            "password login is disabled and the actor is neither a break-glass owner nor an owner "
                + "while SSO is not usable"
        ) { !$0.organization.passwordLoginEnabled && !$0.passwordExempt },
        PolicyRule(
            "password.sso_required", .forbid, [.passwordLogin], .ssoRequired,
            "the login mode requires SSO for the actor (`required`, or `required_except_owners` and not an "
                + "owner) and the actor is neither a break-glass owner nor an owner while SSO is not usable"
        ) { $0.modeRequiresSSO && !$0.passwordExempt },

        // MARK: SCIM
        PolicyRule(
            "scim.integration_exists", .forbid, [.enableSCIM], .scimIntegrationExists,
            "the organization already has a SCIM integration"
        ) { $0.organization.scimEnabled },
        PolicyRule(
            "scim.sso_not_configured", .forbid, [.enableSCIM], .ssoNotConfigured,
            "the organization has no active SSO connection"
        ) { !$0.ssoActive },
        PolicyRule(
            "scim.not_enabled", .forbid, [.createSCIMToken, .revokeSCIMToken, .disableSCIM], .scimNotEnabled,
            "the organization has no SCIM integration"
        ) { !$0.organization.scimEnabled },

        // MARK: Directory import
        PolicyRule(
            "directory_import.missing", .forbid, [.removeDirectoryImport], .directoryImportMissing,
            "the organization has no directory import"
        ) { $0.organization.directoryImports <= 0 },

        // MARK: Seats
        PolicyRule(
            "jit.seat_limit", .forbid, [.createUserJIT], .seatLimitReached,
            "the license has seats and the user count has reached them"
        ) { facts in facts.license.license?.seats.map { facts.organization.userCount >= $0 } ?? false },

        // MARK: Advice
        PolicyRule(
            "advice.owner_fallback", .advise, [.passwordLogin], .ownerLoginFallback,
            "an owner signs in with a password that the mode or switch would refuse, because SSO is not usable"
        ) { f in
            f.ownerFallback && !f.isBreakGlassOwner
                && (f.modeRequiresSSO || !f.organization.passwordLoginEnabled)
        },
        PolicyRule(
            "advice.break_glass", .advise, [.passwordLogin], .breakGlassLogin,
            "a break-glass owner signs in with a password that the mode or switch would refuse"
        ) { f in f.isBreakGlassOwner && (f.modeRequiresSSO || !f.organization.passwordLoginEnabled) },
    ]
}
