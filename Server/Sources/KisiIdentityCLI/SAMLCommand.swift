import ArgumentParser
import Foundation
import SAMLCore

/// `kisi-identity saml …`: validate responses, inspect IdP metadata, measure validation throughput.
struct SAMLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "saml",
        abstract: "SAML 2.0 service-provider tools.",
        subcommands: [
            SAMLValidateCommand.self, SAMLInspectMetadataCommand.self, SAMLBenchCommand.self, SAMLSPMetadata.self,
            SAMLAuthnRequestCommand.self,
        ]
    )
}

/// The flags `saml validate` and `saml bench` share.
struct SAMLValidationOptions: ParsableArguments {
    @Argument(help: "File holding the HTTP-POST SAMLResponse form value (base64, line breaks allowed); '-' reads stdin.")
    var responseFile: String

    @Option(help: "The tenant's IdP metadata XML file.")
    var idpMetadata: String

    @Option(help: "Our SP entity ID (the required Audience).")
    var spEntityId: String

    @Option(help: "Our ACS URL (required Destination and bearer Recipient).")
    var acsUrl: String

    @Option(help: "SP private key PEM (PKCS#8 or PKCS#1) for encrypted assertions; repeat for rollover.")
    var spKey: [String] = []

    @Option(help: "The AuthnRequest ID this response must answer. Without it, InResponseTo is not required.")
    var requestId: String?

    @Option(help: "Validate as of this instant (ISO 8601, e.g. 2026-01-01T00:01:00Z) instead of the system clock.")
    var now: String?

    @Option(help: "Clock skew tolerated in every time comparison, in seconds.")
    var clockSkew: Double = 180

    @Option(
        name: .customLong("email-attribute"),
        help: ArgumentHelp(
            "An attribute that carries the user's e-mail, tried in the order given; repeat for several. Replaces the default list (email).",
            valueName: "NAME"))
    var emailAttributes: [String] = []

    @Flag(help: "Take an emailAddress-format NameID as the e-mail when no e-mail attribute has a value.")
    var emailFromNameid = false

    @Option(help: "The smallest RSA key an IdP signing certificate may have (at least 1024). Lower it only for an IdP that cannot issue a 2048-bit key.")
    var minRsaKeyBits: Int = 2048

    /// Reads the files and builds the configuration; file and flag problems are usage errors (exit 64),
    /// metadata and key problems are rejections (exit 1, JSON error).
    func load() throws -> (configuration: SAMLValidatorConfiguration, response: String, now: Date) {
        let responseText = String(decoding: try CLIOutput.readInput(responseFile), as: UTF8.self)
        let metadataBytes = try CLIOutput.readInput(idpMetadata)
        var date = Date()
        if let now { date = try CLIOutput.parseInstant(now, option: "--now") }
        guard clockSkew >= 0, clockSkew <= 3600 else { throw ValidationError("--clock-skew must be 0...3600") }
        let keyTexts = try spKey.map { String(decoding: try CLIOutput.readInput($0), as: UTF8.self) }
        let metadata = try IdPMetadata.parse(Array(metadataBytes), minimumRSAKeyBits: minRsaKeyBits)
        let keys = try keyTexts.map { try SPPrivateKey(pem: $0) }
        var configuration = SAMLValidatorConfiguration(
            spEntityID: spEntityId, acsURL: acsUrl, idp: metadata, spDecryptionKeys: keys, clockSkew: clockSkew,
            allowNameIDAsEmail: emailFromNameid)
        configuration.minimumRSAKeyBits = minRsaKeyBits
        if !emailAttributes.isEmpty {
            guard !emailAttributes.contains(where: \.isEmpty) else { throw ValidationError("--email-attribute must not be empty") }
            configuration.attributeNames.emails = emailAttributes
        }
        return (configuration, responseText, date)
    }
}

/// `kisi-identity saml validate`.
struct SAMLValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a SAMLResponse; prints the user as JSON (exit 0) or {\"error\":{code,message}} (exit 1)."
    )

    @OptionGroup var options: SAMLValidationOptions

    func run() async throws {
        do {
            let (configuration, response, now) = try options.load()
            let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
            let assertion = try await validator.validate(
                base64Response: response, expectedRequestID: options.requestId, now: now)
            try CLIOutput.printJSON(ValidatedAssertionJSON(assertion))
        } catch let error as SAMLError {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
    }
}

/// The exact JSON contract of `saml validate` (absent optionals are `null`).
struct ValidatedAssertionJSON: Encodable {
    let assertion: ValidatedAssertion
    init(_ assertion: ValidatedAssertion) { self.assertion = assertion }

    enum CodingKeys: String, CodingKey {
        case nameID, nameIDFormat, email, firstName, lastName, sessionIndex, issuer, assertionID, notOnOrAfter, attributes
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(assertion.nameID, forKey: .nameID)
        try c.encode(assertion.nameIDFormat, forKey: .nameIDFormat)
        try c.encode(assertion.email, forKey: .email)
        try c.encode(assertion.firstName, forKey: .firstName)
        try c.encode(assertion.lastName, forKey: .lastName)
        try c.encode(assertion.sessionIndex, forKey: .sessionIndex)
        try c.encode(assertion.issuer, forKey: .issuer)
        try c.encode(assertion.assertionID, forKey: .assertionID)
        try c.encode(assertion.notOnOrAfter.formatted(.iso8601), forKey: .notOnOrAfter)
        try c.encode(assertion.attributes, forKey: .attributes)
    }
}

/// `kisi-identity saml inspect-metadata`.
struct SAMLInspectMetadataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-metadata",
        abstract: "Show what SAMLCore reads from IdP metadata: entity ID, SSO endpoints, signing certificates."
    )

    @Argument(help: "IdP metadata XML file ('-' reads stdin).")
    var file: String

    @Option(help: "Entity to select from an EntitiesDescriptor.")
    var entityId: String?

    @Option(help: "The smallest RSA key a signing certificate may have (at least 1024); smaller ones are weak_key.")
    var minRsaKeyBits: Int = 2048

    struct Output: Encodable {
        struct Certificate: Encodable {
            let sha256: String
            let subject: String
            let notAfter: String
            /// The RSA key size in bits (absent for another key type).
            let keyBits: Int?
        }
        let entityID: String
        let ssoServices: [SSOService]
        let signingCertificates: [Certificate]
        let nameIDFormats: [String]
    }

    func run() async throws {
        let bytes = try CLIOutput.readInput(file)
        do {
            let metadata = try IdPMetadata.parse(Array(bytes), entityID: entityId, minimumRSAKeyBits: minRsaKeyBits)
            try CLIOutput.printJSON(Output(
                entityID: metadata.entityID, ssoServices: metadata.ssoServices,
                signingCertificates: metadata.signingCertificates.map {
                    .init(
                        sha256: $0.sha256Fingerprint, subject: $0.subject, notAfter: $0.notAfter.formatted(.iso8601),
                        keyBits: $0.rsaKeyBits)
                },
                nameIDFormats: metadata.nameIDFormats))
        } catch let error as SAMLError {
            throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
        }
    }
}
