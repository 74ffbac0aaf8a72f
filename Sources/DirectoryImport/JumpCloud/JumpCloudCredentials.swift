/// Where the JumpCloud console lives: an origin (scheme + host[:port]); the client appends `/api/...`.
public struct JumpCloudEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `https`, or `http` for loopback hosts only.
    public let scheme: String
    /// `host[:port]`.
    public let authority: String

    /// `https://console.jumpcloud.com`.
    public static let us = JumpCloudEndpoint(uncheckedScheme: "https", authority: "console.jumpcloud.com")
    /// `https://console.eu.jumpcloud.com`.
    public static let eu = JumpCloudEndpoint(uncheckedScheme: "https", authority: "console.eu.jumpcloud.com")

    private init(uncheckedScheme scheme: String, authority: String) {
        self.scheme = scheme
        self.authority = authority
    }

    /// Parses an origin such as `https://console.eu.jumpcloud.com` (a trailing `/` is allowed).
    ///
    /// Plain `http` is accepted only for `localhost`, `127.0.0.1` and `[::1]`, so an API key never crosses a
    /// network unencrypted. Paths, queries, fragments and user info are refused.
    /// - Throws: ``DirectoryImportError`` `invalid_base_url`.
    public init(origin: String) throws {
        func refuse(_ why: String) -> DirectoryImportError {
            DirectoryImportError(
                .invalidBaseURL, "The base URL must be an https origin such as https://console.jumpcloud.com (\(why)).")
        }
        var rest = Substring(origin)
        let scheme: String
        if rest.lowercased().hasPrefix("https://") {
            scheme = "https"
            rest = rest.dropFirst("https://".count)
        } else if rest.lowercased().hasPrefix("http://") {
            scheme = "http"
            rest = rest.dropFirst("http://".count)
        } else {
            throw refuse("scheme must be https")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let authority = rest.lowercased()
        guard !authority.isEmpty else { throw refuse("no host") }
        let forbidden: Set<Character> = ["/", "?", "#", "@", " ", "\\", "\r", "\n", "\t"]
        guard !authority.contains(where: { forbidden.contains($0) }), authority.allSatisfy(\.isASCII) else {
            throw refuse("only scheme and host[:port] are allowed")
        }
        if scheme == "http" {
            let host: Substring
            if authority.hasPrefix("[") {
                host = authority.prefix(while: { $0 != "]" }) + "]"
            } else {
                host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            }
            guard ["localhost", "127.0.0.1", "[::1]"].contains(String(host)) else {
                throw refuse("plain http is allowed for loopback hosts only")
            }
        }
        self.init(uncheckedScheme: scheme, authority: authority)
    }

    /// `scheme://authority`.
    public var description: String { "\(scheme)://\(authority)" }
}

/// What the owner enters: the API key, an organization ID on a Multi-Tenant Portal, and the console region.
///
/// The key is never part of ``description``, `debugDescription` or a reflection mirror, so printing or logging
/// credentials cannot leak it.
public struct JumpCloudCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The API key sent as `x-api-key`.
    public let apiKey: String
    /// The organization ID sent as `x-org-id` (24 hexadecimal characters), or `nil`.
    public let orgID: String?
    /// The console origin.
    public let endpoint: JumpCloudEndpoint

    /// Checks and stores the credentials before anything is sent.
    /// - Throws: ``DirectoryImportError`` `invalid_api_key` (empty key or characters not allowed in a header),
    ///   `invalid_org_id` (not 24 hexadecimal characters).
    public init(apiKey: String, orgID: String? = nil, endpoint: JumpCloudEndpoint = .us) throws {
        let key = apiKey.trimmingWhitespace()
        guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw DirectoryImportError(
                .invalidAPIKey, "The API key is empty or contains characters an API key cannot contain.")
        }
        if let orgID {
            guard orgID.utf8.count == 24, orgID.utf8.allSatisfy({ $0.isHexDigit }) else {
                throw DirectoryImportError(
                    .invalidOrgID, "The organization ID must be 24 hexadecimal characters.",
                    detail: "length \(orgID.utf8.count)")
            }
        }
        self.apiKey = key
        self.orgID = orgID?.lowercased()
        self.endpoint = endpoint
    }

    /// The endpoint and org ID; the key is redacted.
    public var description: String {
        "JumpCloudCredentials(apiKey: <redacted>, orgID: \(orgID ?? "nil"), endpoint: \(endpoint))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the key, so `dump` and string interpolation of mirrors stay safe.
    public var customMirror: Mirror {
        Mirror(self, children: ["orgID": orgID as Any, "endpoint": endpoint], displayStyle: .struct)
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
