#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// One tenant's service-provider settings for validating responses. Secure defaults; every opt-out is explicit.
public struct SAMLValidatorConfiguration: Sendable {
    /// Our SP entity ID: every `AudienceRestriction` must contain it.
    public var spEntityID: String
    /// Our Assertion Consumer Service URL: `Destination` (when present) and the bearer `Recipient` must equal it.
    public var acsURL: String
    /// The tenant's IdP metadata: its entity ID is the only accepted Issuer, its signing certificates the only
    /// trusted keys.
    public var idp: IdPMetadata
    /// SP private keys that decrypt `EncryptedAssertion`s (current and next during rollover). Empty: encrypted
    /// responses fail with `decryption_failed`.
    public var spDecryptionKeys: [SPPrivateKey]
    /// Tolerance applied to every time comparison, in seconds. Default 180.
    public var clockSkew: TimeInterval
    /// Algorithm allow-list (SHA-1 off by default).
    public var algorithms: AlgorithmPolicy
    /// Size, depth and node limits for the response XML.
    public var limits: XMLLimits
    /// Attribute names read into ``ValidatedAssertion`` (matched exactly; `NameFormat` ignored).
    public var attributeNames: AttributeNames
    /// Accept the `NameID` as the email when the `email` attribute is missing and the NameID looks like an email
    /// address. Default `false`: a missing `email` attribute is `missing_email`.
    public var allowNameIDAsEmail: Bool
    /// Require the Assertion itself to carry a valid signature; a signed Response around an unsigned Assertion
    /// then fails with `signature_missing`. Default `false` (JumpCloud can be set to sign the Response only).
    public var requireSignedAssertion: Bool
    /// Accept IdP-initiated (unsolicited) logins, i.e. validation without an expected request ID. Default `true`
    /// (JumpCloud's User Portal logs in that way); when `false`, validating with `expectedRequestID: nil` fails
    /// with `in_response_to_mismatch`.
    public var allowIdPInitiated: Bool

    /// The attribute names JumpCloud is set up to send.
    public struct AttributeNames: Sendable, Hashable {
        /// The required email attribute. Default `email`.
        public var email: String
        /// The optional first-name attribute. Default `firstname`.
        public var firstName: String
        /// The optional last-name attribute. Default `lastname`.
        public var lastName: String

        /// Creates names; defaults match the product's JumpCloud setup.
        public init(email: String = "email", firstName: String = "firstname", lastName: String = "lastname") {
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
        }
    }

    /// Creates a configuration.
    public init(
        spEntityID: String, acsURL: String, idp: IdPMetadata, spDecryptionKeys: [SPPrivateKey] = [],
        clockSkew: TimeInterval = 180, algorithms: AlgorithmPolicy = AlgorithmPolicy(), limits: XMLLimits = XMLLimits(),
        attributeNames: AttributeNames = AttributeNames(), allowNameIDAsEmail: Bool = false,
        requireSignedAssertion: Bool = false, allowIdPInitiated: Bool = true
    ) {
        self.spEntityID = spEntityID
        self.acsURL = acsURL
        self.idp = idp
        self.spDecryptionKeys = spDecryptionKeys
        self.clockSkew = clockSkew
        self.algorithms = algorithms
        self.limits = limits
        self.attributeNames = attributeNames
        self.allowNameIDAsEmail = allowNameIDAsEmail
        self.requireSignedAssertion = requireSignedAssertion
        self.allowIdPInitiated = allowIdPInitiated
    }
}

/// An SP private key in PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`, unencrypted).
public struct SPPrivateKey: Sendable, Hashable {
    /// The PEM text's bytes.
    public let pemBytes: [UInt8]

    /// Wraps and checks a PEM private key.
    /// - Throws: ``SAMLError`` `invalid_key` if it cannot be read as an RSA private key.
    public init(pem: String) throws(SAMLError) {
        pemBytes = Array(pem.utf8)
        _ = try XMLSecKeySet(privateKeysPEM: [pemBytes])
    }
}
