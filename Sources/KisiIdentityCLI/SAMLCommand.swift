import ArgumentParser

/// `kisi-identity saml …`.
struct SAMLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml",
        abstract: "saml commands.",
        subcommands: [SAMLSPMetadata.self, SAMLAuthnRequestCommand.self]
    )
}
