#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A SCIM request as a value: what an HTTP adapter hands to ``SCIMService/handle(_:)``.
public struct SCIMRequest: Sendable, Hashable {
    /// The HTTP method, upper-case (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`).
    public var method: String
    /// The path relative to the SCIM base URL, e.g. `/Users/2819c223` (no query string). The full request path
    /// (`/scim/v2/Users/2819c223`) works too: ``SCIMService`` strips its base URL's path
    /// (``SCIMServiceConfiguration/basePath``) when the path starts with it.
    public var path: String
    /// Decoded query parameters (`filter`, `startIndex`, …). Names match case-insensitively.
    public var query: [String: String]
    /// Request headers. Names match case-insensitively.
    public var headers: [String: String]
    /// The body, if any.
    public var body: Data?

    /// Creates a request from decoded parts.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        body: Data? = nil
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Creates a request from a raw request target: relative to the base URL
    /// (`/Users?filter=userName%20eq%20%22bjensen%22`), the full request path (`/scim/v2/Users?…`) or an absolute
    /// URL (`https://example.com/scim/v2/Users?…`, whose scheme and host are dropped). The query string is split on
    /// `&` and `=` and percent-decoded (`+` is a space).
    public init(method: String, target: String, headers: [String: String] = [:], body: Data? = nil) {
        let target = Self.pathAndQuery(ofAbsoluteURL: Substring(target)) ?? Substring(target)
        var path = target
        var query: [String: String] = [:]
        if let mark = target.firstIndex(of: "?") {
            path = target[..<mark]
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = Self.percentDecode(parts[0])
                query[name] = parts.count > 1 ? Self.percentDecode(parts[1]) : ""
            }
        }
        self.init(method: method, path: Self.percentDecode(path, plusIsSpace: false), query: query, headers: headers, body: body)
    }

    /// The path and query of an absolute `http`/`https` URL (`https://h:8080/scim/v2/Users?x` → `/scim/v2/Users?x`,
    /// empty when there is neither), or `nil` when `text` is not such a URL (a path, even one whose query holds a
    /// URL, is left alone).
    static func pathAndQuery(ofAbsoluteURL text: Substring) -> Substring? {
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), let scheme = text.firstRange(of: "://") else {
            return nil
        }
        let authorityAndRest = text[scheme.upperBound...]
        return authorityAndRest.firstIndex { $0 == "/" || $0 == "?" }.map { authorityAndRest[$0...] } ?? ""
    }

    /// The header named `name`, ignoring case.
    public func header(_ name: String) -> String? {
        if let value = headers[name] { return value }
        return headers.first { $0.key.caseInsensitiveEquals(name) }?.value
    }

    /// The query parameter named `name`, ignoring case.
    public func parameter(_ name: String) -> String? {
        if let value = query[name] { return value }
        return query.first { $0.key.caseInsensitiveEquals(name) }?.value
    }

    static func percentDecode(_ text: Substring, plusIsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == 0x25, iterator.count >= 2, let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if byte == 0x2B && plusIsSpace {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

/// A SCIM response as a value: what an HTTP adapter writes back.
public struct SCIMResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Response headers (`Content-Type`, `Location`, `ETag`, `WWW-Authenticate`, `Allow`).
    public var headers: [String: String]
    /// The body (SCIM JSON), absent for 204 and 304.
    public var body: Data?

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: Data? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body parsed as JSON (convenience for tests and clients).
    public var json: JSONValue? {
        body.flatMap { try? JSONValue.parse($0) }
    }

    /// The media type of SCIM bodies.
    public static let contentType = "application/scim+json"

    static func json(_ status: Int, _ value: JSONValue, headers: [String: String] = [:]) -> SCIMResponse {
        var headers = headers
        headers["Content-Type"] = contentType
        return SCIMResponse(status: status, headers: headers, body: value.serialized())
    }

    /// The SCIM Error response for `error`; 401s carry `WWW-Authenticate: Bearer`.
    public static func error(_ error: SCIMError, realm: String = "SCIM") -> SCIMResponse {
        var headers: [String: String] = [:]
        if error.code == .unauthorized { headers["WWW-Authenticate"] = "Bearer realm=\"\(realm)\"" }
        if error.code == .unavailable { headers["Retry-After"] = "5" }
        return json(error.status, error.document, headers: headers)
    }
}
