#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A JSON value as SCIM documents carry it.
///
/// SCIM resources are schema-driven documents, so SCIMCore keeps their attributes as JSON values that were
/// validated and normalised against a ``SCIMSchema``. Encoding and decoding go through `JSONEncoder` and
/// `JSONDecoder`; integers and decimals stay distinct so `integer` attributes round-trip exactly.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without a fractional part that fits in `Int`.
    case integer(Int)
    /// Any other number.
    case decimal(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The array, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .decimal(let value): return value
        default: return nil
        }
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Member lookup for objects (exact key).
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Each failed attempt throws (and builds) a DecodingError, which dominated the cost of large bodies
        // (10,000 PATCH operations took seconds): try the common shapes first — strings, then objects and
        // arrays — so a string costs no failed attempt and an object one.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else {
            self = .decimal(try container.decode(Double.self))
        }
    }

    /// Encodes the value. Objects and arrays are written through nested containers and leaves directly into
    /// their parent container, which keeps `JSONEncoder` from creating an encoder per value.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let object):
            var container = encoder.container(keyedBy: JSONKey.self)
            try Self.encode(object, into: &container)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            try Self.encode(elements, into: &container)
        default:
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .decimal(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array, .object: break
            }
        }
    }

    private static func encode(_ object: [String: JSONValue], into container: inout KeyedEncodingContainer<JSONKey>) throws {
        for (name, value) in object {
            let key = JSONKey(stringValue: name)
            switch value {
            case .null: try container.encodeNil(forKey: key)
            case .bool(let value): try container.encode(value, forKey: key)
            case .integer(let value): try container.encode(value, forKey: key)
            case .decimal(let value): try container.encode(value, forKey: key)
            case .string(let value): try container.encode(value, forKey: key)
            case .array(let elements):
                var nested = container.nestedUnkeyedContainer(forKey: key)
                try encode(elements, into: &nested)
            case .object(let object):
                var nested = container.nestedContainer(keyedBy: JSONKey.self, forKey: key)
                try encode(object, into: &nested)
            }
        }
    }

    private static func encode(_ elements: [JSONValue], into container: inout any UnkeyedEncodingContainer) throws {
        for value in elements {
            switch value {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .decimal(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let nestedElements):
                var nested = container.nestedUnkeyedContainer()
                try encode(nestedElements, into: &nested)
            case .object(let object):
                var nested = container.nestedContainer(keyedBy: JSONKey.self)
                try encode(object, into: &nested)
            }
        }
    }
}

/// A coding key for arbitrary JSON member names.
struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension JSONValue {
    /// Parses JSON bytes.
    ///
    /// - Throws: ``SCIMError/Code-swift.struct/invalidSyntax`` when the bytes are not JSON.
    public static func parse(_ data: Data) throws(SCIMError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw SCIMError(.invalidSyntax, "The request body is not valid JSON.", detail: "\(error)")
        }
    }

    /// Serialises the value as compact JSON with sorted keys (deterministic output).
    public func serialized() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON primitive or container.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}

/// Case-insensitive lookup of object members, as RFC 7643 §2.1 requires for attribute names.
extension Dictionary where Key == String, Value == JSONValue {
    /// The member whose name equals `name` ignoring case, with its actual key.
    func caseInsensitiveEntry(_ name: String) -> (key: String, value: JSONValue)? {
        if let value = self[name] { return (name, value) }
        for (key, value) in self where key.caseInsensitiveEquals(name) {
            return (key, value)
        }
        return nil
    }
}

extension String {
    /// ASCII-case-insensitive comparison (attribute names, operators, URNs are ASCII).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        if self.utf8.count != other.utf8.count { return false }
        for (a, b) in zip(self.utf8, other.utf8) where a != b {
            if asciiLower(a) != asciiLower(b) { return false }
        }
        return true
    }

    /// Lower-cases ASCII letters only; fast path for attribute names and keys.
    var asciiLowercased: String {
        if !self.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) { return self }
        return String(decoding: self.utf8.map(asciiLower), as: UTF8.self)
    }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    (byte >= 65 && byte <= 90) ? byte + 32 : byte
}
