/// Settings of a ``SCIMService``. One value per tenant.
public struct SCIMServiceConfiguration: Sendable, Hashable {
    /// The absolute base URL clients use, without a trailing slash (`https://example.com/scim/v2`); used
    /// for `meta.location`, `Location` and `$ref`.
    public var baseURL: String
    /// Page size when a list request has no `count`.
    public var defaultPageSize: Int
    /// The largest page served; larger `count`s are reduced to it. Advertised as `filter.maxResults`.
    public var maxPageSize: Int
    /// The largest request body accepted, in bytes (default 1 MiB); larger bodies get 413. Advertised as
    /// `bulk.maxPayloadSize`. HTTP adapters should stop reading at this size.
    public var maxBodyBytes: Int
    /// The most PATCH operations accepted in one request.
    public var maxPatchOperations: Int
    /// Whether `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` require the bearer token too.
    public var discoveryRequiresAuthentication: Bool
    /// `documentationUri` in the ServiceProviderConfig.
    public var documentationURI: String?
    /// The realm in `WWW-Authenticate`.
    public var realm: String

    /// The path part of ``baseURL`` (`/scim/v2` for `https://example.com/scim/v2`; empty when the base URL has
    /// none). ``SCIMService`` strips it from a request path that starts with it, so an HTTP adapter may hand over
    /// either the path relative to the base URL (`/Users`) or the full request path (`/scim/v2/Users`).
    public var basePath: String {
        String(SCIMRequest.pathAndQuery(ofAbsoluteURL: Substring(baseURL)) ?? Substring(baseURL))
    }

    /// Creates a configuration with secure defaults.
    public init(
        baseURL: String, defaultPageSize: Int = 100, maxPageSize: Int = 1000, maxBodyBytes: Int = 1_048_576,
        maxPatchOperations: Int = 1000, discoveryRequiresAuthentication: Bool = true,
        documentationURI: String? = nil, realm: String = "SCIM"
    ) {
        var baseURL = baseURL
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        self.baseURL = baseURL
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.maxBodyBytes = maxBodyBytes
        self.maxPatchOperations = maxPatchOperations
        self.discoveryRequiresAuthentication = discoveryRequiresAuthentication
        self.documentationURI = documentationURI
        self.realm = realm
    }

    /// The ServiceProviderConfig document (RFC 7643 §5): PATCH, filter, sort and ETags supported; bulk and
    /// password change not supported; bearer-token authentication.
    public var serviceProviderConfig: JSONValue {
        var object: [String: JSONValue] = [
            "schemas": .array([.string(SCIMSchemaURN.serviceProviderConfig)]),
            "patch": .object(["supported": .bool(true)]),
            "bulk": .object([
                "supported": .bool(false), "maxOperations": .integer(0), "maxPayloadSize": .integer(maxBodyBytes),
            ]),
            "filter": .object(["supported": .bool(true), "maxResults": .integer(maxPageSize)]),
            "changePassword": .object(["supported": .bool(false)]),
            "sort": .object(["supported": .bool(true)]),
            "etag": .object(["supported": .bool(true)]),
            "authenticationSchemes": .array([
                .object([
                    "type": .string("oauthbearertoken"), "name": .string("OAuth Bearer Token"),
                    "description": .string("Authentication with a bearer token in the Authorization header."),
                    "specUri": .string("https://www.rfc-editor.org/info/rfc6750"), "primary": .bool(true),
                ])
            ]),
            "meta": .object([
                "resourceType": .string("ServiceProviderConfig"),
                "location": .string("\(baseURL)/ServiceProviderConfig"),
            ]),
        ]
        if let documentationURI { object["documentationUri"] = .string(documentationURI) }
        return .object(object)
    }
}
