#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The one error type of the Licensing module.
///
/// `code` is stable and machine-readable (snake_case); `message` is a human sentence safe to show an
/// administrator. `detail` carries what went wrong internally (for logs only); it never contains key
/// material or whole licenses.
public struct LicensingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible, Codable {
        /// The snake_case text of the code, e.g. `license_signature_invalid`.
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The text is not a license envelope (missing or misplaced BEGIN/END lines, unknown header, bad base64).
        public static let malformed = Code("license_malformed")
        /// The envelope names a key id that the host does not trust.
        public static let unknownKey = Code("license_unknown_key")
        /// The Ed25519 signature does not verify over the payload bytes with the pinned key.
        public static let signatureInvalid = Code("license_signature_invalid")
        /// The signature verified but the payload is not a valid license document.
        public static let payloadInvalid = Code("license_payload_invalid")
        /// A signing or public key could not be read.
        public static let keyInvalid = Code("license_key_invalid")
        /// A license could not be produced (e.g. inconsistent dates).
        public static let issueFailed = Code("license_issue_failed")

        /// Every code, for documentation and tests.
        public static let all: [Code] = [
            .malformed, .unknownKey, .signatureInvalid, .payloadInvalid, .keyInvalid, .issueFailed,
        ]

        /// The snake_case text.
        public var description: String { rawValue }

        /// Decodes a known code from its text.
        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let known = Code.all.first(where: { $0.rawValue == text }) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "unknown code"))
            }
            self = known
        }

        /// Encodes the snake_case text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }

    /// The stable code.
    public let code: Code
    /// A human-readable explanation, safe to show to the administrator who supplied the license.
    public let message: String
    /// Internal detail for logs (never key material).
    public let detail: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// Errors are equal when their codes are equal.
    public static func == (lhs: LicensingError, rhs: LicensingError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
