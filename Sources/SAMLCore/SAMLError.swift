/// The one error type of SAMLCore.
///
/// Every failure carries a stable, machine-readable ``code`` (snake_case), a ``message`` that is safe to show an
/// operator (it never contains the posted response, keys or personal data), and an optional ``detail`` meant
/// for private logs only. Two errors are equal when their codes are equal.
public struct SAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine-readable error code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The snake_case code, e.g. `audience_mismatch`.
        public let rawValue: String
        /// Creates a code from its raw value.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// The input is not a well-formed, schema-shaped SAML message (includes any DOCTYPE, bad base64,
        /// duplicate IDs, size or depth limits, misplaced elements).
        public static let malformed = Code(rawValue: "malformed")
        /// Neither the Response nor the Assertion carries a signature.
        public static let signatureMissing = Code(rawValue: "signature_missing")
        /// A signature is present but does not verify with any trusted IdP key, or does not cover the element
        /// it is attached to.
        public static let signatureInvalid = Code(rawValue: "signature_invalid")
        /// A signature, digest, canonicalisation, transform or encryption algorithm is not on the allow-list.
        public static let unsupportedAlgorithm = Code(rawValue: "unsupported_algorithm")
        /// An `EncryptedAssertion` could not be decrypted with any configured SP key (or none is configured).
        public static let decryptionFailed = Code(rawValue: "decryption_failed")
        /// The Response holds more than one assertion.
        public static let multipleAssertions = Code(rawValue: "multiple_assertions")
        /// The top-level status code is not `Success`.
        public static let statusNotSuccess = Code(rawValue: "status_not_success")
        /// The Response or Assertion Issuer is not the IdP's entity ID.
        public static let issuerMismatch = Code(rawValue: "issuer_mismatch")
        /// The Response's `Destination` is present and differs from the ACS URL.
        public static let destinationMismatch = Code(rawValue: "destination_mismatch")
        /// An `AudienceRestriction` is missing or one of them does not name the SP entity ID.
        public static let audienceMismatch = Code(rawValue: "audience_mismatch")
        /// No bearer `SubjectConfirmation` names the ACS URL as its `Recipient`.
        public static let recipientMismatch = Code(rawValue: "recipient_mismatch")
        /// A validity window ended (beyond the clock skew).
        public static let expired = Code(rawValue: "expired")
        /// A validity window has not started yet (beyond the clock skew).
        public static let notYetValid = Code(rawValue: "not_yet_valid")
        /// `InResponseTo` does not match the request the host expects.
        public static let inResponseToMismatch = Code(rawValue: "in_response_to_mismatch")
        /// The required `email` attribute is missing or empty.
        public static let missingEmail = Code(rawValue: "missing_email")
        /// The assertion was already consumed.
        public static let replayed = Code(rawValue: "replayed")
        /// The replay cache is full of unexpired entries; the login is refused rather than weakening replay protection.
        public static let replayCacheFull = Code(rawValue: "replay_cache_full")
        /// The replay cache or the pending-request store the host injected threw (for example its database is
        /// down). The login is refused — never accepted unchecked — and may be retried later; hosts answer 503.
        public static let storeUnavailable = Code(rawValue: "store_unavailable")
        /// IdP metadata is not well-formed or not SAML metadata.
        public static let metadataInvalid = Code(rawValue: "metadata_invalid")
        /// IdP metadata has no entity with the requested entity ID.
        public static let metadataEntityNotFound = Code(rawValue: "metadata_entity_not_found")
        /// IdP metadata has no usable signing certificate.
        public static let metadataNoSigningCertificate = Code(rawValue: "metadata_no_signing_certificate")
        /// IdP metadata has no `SingleSignOnService` endpoint.
        public static let metadataNoSSOService = Code(rawValue: "metadata_no_sso_service")
        /// A certificate's RSA key is smaller than the configured minimum (default 2048 bits; see
        /// ``SAMLValidatorConfiguration/minimumRSAKeyBits``). The message names the key size.
        public static let weakKey = Code(rawValue: "weak_key")
        /// A key or certificate handed to the library could not be read.
        public static let invalidKey = Code(rawValue: "invalid_key")
        /// The validator's configuration is unusable (e.g. an empty SP entity ID).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
    }

    /// The stable code.
    public let code: Code
    /// A message safe to show an operator; never contains secrets or the message itself.
    public let message: String
    /// Private detail for logs (for example libxmlsec's reason). Not for end users.
    public let detail: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: SAMLError, rhs: SAMLError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
