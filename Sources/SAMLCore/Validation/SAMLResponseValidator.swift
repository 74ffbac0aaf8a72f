#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Logging

/// Validates SAML 2.0 responses posted to one tenant's ACS URL.
///
/// The pipeline: size cap → base64 → secure parse (no DTD) → IDs registered → structure (every assertion a
/// direct child of the Response, every signature a direct child of the element it signs) → status → exactly
/// one assertion → Response signature (if present) → decryption in place → Assertion signature (if present) →
/// at least one signature → issuer, destination, audience, bearer recipient/time/InResponseTo, conditions →
/// attributes → replay cache. Every failure is a ``SAMLError`` with a stable code.
///
/// Create one validator per tenant configuration and reuse it: keys are loaded once.
public struct SAMLResponseValidator: Sendable {
    /// The tenant configuration this validator enforces.
    public let configuration: SAMLValidatorConfiguration
    private let replayCache: any SAMLReplayCache
    private let trustedKeys: XMLSecKeySet
    private let decryptionKeys: XMLSecKeySet

    /// Creates a validator and loads its keys.
    /// - Parameters:
    ///   - configuration: the tenant's SP and IdP settings.
    ///   - replayCache: where consumed assertion IDs are remembered (``InMemoryReplayCache`` in one process).
    /// - Throws: ``SAMLError`` `invalid_configuration` or `invalid_key`.
    public init(configuration: SAMLValidatorConfiguration, replayCache: any SAMLReplayCache) throws(SAMLError) {
        guard !configuration.spEntityID.isEmpty, !configuration.acsURL.isEmpty, !configuration.idp.entityID.isEmpty
        else {
            throw SAMLError(.invalidConfiguration, "SP entity ID, ACS URL and IdP entity ID must not be empty")
        }
        guard !configuration.idp.signingCertificates.isEmpty else {
            throw SAMLError(.invalidConfiguration, "the IdP metadata has no signing certificate")
        }
        guard configuration.clockSkew >= 0, configuration.clockSkew <= 3600 else {
            throw SAMLError(.invalidConfiguration, "clock skew must be between 0 and 3600 seconds")
        }
        try IdPCertificate.checkMinimum(configuration.minimumRSAKeyBits)
        for certificate in configuration.idp.signingCertificates {
            try IdPCertificate.checkKeySize(
                certificate.rsaKeyBits, minimum: configuration.minimumRSAKeyBits, subject: certificate.subject)
        }
        self.configuration = configuration
        self.replayCache = replayCache
        trustedKeys = try XMLSecKeySet(publicKeysDER: configuration.idp.signingCertificates.map(\.subjectPublicKeyInfoDER))
        decryptionKeys = try XMLSecKeySet(privateKeysPEM: configuration.spDecryptionKeys.map(\.pemBytes))
    }

    /// Validates the HTTP-POST binding's `SAMLResponse` form value (base64; line breaks allowed).
    ///
    /// - Parameters:
    ///   - base64Response: the form value, already URL-decoded.
    ///   - expectedRequestID: the ID of the AuthnRequest this login answers; `nil` for an IdP-initiated login
    ///     (then `InResponseTo` is not required).
    ///   - now: the current time.
    ///   - logger: receives one line per decision (code and non-secret detail; never the response).
    public func validate(
        base64Response: String, expectedRequestID: String?, now: Date, logger: Logger? = nil
    ) async throws(SAMLError) -> ValidatedAssertion {
        try await validate(base64Response: base64Response, now: now, logger: logger) { _ in (expectedRequestID, ()) }.0
    }

    /// Validates a SAML response document (the decoded XML bytes).
    public func validate(
        xml: some Collection<UInt8>, expectedRequestID: String?, now: Date, logger: Logger? = nil
    ) async throws(SAMLError) -> ValidatedAssertion {
        try await validate(input: .xml(Array(xml)), now: now, logger: logger) { _ in (expectedRequestID, ()) }.0
    }

