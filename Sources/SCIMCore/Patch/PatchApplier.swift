extension SCIMResource {
    /// Applies a PATCH request to a copy of the resource's attributes and returns the patched resource.
    ///
    /// All operations apply or none do: the receiver is never modified and the first failure throws. `meta`
    /// is left unchanged; the service bumps it.
    ///
    /// Semantics (RFC 7644 §3.5.2, plus IdP dialects):
    /// - `add` appends to multi-valued attributes (skipping duplicates), merges into complex ones, sets others.
    /// - `replace` sets; for a complex attribute it merges the given sub-attributes.
    /// - `remove` needs a path; with a value array on a multi-valued attribute (`path: "members"`,
    ///   `value: [{"value": "id"}]`, JumpCloud) it removes the listed values; a value filter removes the
    ///   matching values, and matching nothing is a no-op.
    /// - `add`/`replace` through a value filter that matches nothing create the value when the filter is a
    ///   conjunction of `eq` (Entra's `emails[type eq "work"].value`); otherwise `noTarget`.
    /// - Path-less `add`/`replace` take an object whose keys are paths (`"name.givenName"`, extension URNs);
    ///   read-only keys in it (`id`, `meta`, `groups`) are ignored.
    /// - Setting `primary` to true on one value clears it on the others.
    ///
    /// - Throws: ``SCIMError`` `invalidPath`, `noTarget`, `invalidValue`, `mutability`, `invalidSyntax`.
    public func applying(_ patch: SCIMPatchRequest) throws(SCIMError) -> SCIMResource {
        var applier = PatchApplier(type: type, attributes: attributes)
        for operation in patch.operations { try applier.apply(operation) }
        try applier.normalizer.checkRequired(applier.attributes)
        var result = self
        result.attributes = applier.attributes
        return result
    }
}

struct PatchApplier {
    let type: SCIMResourceType
    var attributes: [String: JSONValue]
    let normalizer: Normalizer

    init(type: SCIMResourceType, attributes: [String: JSONValue]) {
        self.type = type
        self.attributes = attributes
        self.normalizer = Normalizer(type: type)
    }

    mutating func apply(_ operation: SCIMPatchOperation) throws(SCIMError) {
        guard let pathText = operation.path else {
            guard operation.op != .remove else {
                throw SCIMError(.noTarget, "A 'remove' operation needs a 'path'.")
            }
            guard case .object(let object) = operation.value else {
                throw SCIMError(.invalidValue, "A '\(operation.op.rawValue)' without 'path' needs an object 'value'.")
            }
            try applyObject(operation.op, object)
            return
        }
        if let ext = type.extensionSchema(pathText) {
            if operation.op == .remove {
                attributes[ext.id] = nil
                return
            }
            guard case .object(let object) = operation.value else {
                throw SCIMError(.invalidValue, "The value for '\(ext.id)' must be an object.")
            }
            try applyObject(operation.op, [ext.id: .object(object)])
            return
        }
        let path = try SCIMPatchPath(parsing: pathText)
        try apply(operation.op, path: path, value: operation.value, pathless: false)
    }

    /// Path-less add/replace: each key is a path (or an extension URN holding an object).
    private mutating func applyObject(_ kind: SCIMPatchOperation.Kind, _ object: [String: JSONValue]) throws(SCIMError) {
        for key in object.keys.sorted() {
            let value = object[key]!
            if ["schemas", "id", "meta"].contains(where: { key.caseInsensitiveEquals($0) }) { continue }
            if let ext = type.extensionSchema(key) {
                guard case .object(let extObject) = value else {
                    throw SCIMError(.invalidValue, "The value for '\(ext.id)' must be an object.")
                }
                // Clients that serialise extension models (scim2-models) repeat `schemas` inside: ignore it.
                for subKey in extObject.keys.sorted() where !subKey.caseInsensitiveEquals("schemas") {
                    let path = SCIMPatchPath(attribute: SCIMAttributePath(schema: ext.id, subKey))
                    try apply(kind, path: path, value: extObject[subKey]!, pathless: true)
                }
                continue
            }
            try apply(kind, path: try SCIMPatchPath(parsing: key), value: value, pathless: true)
        }
    }

