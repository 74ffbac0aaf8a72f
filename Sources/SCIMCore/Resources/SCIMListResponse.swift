/// A ListResponse message (RFC 7644 §3.4.2), both ways.
public struct SCIMListResponse: Sendable, Hashable {
    /// Matches across all pages.
    public var totalResults: Int
    /// The 1-based index of the first resource of this page.
    public var startIndex: Int
    /// The resources of this page (as JSON documents).
    public var resources: [JSONValue]

    /// Creates a list response.
    public init(totalResults: Int, startIndex: Int = 1, resources: [JSONValue]) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
    }

    /// Parses a ListResponse document (member names case-insensitive; `Resources` may be absent when empty).
    /// - Throws: ``SCIMError`` `invalidSyntax` when required members are missing or mistyped.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let object) = json,
            case .integer(let total)? = object.caseInsensitiveEntry("totalResults")?.value
        else {
            throw SCIMError(.invalidSyntax, "A ListResponse needs an integer 'totalResults'.")
        }
        var startIndex = 1
        if let value = object.caseInsensitiveEntry("startIndex")?.value {
            guard case .integer(let index) = value else {
                throw SCIMError(.invalidSyntax, "'startIndex' must be an integer.")
            }
            startIndex = index
        }
        var resources: [JSONValue] = []
        if let value = object.caseInsensitiveEntry("Resources")?.value, !value.isNull {
            guard case .array(let list) = value else { throw SCIMError(.invalidSyntax, "'Resources' must be an array.") }
            resources = list
        }
        self.init(totalResults: total, startIndex: startIndex, resources: resources)
    }

    /// The ListResponse document. `Resources` is always present (empty when nothing matched) because
    /// JumpCloud's connection test reads it; `itemsPerPage` is the page's size.
    public var json: JSONValue {
        .object([
            "schemas": .array([.string(SCIMSchemaURN.listResponse)]),
            "totalResults": .integer(totalResults),
            "startIndex": .integer(startIndex),
            "itemsPerPage": .integer(resources.count),
            "Resources": .array(resources),
        ])
    }
}