    /// The one entry point that decodes, parses once, validates and logs every decision.
    ///
    /// `expectation` runs after the parse and before any check, with the Response's `InResponseTo` (unauthenticated:
    /// use it only to look the request up); it returns the request ID the response must answer (`nil`: an
    /// IdP-initiated login) and a value handed back with the assertion. ``SAMLAssertionConsumer`` consumes the
    /// pending request there. An error it throws is logged and rethrown like the validator's own.
    func validate<Context: Sendable>(
        base64Response: String, now: Date, logger: Logger?,
        expectation: (_ inResponseTo: String?) async throws(SAMLError) -> (String?, Context)
    ) async throws(SAMLError) -> (ValidatedAssertion, Context) {
        try await validate(input: .base64(base64Response), now: now, logger: logger, expectation: expectation)
    }

    private enum Input {
        case base64(String)
        case xml([UInt8])
    }

    private func validate<Context: Sendable>(
        input: Input, now: Date, logger: Logger?,
        expectation: (_ inResponseTo: String?) async throws(SAMLError) -> (String?, Context)
    ) async throws(SAMLError) -> (ValidatedAssertion, Context) {
        let assertion: ValidatedAssertion
        let context: Context
        do throws(SAMLError) {
            let xml = try decode(input)
            let document = try SecureXMLDocument(parsing: xml, limits: configuration.limits)
            guard let root = document.root, root.is(XMLNamespace.samlp, "Response") else {
                throw SAMLError(.malformed, "the root element is not samlp:Response")
            }
            let expected: String?
            (expected, context) = try await expectation(root.attribute("InResponseTo"))
            assertion = try evaluate(document: document, expectedRequestID: expected, now: now)
        } catch {
            try fail(error, logger)
        }
        let key = SAMLReplayKey.make(spEntityID: configuration.spEntityID, assertionID: assertion.assertionID)
        let fresh: Bool
        do {
            fresh = try await replayCache.insertIfAbsent(
                key, expiresAt: assertion.notOnOrAfter.addingTimeInterval(configuration.clockSkew), now: now)
        } catch let error as SAMLError {
            try fail(error, logger)
        } catch {
            try fail(SAMLError(.storeUnavailable, "the replay cache is unavailable", detail: "\(error)"), logger)
        }
        guard fresh else {
            try fail(SAMLError(.replayed, "this assertion was already used"), logger)
        }
        logger?.info("SAML response accepted", metadata: ["saml.assertion_id": "\(assertion.assertionID)"])
        return (assertion, context)
    }

    /// The size cap (before decoding: base64 inflates by 4/3) and base64.
    private func decode(_ input: Input) throws(SAMLError) -> [UInt8] {
        switch input {
        case .xml(let xml):
            return xml
        case .base64(let text):
            guard text.utf8.count <= configuration.limits.maxBytes / 3 * 4 + 4096 else {
                throw SAMLError(.malformed, "the SAMLResponse exceeds \(configuration.limits.maxBytes) bytes")
            }
            guard let xml = Base64.decode(text) else {
                throw SAMLError(.malformed, "the SAMLResponse is not valid base64")
            }
            return xml
        }
    }

    /// Runs every check except the replay cache. Synchronous and free of side effects outside the document.
    public func evaluate(xml: [UInt8], expectedRequestID: String?, now: Date) throws(SAMLError) -> ValidatedAssertion {
        try evaluate(
            document: try SecureXMLDocument(parsing: xml, limits: configuration.limits),
            expectedRequestID: expectedRequestID, now: now)
    }

    private func evaluate(
        document: SecureXMLDocument, expectedRequestID: String?, now: Date
    ) throws(SAMLError) -> ValidatedAssertion {
        var checks = ResponseChecks(configuration: configuration, document: document, now: now)
        let response = try checks.checkEnvelope()
        let (assertion, responseSigned) = try checks.verifyAndDecrypt(
            response: response,
            verifier: SignatureVerifier(keys: trustedKeys, algorithms: configuration.algorithms),
            decryptor: AssertionDecryptor(keys: decryptionKeys))
        return try checks.checkProtocol(
            response: response, assertion: assertion, responseSigned: responseSigned,
            expectedRequestID: expectedRequestID)
    }

    private func fail(_ error: SAMLError, _ logger: Logger?) throws(SAMLError) -> Never {
        logger?.notice(
            "SAML response rejected",
            metadata: ["saml.error": "\(error.code.rawValue)", "saml.reason": "\(error.message)",
                       "saml.detail": "\(error.detail ?? "")"])
        throw error
    }
}
