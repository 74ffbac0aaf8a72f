/// An attribute path in a filter, sort key or PATCH path: `[schemaURN:]attribute[.subAttribute]`.
///
/// After ``SCIMFilter/resolved(for:)`` the names are in the schema's canonical case and `schema` is set only
/// for extension attributes. ``position`` is not part of equality.
public struct SCIMAttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix, if any (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`).
    public var schema: String?
    /// The attribute name (`emails`, `userName`, `name`).
    public var attribute: String
    /// The sub-attribute name (`givenName` in `name.givenName`).
    public var subAttribute: String?
    /// The 1-based character position of the path in the text it was parsed from (0 when built in code).
    public var position: Int

    /// Creates a path.
    public init(schema: String? = nil, _ attribute: String, subAttribute: String? = nil, position: Int = 0) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
        self.position = position
    }

    /// The path as text (`name.givenName`, `urn:…:User:employeeNumber`).
    public var description: String {
        (schema.map { $0 + ":" } ?? "") + attribute + (subAttribute.map { "." + $0 } ?? "")
    }

    /// Equality ignores ``position``; names compare case-insensitively (RFC 7643 §2.1).
    public static func == (lhs: SCIMAttributePath, rhs: SCIMAttributePath) -> Bool {
        lhs.attribute.caseInsensitiveEquals(rhs.attribute)
            && optionalEquals(lhs.subAttribute, rhs.subAttribute) && optionalEquals(lhs.schema, rhs.schema)
    }

    /// Hashing consistent with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(attribute.asciiLowercased)
        hasher.combine(subAttribute?.asciiLowercased)
        hasher.combine(schema?.asciiLowercased)
    }

    private static func optionalEquals(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return a.caseInsensitiveEquals(b)
        default: return false
        }
    }
}

/// Comparison operators of RFC 7644 §3.4.2.2 (except `pr`, which is ``SCIMFilter/present(_:)``).
public enum SCIMComparisonOperator: String, Sendable, Hashable, CaseIterable {
    /// Equal.
    case eq
    /// Not equal.
    case ne
    /// Contains (substring).
    case co
    /// Starts with.
    case sw
    /// Ends with.
    case ew
    /// Greater than.
    case gt
    /// Greater than or equal.
    case ge
    /// Less than.
    case lt
    /// Less than or equal.
    case le
}

/// A literal on the right of a comparison. Dates are strings; they compare as dates when the attribute is
/// a `dateTime`.
public enum SCIMFilterValue: Sendable, Hashable, CustomStringConvertible {
    /// A JSON string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A decimal number.
    case decimal(Double)
    /// `true` / `false`.
    case boolean(Bool)
    /// `null`.
    case null

    /// The literal as filter text.
    public var description: String {
        switch self {
        case .string(let value): return String(decoding: JSONValue.string(value).serialized(), as: UTF8.self)
        case .integer(let value): return String(value)
        case .decimal(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }
}

/// A parsed SCIM filter: a typed AST that evaluates in memory (``SCIMFilter/matches(_:)``) and that a store
/// can translate to its own query language (for example SQL) by switching over the cases.
public indirect enum SCIMFilter: Sendable, Hashable, CustomStringConvertible {
    /// `path op value`.
    case comparison(SCIMAttributePath, SCIMComparisonOperator, SCIMFilterValue)
    /// `path pr`.
    case present(SCIMAttributePath)
    /// `lhs and rhs`.
    case and(SCIMFilter, SCIMFilter)
    /// `lhs or rhs`.
    case or(SCIMFilter, SCIMFilter)
    /// `not (filter)`.
    case not(SCIMFilter)
    /// `path[filter]`: some value of the multi-valued complex attribute matches `filter`, whose paths name
    /// sub-attributes.
    case valuePath(SCIMAttributePath, SCIMFilter)

    /// The longest filter text accepted, in UTF-8 bytes (8 KiB). Real IdP filters are well under 200 bytes.
    public static let maximumLength = 8192
    /// The deepest nesting of parentheses, `not (…)` and value filters accepted (32).
    public static let maximumDepth = FilterParser.maximumDepth

    /// Parses filter text.
    ///
    /// - Throws: ``SCIMError`` `invalidFilter` whose ``SCIMError/position`` names the offending character; text
    ///   longer than ``maximumLength`` or nested deeper than ``maximumDepth`` is refused the same way.
    public init(parsing text: String) throws(SCIMError) {
        guard text.utf8.count <= Self.maximumLength else {
            throw SCIMError(
                .invalidFilter, "The filter is longer than \(Self.maximumLength) bytes.", position: Self.maximumLength + 1)
        }
        var parser = FilterParser(text)
        self = try parser.parseFilter()
    }

    /// The filter as canonical text (fully parenthesised where needed).
    public var description: String {
        switch self {
        case .comparison(let path, let op, let value): return "\(path) \(op.rawValue) \(value)"
        case .present(let path): return "\(path) pr"
        // `and`/`or` parse left-associatively, so a right operand with the same operator (from explicit
        // parentheses) keeps them, or the text would parse back to a different tree.
        case .and(let lhs, let rhs):
            return "\(lhs.grouped(if: lhs.isOr)) and \(rhs.grouped(if: rhs.isOr || rhs.isAnd))"
        case .or(let lhs, let rhs): return "\(lhs) or \(rhs.grouped(if: rhs.isOr))"
        case .not(let inner): return "not (\(inner))"
        case .valuePath(let path, let inner): return "\(path)[\(inner)]"
        }
    }

    private func grouped(if needed: Bool) -> String { needed ? "(\(self))" : description }

    private var isOr: Bool {
        if case .or = self { return true }
        return false
    }

    private var isAnd: Bool {
        if case .and = self { return true }
        return false
    }

    /// If the filter is `attribute eq "value"` on a top-level core attribute, its canonical parts. Stores use
    /// this to answer the common IdP lookups (`userName eq`, `externalId eq`, `displayName eq`) from an index.
    public var simpleEquality: (attribute: String, value: String)? {
        if case .comparison(let path, .eq, .string(let value)) = self, path.subAttribute == nil, path.schema == nil {
            return (path.attribute, value)
        }
        return nil
    }
}
