import ArgumentParser
import Foundation
import SAMLCore

/// `kisi-identity saml sp-metadata`: prints our SP metadata XML for the given entity ID, ACS URL and certificates.
struct SAMLSPMetadata: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sp-metadata",
        abstract: "Print SP metadata (XML) for upload to the IdP."
    )

    @Option(name: .customLong("entity-id"), help: "Our SP entity ID.")
    var entityID: String

    @Option(name: .customLong("acs-url"), help: "Our ACS URL (HTTP-POST).")
    var acsURL: String

    @Option(name: .customLong("cert"), help: "An SP certificate (PEM); repeat for the next certificate during rollover.")
    var certificates: [String] = []

    @Option(name: .customLong("slo-url"), help: "An optional Single Logout URL (HTTP-Redirect).")
    var sloURL: String?

    @Flag(name: .customLong("authn-requests-signed"), help: "Declare AuthnRequestsSigned=\"true\".")
    var authnRequestsSigned = false

    func run() async throws {
        var parsed: [SPCertificate] = []
        for path in certificates {
            let text = String(decoding: try CLIOutput.readInput(path), as: UTF8.self)
            do { parsed.append(try SPCertificate(pem: text)) } catch {
                throw CLIOutput.fail(code: error.code.rawValue, message: "\(path): \(error.message)")
            }
        }
        let metadata = SPMetadata(
            entityID: entityID, acsURL: acsURL, certificates: parsed, authnRequestsSigned: authnRequestsSigned,
            singleLogoutURL: sloURL)
        do {
            FileHandle.standardOutput.write(Data(try metadata.xml().utf8))
        } catch {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
    }
}

/// `kisi-identity saml authn-request`: builds an SP-initiated AuthnRequest for the IdP in a metadata file.
struct SAMLAuthnRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authn-request",
        abstract: "Build an AuthnRequest: prints {\"id\",\"url\"} (redirect) or {\"id\",\"html\"} (post)."
    )

    enum Binding: String, ExpressibleByArgument, CaseIterable {
        case redirect, post
    }

    @Option(name: .customLong("idp-metadata"), help: "The IdP metadata XML file ('-' for stdin).")
    var idpMetadata: String

    @Option(name: .customLong("sp-entity-id"), help: "Our SP entity ID.")
    var spEntityID: String

    @Option(name: .customLong("acs-url"), help: "Our ACS URL.")
    var acsURL: String

    @Option(name: .customLong("binding"), help: "redirect (default) or post.")
    var binding: Binding = .redirect

    @Option(name: .customLong("relay-state"), help: "An opaque RelayState (at most 80 bytes).")
    var relayState: String?

    @Option(name: .customLong("sign-key"), help: "SP private key (PEM) to sign with; needs --sign-cert.")
    var signKey: String?

    @Option(name: .customLong("sign-cert"), help: "SP certificate (PEM) matching --sign-key.")
    var signCert: String?

    func validate() throws {
        guard (signKey == nil) == (signCert == nil) else {
            throw ValidationError("--sign-key and --sign-cert go together")
        }
    }

    func run() async throws {
        let metadataBytes = try CLIOutput.readInput(idpMetadata)
        do {
            let idp = try IdPMetadata.parse(Array(metadataBytes))
            var signer: SPCredential?
            if let signKey, let signCert {
                signer = try SPCredential(
                    privateKeyPEM: String(decoding: try CLIOutput.readInput(signKey), as: UTF8.self),
                    certificatePEM: String(decoding: try CLIOutput.readInput(signCert), as: UTF8.self))
            }
            let samlBinding: SAMLBinding = binding == .redirect ? .httpRedirect : .httpPost
            guard let service = idp.ssoService(for: samlBinding) else {
                throw SAMLError(.metadataNoSSOService, "the IdP declares no SingleSignOnService for \(samlBinding.rawValue)")
            }
            let request = AuthnRequest(
                issueInstant: Date(), destination: service.location, issuer: spEntityID, acsURL: acsURL,
                nameIDFormat: SPMetadata.emailAddressFormat)
            switch binding {
            case .redirect:
                try CLIOutput.printJSON(["id": request.id, "url": try request.redirectURL(relayState: relayState, signer: signer)])
            case .post:
                try CLIOutput.printJSON(["id": request.id, "html": try request.postForm(relayState: relayState, signer: signer)])
            }
        } catch let error as SAMLError {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
    }
}
