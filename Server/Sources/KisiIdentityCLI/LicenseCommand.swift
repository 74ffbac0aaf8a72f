import ArgumentParser

/// `kisi-identity license …`: verify and inspect signed licenses, and ask the gate for decisions.
struct LicenseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license",
        abstract: "Verify signed SSO licenses and explain gating decisions.",
        discussion: """
            `verify` and `check` are what operators use. `issue` and `keygen` exist for development and tests \
            only: production licenses are issued by the vendor's signing service, and hosts pin its public keys.
            """,
        subcommands: [
            LicenseVerifyCommand.self, LicenseCheckCommand.self, LicenseIssueCommand.self, LicenseKeygenCommand.self,
        ]
    )
}
