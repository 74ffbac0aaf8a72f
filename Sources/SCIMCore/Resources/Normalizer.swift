/// Validates client JSON against a resource type's schemas and produces canonical attributes.
///
/// Rules: attribute names match case-insensitively and are stored in canonical case; `id`, `meta`,
/// `schemas` and read-only attributes are ignored on input (RFC 7643 §2.2); write-only attributes
/// (`password`) are accepted and discarded; `null` and empty arrays mean "unassigned"; booleans may arrive
/// as the strings `"True"`/`"False"` (Entra); unknown attributes and schemas are refused.
struct Normalizer {
    let type: SCIMResourceType

    func normalizeDocument(_ document: JSONValue) throws(SCIMError) -> [String: JSONValue] {
        guard case .object(let object) = document else {
            throw SCIMError(.invalidSyntax, "A \(type.name) must be a JSON object.")
        }
        if let (_, schemas) = object.caseInsensitiveEntry("schemas") {
            guard case .array(let list) = schemas else {
                throw SCIMError(.invalidSyntax, "'schemas' must be an array of schema URNs.")
            }
            for entry in list {
                guard let urn = entry.stringValue else {
                    throw SCIMError(.invalidSyntax, "'schemas' must be an array of schema URNs.")
                }
                if !urn.caseInsensitiveEquals(type.schema.id) && type.extensionSchema(urn) == nil {
                    throw SCIMError(.invalidValue, "Unknown schema '\(urn)' for resource type \(type.name).")
                }
            }
        }
        var result: [String: JSONValue] = [:]
        for (key, value) in object {
            if key.caseInsensitiveEquals("schemas") || key.caseInsensitiveEquals("id")
                || key.caseInsensitiveEquals("meta")
            {
                continue
            }
            if let ext = type.extensionSchema(key) {
                guard case .object(let extObject) = value else {
                    if value.isNull { continue }
                    throw SCIMError(.invalidSyntax, "The extension '\(ext.id)' must be a JSON object.")
                }
                // A `schemas` member inside an extension object (scim2-models sends one) is ignored like the
                // top-level one.
                let members = extObject.filter { !$0.key.caseInsensitiveEquals("schemas") }
                let normalized = try normalizeObject(members, attributes: ext.attributes, context: ext.id)
                if !normalized.isEmpty { result[ext.id] = .object(normalized) }
                continue
            }
            if key.utf8.count > 4, key.prefix(4).lowercased() == "urn:" {
                throw SCIMError(.invalidSyntax, "Unknown schema extension '\(key)' for resource type \(type.name).")
            }
            guard let definition = attributeDefinition(key) else {
                throw SCIMError(.invalidSyntax, "Unknown attribute '\(key)' for resource type \(type.name).")
            }
            if definition.mutability == .readOnly || definition.mutability == .writeOnly { continue }
            if let normalized = try normalizeValue(value, definition: definition, context: definition.name) {
                result[definition.name] = normalized
            }
        }
        try checkRequired(result)
        return result
    }

    /// Top-level definitions: `externalId` plus the core schema's attributes.
    func attributeDefinition(_ name: String) -> SCIMAttribute? {
        guard let definition = type.coreAttribute(named: name) else { return nil }
        // Of the common attributes only externalId is client-writable; id, meta and schemas are handled apart.
        if definition.name == "id" || definition.name == "meta" || definition.name == "schemas" { return nil }
        return definition
    }

    func checkRequired(_ attributes: [String: JSONValue]) throws(SCIMError) {
        for definition in type.schema.attributes where definition.required && attributes[definition.name] == nil {
            throw SCIMError(.invalidValue, "The required attribute '\(definition.name)' is missing.")
        }
    }

    func normalizeObject(
        _ object: [String: JSONValue], attributes: [SCIMAttribute], context: String
    ) throws(SCIMError) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in object {
            guard let definition = attributes.first(where: { $0.name.caseInsensitiveEquals(key) }) else {
                throw SCIMError(.invalidSyntax, "Unknown attribute '\(key)' in '\(context)'.")
            }
            if definition.mutability == .readOnly || definition.mutability == .writeOnly { continue }
            if let normalized = try normalizeValue(value, definition: definition, context: "\(context).\(definition.name)") {
                result[definition.name] = normalized
            }
        }
        return result
    }

    /// Normalises a value for `definition`; nil means unassigned.
    func normalizeValue(
        _ value: JSONValue, definition: SCIMAttribute, context: String
    ) throws(SCIMError) -> JSONValue? {
        if value.isNull { return nil }
        guard definition.multiValued else { return try normalizeSingle(value, definition: definition, context: context) }
        let elements: [JSONValue]
        if case .array(let array) = value { elements = array } else { elements = [value] }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            if let normalized = try normalizeSingle(element, definition: definition, context: context),
                !result.contains(normalized)
            {
                result.append(normalized)
            }
        }
        return result.isEmpty ? nil : .array(result)
    }

    func normalizeSingle(
        _ value: JSONValue, definition: SCIMAttribute, context: String
    ) throws(SCIMError) -> JSONValue? {
        func mismatch() -> SCIMError {
            SCIMError(.invalidValue, "The value of '\(context)' must be of type \(definition.type.rawValue).")
        }
        switch (definition.type, value) {
        case (_, .null):
            return nil
        case (.string, .string), (.reference, .string), (.binary, .string):
            return value
        case (.boolean, .bool):
            return value
        case (.boolean, .string(let text)):
            if text.caseInsensitiveEquals("true") { return .bool(true) }
            if text.caseInsensitiveEquals("false") { return .bool(false) }
            throw mismatch()
        case (.integer, .integer), (.decimal, .integer), (.decimal, .decimal):
            return value
        case (.integer, .decimal(let number)):
            guard let integer = Int(exactly: number) else { throw mismatch() }
            return .integer(integer)
        case (.dateTime, .string(let text)):
            guard let date = SCIMDate.parse(text) else { throw mismatch() }
            return .string(SCIMDate.format(date))
        case (.complex, .object(let object)):
            let normalized = try normalizeObject(object, attributes: definition.subAttributes, context: context)
            return normalized.isEmpty ? nil : .object(normalized)
        default:
            throw mismatch()
        }
    }
}
