/// The one error type of the DirectoryImport module.
///
/// Check ``code`` (a stable snake_case string) to react to a failure; show ``message`` to people.
/// ``detail`` carries what a log needs (HTTP status, endpoint path, the upstream's message) and never
/// contains the API key. Equality and hashing consider the ``code`` only, so tests can compare against
/// a freshly made error.
public struct DirectoryImportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidAPIKey = "invalid_api_key"
            case orgIDRequired = "org_id_required"
            case orgNotFound = "org_not_found"
            case invalidOrgID = "invalid_org_id"
            case invalidBaseURL = "invalid_base_url"
            case groupNotFound = "group_not_found"
            case upstreamError = "upstream_error"
            case invalidExisting = "invalid_existing"
            case confirmationRequired = "confirmation_required"
            case cancelled = "cancelled"
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// The snake_case string form, e.g. `"group_not_found"`.
        public var rawValue: String { backing.rawValue }

        /// The snake_case string form.
        public var description: String { backing.rawValue }

        /// JumpCloud rejected the API key (401 "api key user not found"), or the key is empty or malformed.
        public static let invalidAPIKey = Code(.invalidAPIKey)
        /// The key belongs to a Multi-Tenant Portal admin and no organization ID was given
        /// (401 "no organization selected").
        public static let orgIDRequired = Code(.orgIDRequired)
        /// JumpCloud does not know the organization ID (404).
        public static let orgNotFound = Code(.orgNotFound)
        /// The organization ID is not 24 hexadecimal characters (checked before sending), or JumpCloud answered 400.
        public static let invalidOrgID = Code(.invalidOrgID)
        /// The console base URL is not an `https` origin (plain `http` only for loopback hosts).
        public static let invalidBaseURL = Code(.invalidBaseURL)
        /// A selected user group does not exist (404 on the group).
        public static let groupNotFound = Code(.groupNotFound)
        /// JumpCloud failed, answered something unexpected, or kept failing after the bounded retries.
        public static let upstreamError = Code(.upstreamError)
        /// The host's current users are malformed (wrong shape, duplicate external IDs).
        public static let invalidExisting = Code(.invalidExisting)
        /// The plan tripped the mass-deactivation brake and was applied without confirmation.
        public static let confirmationRequired = Code(.confirmationRequired)
        /// The surrounding task was cancelled.
        public static let cancelled = Code(.cancelled)
    }

    /// The machine-readable code.
    public let code: Code
    /// A human-readable message, safe to show to the owner.
    public let message: String
    /// Extra context for logs (status codes, paths, upstream messages); never contains secrets.
    public let detail: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// `"<code>: <message>"` followed by the detail when there is one.
    public var description: String {
        if let detail { return "\(code.rawValue): \(message) (\(detail))" }
        return "\(code.rawValue): \(message)"
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
