#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// How responses are judged, apart from whom they are for: time tolerance, algorithms, limits, key sizes, attribute
/// mapping and the opt-ins. Secure defaults; every opt-out is explicit. ``SAMLValidatorConfiguration`` holds one
/// (``SAMLValidatorConfiguration/policy``), and so does ``SSOPolicy`` (``SSOPolicy/validation``): one definition.
public struct SAMLValidationPolicy: Sendable, Hashable {
    /// Tolerance applied to every time comparison, in seconds. Default 180 (at most 3600).
    public var clockSkew: TimeInterval
    /// Algorithm allow-list (SHA-1 off by default).
    public var algorithms: AlgorithmPolicy
    /// Size, depth and node limits for the response XML (`maxBytes` is the largest response accepted).
    public var limits: XMLLimits
    /// The smallest RSA key an IdP signing certificate may have (default 2048; at least 1024). The validator
    /// refuses to start with a smaller key in the IdP metadata (`weak_key`); parse such metadata with the same
    /// minimum (``IdPMetadata/parse(_:entityID:limits:minimumRSAKeyBits:)``).
    public var minimumRSAKeyBits: Int
    /// Attribute names read into ``ValidatedAssertion`` (matched exactly; `NameFormat` ignored).
    public var attributeNames: SAMLValidatorConfiguration.AttributeNames
    /// Accept the `NameID` as the email when none of the e-mail attributes
    /// (``SAMLValidatorConfiguration/AttributeNames/emails``) has a value, but only a NameID of format
    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress` that looks like an address (a persistent or
    /// transient NameID is an identifier, never an address). Default `false`: a missing e-mail attribute is
    /// `missing_email`.
    public var allowNameIDAsEmail: Bool
    /// Require the Assertion itself to carry a valid signature; a signed Response around an unsigned Assertion
    /// then fails with `signature_missing`. Default `false` (JumpCloud can be set to sign the Response only).
    public var requireSignedAssertion: Bool
    /// Accept IdP-initiated (unsolicited) logins, i.e. validation without an expected request ID. Default `true`
    /// (JumpCloud's User Portal logs in that way); when `false`, validating with `expectedRequestID: nil` fails
    /// with `in_response_to_mismatch`.
    public var allowIdPInitiated: Bool

    /// Creates a policy; the defaults suit JumpCloud.
    public init(
        clockSkew: TimeInterval = 180, algorithms: AlgorithmPolicy = AlgorithmPolicy(), limits: XMLLimits = XMLLimits(),
        minimumRSAKeyBits: Int = 2048,
        attributeNames: SAMLValidatorConfiguration.AttributeNames = SAMLValidatorConfiguration.AttributeNames(),
        allowNameIDAsEmail: Bool = false, requireSignedAssertion: Bool = false, allowIdPInitiated: Bool = true
    ) {
        self.clockSkew = clockSkew
        self.algorithms = algorithms
        self.limits = limits
        self.minimumRSAKeyBits = minimumRSAKeyBits
        self.attributeNames = attributeNames
        self.allowNameIDAsEmail = allowNameIDAsEmail
        self.requireSignedAssertion = requireSignedAssertion
        self.allowIdPInitiated = allowIdPInitiated
    }
}

/// One tenant's service-provider settings for validating responses: whom they are for (entity ID, ACS URL), whom
/// they come from (the IdP metadata), the SP keys that decrypt them, and the ``policy``.
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
    /// How responses are judged.
    public var policy: SAMLValidationPolicy

    /// ``SAMLValidationPolicy/clockSkew`` of ``policy``.
    public var clockSkew: TimeInterval {
        get { policy.clockSkew }
        set { policy.clockSkew = newValue }
    }
    /// ``SAMLValidationPolicy/algorithms`` of ``policy``.
    public var algorithms: AlgorithmPolicy {
        get { policy.algorithms }
        set { policy.algorithms = newValue }
    }
    /// ``SAMLValidationPolicy/limits`` of ``policy``.
    public var limits: XMLLimits {
        get { policy.limits }
        set { policy.limits = newValue }
    }
    /// ``SAMLValidationPolicy/minimumRSAKeyBits`` of ``policy``.
    public var minimumRSAKeyBits: Int {
        get { policy.minimumRSAKeyBits }
        set { policy.minimumRSAKeyBits = newValue }
    }
    /// ``SAMLValidationPolicy/attributeNames`` of ``policy``.
    public var attributeNames: AttributeNames {
        get { policy.attributeNames }
        set { policy.attributeNames = newValue }
    }
    /// ``SAMLValidationPolicy/allowNameIDAsEmail`` of ``policy``.
    public var allowNameIDAsEmail: Bool {
        get { policy.allowNameIDAsEmail }
        set { policy.allowNameIDAsEmail = newValue }
    }
    /// ``SAMLValidationPolicy/requireSignedAssertion`` of ``policy``.
    public var requireSignedAssertion: Bool {
        get { policy.requireSignedAssertion }
        set { policy.requireSignedAssertion = newValue }
    }
    /// ``SAMLValidationPolicy/allowIdPInitiated`` of ``policy``.
    public var allowIdPInitiated: Bool {
        get { policy.allowIdPInitiated }
        set { policy.allowIdPInitiated = newValue }
    }

    /// The attribute names read from the assertion. The defaults are what JumpCloud is set up to send; other IdPs
    /// name the e-mail claim differently (``commonEmailAttributes``).
    public struct AttributeNames: Sendable, Hashable {
        /// The e-mail attribute names, in order of preference: the first that has a non-empty value is the
        /// e-mail; none is `missing_email`. Default `["email"]` (JumpCloud).
        public var emails: [String]
        /// The first e-mail attribute name; setting it replaces the list with that one name.
        public var email: String {
            get { emails.first ?? "" }
            set { emails = [newValue] }
        }
        /// The optional first-name attribute. Default `firstname`.
        public var firstName: String
        /// The optional last-name attribute. Default `lastname`.
        public var lastName: String

        /// The names real IdPs give the e-mail claim: `email` (JumpCloud, Okta, Auth0), `mail` (LDAP-backed IdPs),
        /// `urn:oid:0.9.2342.19200300.100.1.3` (Shibboleth, the `mail` OID) and
        /// `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress` (ADFS, Azure AD).
        public static let commonEmailAttributes = [
            "email", "mail", "urn:oid:0.9.2342.19200300.100.1.3",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        ]

        /// Creates names; defaults match the product's JumpCloud setup.
        public init(email: String = "email", firstName: String = "firstname", lastName: String = "lastname") {
            self.init(emails: [email], firstName: firstName, lastName: lastName)
        }

        /// Creates names with a list of e-mail attribute names, tried in order.
        public init(emails: [String], firstName: String = "firstname", lastName: String = "lastname") {
            self.emails = emails
            self.firstName = firstName
            self.lastName = lastName
        }
    }

    /// Creates a configuration with a policy.
    public init(
        spEntityID: String, acsURL: String, idp: IdPMetadata, spDecryptionKeys: [SPPrivateKey] = [],
        policy: SAMLValidationPolicy
    ) {
        self.spEntityID = spEntityID
        self.acsURL = acsURL
        self.idp = idp
        self.spDecryptionKeys = spDecryptionKeys
        self.policy = policy
    }

    /// Creates a configuration, naming the policy's settings one by one (see ``SAMLValidationPolicy``).
    public init(
        spEntityID: String, acsURL: String, idp: IdPMetadata, spDecryptionKeys: [SPPrivateKey] = [],
        clockSkew: TimeInterval = 180, algorithms: AlgorithmPolicy = AlgorithmPolicy(), limits: XMLLimits = XMLLimits(),
        attributeNames: AttributeNames = AttributeNames(), allowNameIDAsEmail: Bool = false,
        requireSignedAssertion: Bool = false, allowIdPInitiated: Bool = true
    ) {
        self.init(
            spEntityID: spEntityID, acsURL: acsURL, idp: idp, spDecryptionKeys: spDecryptionKeys,
            policy: SAMLValidationPolicy(
                clockSkew: clockSkew, algorithms: algorithms, limits: limits, attributeNames: attributeNames,
                allowNameIDAsEmail: allowNameIDAsEmail, requireSignedAssertion: requireSignedAssertion,
                allowIdPInitiated: allowIdPInitiated))
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
