/// A PATCH target path (RFC 7644 §3.5.2): `attrPath`, `attr[filter]` or `attr[filter].subAttr`.
public struct SCIMPatchPath: Sendable, Hashable, CustomStringConvertible {
    /// The attribute (with optional schema URN and sub-attribute, as in `name.givenName`).
    public var attribute: SCIMAttributePath
    /// The value selection filter in brackets, whose paths name sub-attributes.
    public var valueFilter: SCIMFilter?
    /// The sub-attribute after the brackets (`value` in `emails[type eq "work"].value`).
    public var subAttribute: String?

    /// Creates a path.
    public init(attribute: SCIMAttributePath, valueFilter: SCIMFilter? = nil, subAttribute: String? = nil) {
        self.attribute = attribute
        self.valueFilter = valueFilter
        self.subAttribute = subAttribute
    }

    /// Parses a path.
    /// - Throws: ``SCIMError`` `invalidPath` naming the position.
    public init(parsing text: String) throws(SCIMError) {
        var parser = FilterParser(text, errorCode: .invalidPath)
        self = try parser.parsePatchPath()
    }

    /// The path as text.
    public var description: String {
        var text = attribute.description
        if let valueFilter { text += "[\(valueFilter)]" }
        if let subAttribute { text += ".\(subAttribute)" }
        return text
    }
}

/// One PATCH operation.
public struct SCIMPatchOperation: Sendable, Hashable {
    /// Operation kinds; names are matched case-insensitively on input (`"Replace"` from Entra).
    public enum Kind: String, Sendable, Hashable {
        /// Add values.
        case add
        /// Replace values.
        case replace
        /// Remove values.
        case remove
    }

    /// The operation.
    public var op: Kind
    /// The raw path text, if any.
    public var path: String?
    /// The value, if any.
    public var value: JSONValue?

    /// Creates an operation.
    public init(_ op: Kind, path: String? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// A PatchOp request body (RFC 7644 §3.5.2).
public struct SCIMPatchRequest: Sendable, Hashable {
    /// The operations, applied in order, atomically.
    public var operations: [SCIMPatchOperation]

    /// Creates a request.
    public init(operations: [SCIMPatchOperation]) {
        self.operations = operations
    }

    /// Parses a PatchOp document. Member names are case-insensitive; `schemas`, when present, must contain the
    /// PatchOp URN.
    /// - Throws: ``SCIMError`` `invalidSyntax` for a malformed document or unknown `op`.
    public init(json: JSONValue) throws(SCIMError) {
        guard case .object(let object) = json else {
            throw SCIMError(.invalidSyntax, "A PatchOp request must be a JSON object.")
        }
        if let (_, schemas) = object.caseInsensitiveEntry("schemas") {
            let list = schemas.arrayValue?.compactMap(\.stringValue) ?? []
            guard list.contains(where: { $0.caseInsensitiveEquals(SCIMSchemaURN.patchOp) }) else {
                throw SCIMError(.invalidSyntax, "'schemas' must contain \(SCIMSchemaURN.patchOp).")
            }
        }
        guard let (_, operationsValue) = object.caseInsensitiveEntry("Operations"),
            case .array(let list) = operationsValue
        else {
            throw SCIMError(.invalidSyntax, "A PatchOp request needs an 'Operations' array.")
        }
        var operations: [SCIMPatchOperation] = []
        for (index, entry) in list.enumerated() {
            guard case .object(let operation) = entry else {
                throw SCIMError(.invalidSyntax, "Operation \(index + 1) must be a JSON object.")
            }
            guard let opName = operation.caseInsensitiveEntry("op")?.value.stringValue,
                let kind = SCIMPatchOperation.Kind(rawValue: opName.asciiLowercased)
            else {
                throw SCIMError(.invalidSyntax, "Operation \(index + 1) needs an 'op' of add, replace or remove.")
            }
            var path: String?
            if let pathValue = operation.caseInsensitiveEntry("path")?.value, !pathValue.isNull {
                guard let text = pathValue.stringValue else {
                    throw SCIMError(.invalidPath, "Operation \(index + 1) has a non-string 'path'.")
                }
                path = text.isEmpty ? nil : text
            }
            operations.append(SCIMPatchOperation(kind, path: path, value: operation.caseInsensitiveEntry("value")?.value))
        }
        self.operations = operations
    }

    /// The PatchOp document.
    public var json: JSONValue {
        .object([
            "schemas": .array([.string(SCIMSchemaURN.patchOp)]),
            "Operations": .array(
                operations.map { operation in
                    var object: [String: JSONValue] = ["op": .string(operation.op.rawValue)]
                    if let path = operation.path { object["path"] = .string(path) }
                    if let value = operation.value { object["value"] = value }
                    return .object(object)
                }),
        ])
    }
}