    private mutating func apply(
        _ kind: SCIMPatchOperation.Kind, path: SCIMPatchPath, value: JSONValue?, pathless: Bool
    ) throws(SCIMError) {
        // Locate the container (core or extension) and the attribute definition.
        var extensionID: String?
        let definition: SCIMAttribute
        let name = path.attribute.attribute
        if let urn = path.attribute.schema, !urn.caseInsensitiveEquals(type.schema.id) {
            guard let ext = type.extensionSchema(urn) else {
                throw SCIMError(.invalidPath, "Unknown schema '\(urn)' in path '\(path)'.")
            }
            guard let found = ext.attribute(named: name) else {
                throw SCIMError(.invalidPath, "Unknown attribute '\(name)' in '\(ext.id)'.")
            }
            extensionID = ext.id
            definition = found
        } else {
            if ["id", "meta", "schemas"].contains(where: { name.caseInsensitiveEquals($0) }) {
                if pathless { return }
                throw SCIMError(.mutability, "The attribute '\(name)' is read-only.")
            }
            guard let found = normalizer.attributeDefinition(name) else {
                throw SCIMError(.invalidPath, "Unknown attribute '\(name)' for \(type.name).")
            }
            definition = found
        }
        if definition.mutability == .readOnly {
            if pathless { return }
            throw SCIMError(.mutability, "The attribute '\(definition.name)' is read-only.")
        }
        if definition.mutability == .writeOnly { return }  // password: accepted and discarded

        let subName = path.attribute.subAttribute ?? path.subAttribute
        var subDefinition: SCIMAttribute?
        if let subName {
            guard definition.type == .complex, let found = definition.subAttribute(named: subName) else {
                throw SCIMError(.invalidPath, "Unknown sub-attribute '\(subName)' of '\(definition.name)'.")
            }
            if found.mutability == .readOnly {
                if pathless { return }
                throw SCIMError(.mutability, "The attribute '\(definition.name).\(found.name)' is read-only.")
            }
            subDefinition = found
        }
        var filter: SCIMFilter?
        if let valueFilter = path.valueFilter {
            guard definition.multiValued, definition.type == .complex else {
                throw SCIMError(.invalidPath, "'\(definition.name)' is not multi-valued and cannot take a value filter.")
            }
            do {
                filter = try valueFilter.resolvedForElements(of: definition, type: type)
            } catch {
                throw SCIMError(.invalidPath, error.message, position: error.position)
            }
        }
        if kind != .remove && value == nil {
            throw SCIMError(.invalidValue, "A '\(kind.rawValue)' operation needs a 'value'.")
        }

        var container = extensionID.map { attributes[$0]?.objectValue ?? [:] } ?? attributes
        let current = container[definition.name]
        var updated: JSONValue?
        if let filter {
            updated = try applyFiltered(kind, current, definition, subDefinition, filter, value)
        } else if let subDefinition {
            updated = try applySub(kind, current, definition, subDefinition, value)
        } else {
            updated = try applyWhole(kind, current, definition, value)
        }
        if definition.multiValued, case .array(let elements)? = updated {
            updated = .array(Self.singlePrimary(elements, previous: current?.arrayValue ?? []))
        }
        container[definition.name] = updated
        if let extensionID {
            attributes[extensionID] = container.isEmpty ? nil : .object(container)
        } else {
            attributes = container
        }
    }

    private func normalize(_ value: JSONValue?, _ definition: SCIMAttribute) throws(SCIMError) -> JSONValue? {
        guard let value else { return nil }
        return try normalizer.normalizeValue(value, definition: definition, context: definition.name)
    }

    private func normalizeSingle(_ value: JSONValue?, _ definition: SCIMAttribute) throws(SCIMError) -> JSONValue? {
        guard let value else { return nil }
        if definition.multiValued, case .array(let elements) = value, elements.count == 1 {
            return try normalizer.normalizeSingle(elements[0], definition: definition, context: definition.name)
        }
        return try normalizer.normalizeSingle(value, definition: definition, context: definition.name)
    }

    private func applyWhole(
        _ kind: SCIMPatchOperation.Kind, _ current: JSONValue?, _ definition: SCIMAttribute, _ value: JSONValue?
    ) throws(SCIMError) -> JSONValue? {
        switch kind {
        case .add:
            guard let new = try normalize(value, definition) else { return current }
            if definition.multiValued {
                var elements = current?.arrayValue ?? []
                for element in new.arrayValue ?? [] where !elements.contains(where: { Self.sameValue($0, element) }) {
                    elements.append(element)
                }
                return .array(elements)
            }
            if case .object(let existing)? = current, case .object(let added) = new {
                return .object(existing.merging(added) { $1 })
            }
            return new
        case .replace:
            let new = try normalize(value, definition)
            if !definition.multiValued, case .object(let existing)? = current, case .object(let replaced)? = new {
                return .object(existing.merging(replaced) { $1 })
            }
            return new
        case .remove:
            if definition.multiValued, let value, !value.isNull {
                guard let targets = try normalize(value, definition)?.arrayValue else { return current }
                let remaining = (current?.arrayValue ?? []).filter { element in
                    !targets.contains { Self.sameValue(element, $0) }
                }
                return remaining.isEmpty ? nil : .array(remaining)
            }
            return nil
        }
    }

