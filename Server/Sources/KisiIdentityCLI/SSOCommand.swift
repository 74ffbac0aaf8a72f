import ArgumentParser
import Foundation
import KisiIdentityServer
import SAMLCore

/// `kisi-identity sso`: the reference server's SAML SSO configuration.
struct SSOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso",
        abstract: "Configure the reference server's SAML SSO (served under /saml by `serve`).",
        subcommands: [SSOConfigureCommand.self]
    )
}

/// `kisi-identity sso configure`: stores the IdP metadata and SP settings in the server's database.
struct SSOConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Store the IdP metadata, SP entity ID and base URL; generate the SP certificate if none is stored.",
        discussion: """
            Takes effect in a running server without restart. The SP private key is kept only in the database \
            (never printed). Prints the ACS and metadata URLs to enter at the IdP, and the certificates' expiry.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("idp-metadata"), help: "The IdP metadata XML file ('-' for stdin).")
    var idpMetadata: String

    @Option(name: .customLong("entity-id"), help: "Our SP entity ID.")
    var entityID: String

    @Option(name: .customLong("base-url"), help: "The server's public origin; the ACS URL is BASE/saml/acs.")
    var baseURL: String

    @Option(name: .customLong("sp-key"), help: "Import this SP private key (PEM) instead of generating one; needs --sp-cert.")
    var spKey: String?

    @Option(name: .customLong("sp-cert"), help: "The certificate (PEM) of --sp-key.")
    var spCert: String?

    func validate() throws {
        guard (spKey == nil) == (spCert == nil) else { throw ValidationError("--sp-key and --sp-cert go together") }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw ValidationError("--base-url must start with http:// or https://")
        }
    }

    func run() async throws {
        let metadata = try CLIOutput.readInput(idpMetadata)
        let key = try spKey.map { String(decoding: try CLIOutput.readInput($0), as: UTF8.self) }
        let cert = try spCert.map { String(decoding: try CLIOutput.readInput($0), as: UTF8.self) }
        let (entityID, baseURL) = (entityID, baseURL)
        let summary = try await database.withStores { stores in
            do {
                return try await stores.sso.configure(
                    idpMetadata: Array(metadata), entityID: entityID, baseURL: baseURL, spKeyPEM: key, spCertPEM: cert,
                    now: Date())
            } catch let error as SAMLError {
                throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
            }
        }
        try CLIOutput.printJSON(summary)
    }
}
