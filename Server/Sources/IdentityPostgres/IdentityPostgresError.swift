public import SCIMCore

/// The one error type of IdentityPostgres: a stable snake_case ``code``, a human ``message`` safe to show, and
/// a private ``detail`` (the database's own text) for logs only.
///
/// Hosts map ``Code/databaseUnavailable`` and ``Code/timedOut`` to "try again later": `SCIMService` answers 503
/// `unavailable` by itself (the error is a `SCIMTemporaryFailure`), SSO endpoints show their failure page. The stores recover by themselves: the
/// connection pool reconnects once the database is back, so no restart is needed.
public struct IdentityPostgresError: Error, Sendable, Hashable, CustomStringConvertible, SCIMTemporaryFailure {
    /// A stable machine-readable error code.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code's stable string.
        public let rawValue: String

        /// Creates a code from its string.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's string.
        public var description: String { rawValue }

        /// The database cannot be reached (refused, closed, shutting down). Retry later; HTTP 503.
        public static let databaseUnavailable = Code(rawValue: "database_unavailable")
        /// An operation did not finish within ``IdentityPostgresConfiguration/operationTimeout``; HTTP 503.
        public static let timedOut = Code(rawValue: "database_timeout")
        /// The database rejected a statement for another reason (a bug or a schema mismatch); HTTP 500.
        public static let queryFailed = Code(rawValue: "query_failed")
        /// A stored row could not be decoded (corrupt or written by an incompatible version); HTTP 500.
        public static let corruptRow = Code(rawValue: "corrupt_row")
        /// The configuration is unusable (a malformed URL or schema name).
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The database holds a newer schema version than this library knows.
        public static let schemaTooNew = Code(rawValue: "schema_too_new")
    }

    /// The stable code.
    public let code: Code
    /// A human-readable message without database internals.
    public let message: String
    /// The underlying error's text, for logs only (never returned to clients).
    public let detail: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// Whether the failure is transient (the database is down or slow), so the request can be retried later.
    public var isTransient: Bool { code == .databaseUnavailable || code == .timedOut }

    /// ``isTransient``, for `SCIMService`'s 503 mapping.
    public var isTemporary: Bool { isTransient }

    /// The HTTP status a host should answer with: 503 for transient failures, else 500.
    public var httpStatus: Int { isTransient ? 503 : 500 }

    /// A SCIM error document (RFC 7644 §3.12) for the response body, carrying ``httpStatus`` and ``message``.
    public var scimErrorDocument: JSONValue {
        .object([
            "schemas": .array([.string("urn:ietf:params:scim:api:messages:2.0:Error")]),
            "status": .string(String(httpStatus)),
            "detail": .string(message),
        ])
    }

    /// The code and message (not the detail).
    public var description: String { "\(code): \(message)" }

    /// Equality by code.
    public static func == (lhs: IdentityPostgresError, rhs: IdentityPostgresError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
