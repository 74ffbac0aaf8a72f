/// The one error type of SCIMCore.
///
/// Every failure carries a stable ``code``, the HTTP ``status`` it maps to, a ``message`` that is safe to
/// return to the SCIM client, and private ``detail`` meant for logs only. Codes that RFC 7644 §3.12 defines
/// as `scimType` values keep the RFC's names (`invalidFilter`, `uniqueness`, …); the others are snake_case.
///
/// Equality and hashing consider only the ``code`` so tests can compare against `SCIMError(.noTarget)`.
public struct SCIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine-readable error code.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable string.
        public let rawValue: String
        /// The HTTP status this code maps to.
        public let status: Int
        /// Whether the code is one of RFC 7644's `scimType` values.
        public let isSCIMType: Bool

        /// Creates a code from its string; unknown strings map to status 500.
        public init(rawValue: String) {
            self = Code.all.first { $0.rawValue == rawValue } ?? Code(rawValue, 500, false)
        }

        private init(_ rawValue: String, _ status: Int, _ isSCIMType: Bool) {
            self.rawValue = rawValue
            self.status = status
            self.isSCIMType = isSCIMType
        }

        /// The code's string.
        public var description: String { rawValue }

        /// Equality by string.
        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        /// Hashing by string.
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

        /// 400: the filter syntax is invalid or names an unknown attribute (RFC 7644 `invalidFilter`).
        public static let invalidFilter = Code("invalidFilter", 400, true)
        /// 400: the filter yields too many results (RFC 7644 `tooMany`).
        public static let tooMany = Code("tooMany", 400, true)
        /// 409: a unique attribute value is already in use (RFC 7644 `uniqueness`).
        public static let uniqueness = Code("uniqueness", 409, true)
        /// 400: the attempted modification is not compatible with the attribute's mutability.
        public static let mutability = Code("mutability", 400, true)
        /// 400: the request body is not parsable or violates the schema's structure.
        public static let invalidSyntax = Code("invalidSyntax", 400, true)
        /// 400: the PATCH `path` is invalid.
        public static let invalidPath = Code("invalidPath", 400, true)
        /// 400: the PATCH `path` did not yield an attribute that could be operated on.
        public static let noTarget = Code("noTarget", 400, true)
        /// 400: a required value is missing or a value is not compatible with the attribute's type.
        public static let invalidValue = Code("invalidValue", 400, true)
        /// 400: the protocol version is not supported.
        public static let invalidVersion = Code("invalidVers", 400, true)
        /// 400: the request cannot be completed because it carries sensitive data in the URI.
        public static let sensitive = Code("sensitive", 400, true)
        /// 401: the bearer token is missing or not valid.
        public static let unauthorized = Code("unauthorized", 401, false)
        /// 404: no resource or endpoint at that path.
        public static let notFound = Code("not_found", 404, false)
        /// 405: the endpoint does not support the method.
        public static let methodNotAllowed = Code("method_not_allowed", 405, false)
        /// 412: `If-Match` did not match the resource's current version.
        public static let preconditionFailed = Code("precondition_failed", 412, false)
        /// 413: the request body exceeds the configured maximum.
        public static let payloadTooLarge = Code("payload_too_large", 413, false)
        /// 415: the request body is not JSON.
        public static let unsupportedMediaType = Code("unsupported_media_type", 415, false)
        /// 501: the endpoint (`/Me`, `/Bulk`) is not implemented.
        public static let notImplemented = Code("not_implemented", 501, false)
        /// 500: the store or another dependency failed.
        public static let internalError = Code("internal_error", 500, false)
        /// 503: the store or authenticator is temporarily unavailable (it threw a ``SCIMTemporaryFailure``);
        /// the response carries `Retry-After`, and the same request may be retried unchanged.
        public static let unavailable = Code("unavailable", 503, false)

        static let all: [Code] = [
            .invalidFilter, .tooMany, .uniqueness, .mutability, .invalidSyntax, .invalidPath, .noTarget,
            .invalidValue, .invalidVersion, .sensitive, .unauthorized, .notFound, .methodNotAllowed,
            .preconditionFailed, .payloadTooLarge, .unsupportedMediaType, .notImplemented, .internalError,
            .unavailable,
        ]
    }

    /// The stable error code.
    public let code: Code
    /// A message that is safe to send to the SCIM client.
    public let message: String
    /// For filter and path errors: the 1-based character position the problem was found at.
    public let position: Int?
    /// Private detail for logs (never sent to clients).
    public let detail: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: A client-safe message; defaults to a generic one for the code.
    ///   - position: The 1-based character position for filter/path errors.
    ///   - detail: Private detail for logs.
    public init(_ code: Code, _ message: String? = nil, position: Int? = nil, detail: String? = nil) {
        self.code = code
        self.message = message ?? code.rawValue
        self.position = position
        self.detail = detail
    }

    /// The HTTP status.
    public var status: Int { code.status }

    /// The RFC 7644 `scimType`, when the code is one.
    public var scimType: String? { code.isSCIMType ? code.rawValue : nil }

    /// A log-friendly description including the private detail.
    public var description: String {
        "SCIMError.\(code.rawValue) (\(status)): \(message)" + (detail.map { " [\($0)]" } ?? "")
    }

    /// Equality by code.
    public static func == (lhs: SCIMError, rhs: SCIMError) -> Bool { lhs.code == rhs.code }
    /// Hashing by code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The SCIM Error document (RFC 7644 §3.12) with `status` as a string.
    public var document: JSONValue {
        var object: [String: JSONValue] = [
            "schemas": .array([.string(SCIMSchemaURN.error)]),
            "status": .string(String(status)),
            "detail": .string(message),
        ]
        if let scimType { object["scimType"] = .string(scimType) }
        return .object(object)
    }

    /// Reads a SCIM Error document (for clients and tests): the code comes from `scimType`, else from
    /// `status`. Returns nil when the document is not an Error.
    public init?(document: JSONValue) {
        guard let schemas = document["schemas"]?.arrayValue,
            schemas.contains(.string(SCIMSchemaURN.error))
        else { return nil }
        let status = document["status"]?.stringValue.flatMap { Int($0) } ?? document["status"].flatMap { value -> Int? in
            if case .integer(let number) = value { return number }
            return nil
        }
        let message = document["detail"]?.stringValue
        if let scimType = document["scimType"]?.stringValue {
            self.init(Code(rawValue: scimType), message)
        } else if let status, let code = Code.all.first(where: { !$0.isSCIMType && $0.status == status }) {
            self.init(code, message)
        } else {
            self.init(.internalError, message)
        }
    }
}
