import ArgumentParser

/// The `kisi-identity` command: wires the KisiIdentity libraries to files, stdin/stdout and HTTP.
///
/// Exit codes: 0 success, 1 a rejection or failure (one JSON error object on stdout), 64 a usage error.
@main
struct KisiIdentity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kisi-identity",
        abstract: "JumpCloud SSO (SAML 2.0), SCIM 2.0 provisioning and directory import for Kisi.",
        subcommands: [
            ServeCommand.self, SAMLCommand.self, SCIMCommand.self, CertCommand.self, DirectoryCommand.self,
            LicenseCommand.self, SSOCommand.self, OrgCommand.self,
        ]
    )
}