    private func applySub(
        _ kind: SCIMPatchOperation.Kind, _ current: JSONValue?, _ definition: SCIMAttribute,
        _ subDefinition: SCIMAttribute, _ value: JSONValue?
    ) throws(SCIMError) -> JSONValue? {
        let new = kind == .remove ? nil : try normalize(value, subDefinition)
        if definition.multiValued {
            guard var elements = current?.arrayValue, !elements.isEmpty else {
                if kind == .remove { return current }
                throw SCIMError(.noTarget, "'\(definition.name)' has no values to set '\(subDefinition.name)' on.")
            }
            for index in elements.indices {
                guard var object = elements[index].objectValue else { continue }
                object[subDefinition.name] = new
                elements[index] = .object(object)
            }
            return .array(elements)
        }
        var object = current?.objectValue ?? [:]
        object[subDefinition.name] = new
        return object.isEmpty ? nil : .object(object)
    }

    private func applyFiltered(
        _ kind: SCIMPatchOperation.Kind, _ current: JSONValue?, _ definition: SCIMAttribute,
        _ subDefinition: SCIMAttribute?, _ filter: SCIMFilter, _ value: JSONValue?
    ) throws(SCIMError) -> JSONValue? {
        var elements = current?.arrayValue ?? []
        var matched = elements.indices.filter { index in
            elements[index].objectValue.map { filter.matchesElement($0, parent: definition) } ?? false
        }
        if kind == .remove {
            if let subDefinition {
                for index in matched {
                    guard var object = elements[index].objectValue else { continue }
                    object[subDefinition.name] = nil
                    elements[index] = .object(object)
                }
            } else {
                for index in matched.reversed() { elements.remove(at: index) }
            }
            return elements.isEmpty ? nil : .array(elements)
        }
        if matched.isEmpty {
            guard let seed = Self.equalitySeed(filter),
                let element = try normalizer.normalizeSingle(.object(seed), definition: definition, context: definition.name)
            else {
                throw SCIMError(.noTarget, "The filter '\(filter)' matched no value of '\(definition.name)'.")
            }
            elements.append(element)
            matched = [elements.count - 1]
        }
        let new: JSONValue?
        if let subDefinition {
            new = try normalize(value, subDefinition)
        } else {
            new = try normalizeSingle(value, definition)
            if let new, new.objectValue == nil {
                throw SCIMError(.invalidValue, "The value for '\(definition.name)' must be an object.")
            }
        }
        for index in matched {
            guard var object = elements[index].objectValue else { continue }
            if let subDefinition {
                object[subDefinition.name] = new
            } else if let added = new?.objectValue {
                object.merge(added) { $1 }
            }
            elements[index] = .object(object)
        }
        return elements.isEmpty ? nil : .array(elements)
    }

    /// `type eq "work" and primary eq true` → `{"type": "work", "primary": true}`; nil for other filters.
    static func equalitySeed(_ filter: SCIMFilter) -> [String: JSONValue]? {
        switch filter {
        case .comparison(let path, .eq, let value):
            let json: JSONValue
            switch value {
            case .string(let text): json = .string(text)
            case .integer(let number): json = .integer(number)
            case .decimal(let number): json = .decimal(number)
            case .boolean(let flag): json = .bool(flag)
            case .null: return nil
            }
            return [path.attribute: json]
        case .and(let lhs, let rhs):
            guard let left = equalitySeed(lhs), let right = equalitySeed(rhs) else { return nil }
            return left.merging(right) { $1 }
        default:
            return nil
        }
    }

    /// Two values of a multi-valued attribute are the same when their `value` sub-attributes are equal (or,
    /// without one, when they are equal).
    static func sameValue(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs["value"], let right = rhs["value"] { return left == right }
        return lhs == rhs
    }

    /// Keeps at most one `primary: true`, preferring values that were not primary before the operation.
    static func singlePrimary(_ elements: [JSONValue], previous: [JSONValue]) -> [JSONValue] {
        let primaries = elements.indices.filter { elements[$0]["primary"] == .bool(true) }
        guard primaries.count > 1 else { return elements }
        let keep = primaries.first { !previous.contains(elements[$0]) } ?? primaries.last!
        var result = elements
        for index in primaries where index != keep {
            if var object = result[index].objectValue {
                object["primary"] = .bool(false)
                result[index] = .object(object)
            }
        }
        return result
    }
}

extension SCIMFilter {
    /// Resolves a value filter whose paths name sub-attributes of `parent`.
    func resolvedForElements(of parent: SCIMAttribute, type: SCIMResourceType) throws(SCIMError) -> SCIMFilter {
        try resolve(type: type, parent: parent)
    }
}
