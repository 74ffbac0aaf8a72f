#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SCIMFilter {
    /// Resolves every attribute path against `type`'s schemas: canonical names, core URN prefixes dropped,
    /// and type checks (ordering operators on booleans, comparisons on complex attributes without `value`).
    ///
    /// ``matches(_:)`` and stores expect resolved filters.
    /// - Throws: ``SCIMError`` `invalidFilter` naming the unknown attribute and its position.
    public func resolved(for type: SCIMResourceType) throws(SCIMError) -> SCIMFilter {
        try resolve(type: type, parent: nil)
    }

    func resolve(type: SCIMResourceType, parent: SCIMAttribute?) throws(SCIMError) -> SCIMFilter {
        switch self {
        case .comparison(let path, let op, let value):
            let (resolved, definition) = try Self.resolvePath(path, type: type, parent: parent)
            try Self.check(op, value, definition: definition, path: resolved)
            return .comparison(resolved, op, value)
        case .present(let path):
            return .present(try Self.resolvePath(path, type: type, parent: parent).path)
        case .and(let lhs, let rhs):
            return .and(try lhs.resolve(type: type, parent: parent), try rhs.resolve(type: type, parent: parent))
        case .or(let lhs, let rhs):
            return .or(try lhs.resolve(type: type, parent: parent), try rhs.resolve(type: type, parent: parent))
        case .not(let inner):
            return .not(try inner.resolve(type: type, parent: parent))
        case .valuePath(let path, let inner):
            let (resolved, definition) = try Self.resolvePath(path, type: type, parent: parent)
            guard definition.type == .complex, resolved.subAttribute == nil else {
                throw SCIMError(
                    .invalidFilter, "'\(resolved)' is not a complex attribute and cannot take a value filter"
                        + " at position \(path.position).", position: path.position)
            }
            return .valuePath(resolved, try inner.resolve(type: type, parent: definition))
        }
    }

    private static func resolvePath(
        _ path: SCIMAttributePath, type: SCIMResourceType, parent: SCIMAttribute?
    ) throws(SCIMError) -> (path: SCIMAttributePath, definition: SCIMAttribute) {
        if let parent {
            if let definition = parent.subAttribute(named: path.attribute), path.subAttribute == nil {
                return (SCIMAttributePath(definition.name, position: path.position), definition)
            }
        } else if let resolved = type.resolve(path) {
            return resolved
        }
        throw SCIMError(
            .invalidFilter, "Unknown attribute '\(path)' for \(type.name) at position \(path.position).",
            position: path.position)
    }

    private static func check(
        _ op: SCIMComparisonOperator, _ value: SCIMFilterValue, definition: SCIMAttribute, path: SCIMAttributePath
    ) throws(SCIMError) {
        func fail(_ reason: String) -> SCIMError {
            SCIMError(.invalidFilter, "\(reason) at position \(path.position).", position: path.position)
        }
        if definition.type == .complex && definition.subAttribute(named: "value") == nil {
            throw fail("The complex attribute '\(path)' cannot be compared; name a sub-attribute")
        }
        switch op {
        case .gt, .ge, .lt, .le:
            if definition.type == .boolean || definition.type == .binary {
                throw fail("'\(op.rawValue)' is not defined for the \(definition.type.rawValue) attribute '\(path)'")
            }
            if case .boolean = value { throw fail("'\(op.rawValue)' cannot compare with a boolean") }
            if case .null = value { throw fail("'\(op.rawValue)' cannot compare with null") }
        case .co, .sw, .ew:
            if definition.type == .boolean { throw fail("'\(op.rawValue)' is not defined for the boolean attribute '\(path)'") }
        case .eq, .ne:
            break
        }
    }

    /// Whether `resource` matches this (resolved) filter, with RFC 7644 semantics: multi-valued attributes
    /// match when any value does; string comparisons honour the attribute's `caseExact`; `dateTime`
    /// attributes compare as instants.
    public func matches(_ resource: SCIMResource) -> Bool {
        FilterEvaluator(resource: resource).matches(self)
    }

    /// Whether one element of a multi-valued complex attribute matches this filter (paths name
    /// sub-attributes of `parent`). Used by PATCH value paths.
    func matchesElement(_ element: [String: JSONValue], parent: SCIMAttribute) -> Bool {
        switch self {
        case .comparison(let path, let op, let value):
            guard let definition = parent.subAttribute(named: path.attribute) else { return false }
            let candidate = element[definition.name] ?? element.caseInsensitiveEntry(path.attribute)?.value
            return FilterEvaluator.compare(candidate.map { [$0] } ?? [], op, value, definition: definition)
        case .present(let path):
            guard let candidate = element[path.attribute] ?? element.caseInsensitiveEntry(path.attribute)?.value else {
                return false
            }
            return FilterEvaluator.isPresent(candidate)
        case .and(let lhs, let rhs): return lhs.matchesElement(element, parent: parent) && rhs.matchesElement(element, parent: parent)
        case .or(let lhs, let rhs): return lhs.matchesElement(element, parent: parent) || rhs.matchesElement(element, parent: parent)
        case .not(let inner): return !inner.matchesElement(element, parent: parent)
        case .valuePath: return false
        }
    }
}

/// In-memory evaluation of resolved filters.
struct FilterEvaluator {
    let resource: SCIMResource

    func matches(_ filter: SCIMFilter) -> Bool {
        switch filter {
        case .comparison(let path, let op, let value):
            guard let definition = definition(path) else { return false }
            return Self.compare(values(path), op, value, definition: definition)
        case .present(let path):
            return values(path).contains(where: Self.isPresent)
        case .and(let lhs, let rhs): return matches(lhs) && matches(rhs)
        case .or(let lhs, let rhs): return matches(lhs) || matches(rhs)
        case .not(let inner): return !matches(inner)
        case .valuePath(let path, let inner):
            guard let parent = definition(path), let raw = rawValue(path) else { return false }
            let elements = raw.arrayValue ?? [raw]
            return elements.contains { element in
                guard let object = element.objectValue else { return false }
                return inner.matchesElement(object, parent: parent)
            }
        }
    }

    private func definition(_ path: SCIMAttributePath) -> SCIMAttribute? {
        guard let definition = resource.type.definition(schema: path.schema, attribute: path.attribute) else { return nil }
        if let sub = path.subAttribute { return definition.subAttribute(named: sub) }
        return definition
    }

    private func rawValue(_ path: SCIMAttributePath) -> JSONValue? {
        if path.schema == nil {
            if path.attribute == "id" { return .string(resource.id) }
            if path.attribute == "meta" { return resource.metaJSON(baseURL: "") }
            if path.attribute == "schemas" { return resource.json(baseURL: "")["schemas"] }
            return resource.attributes[path.attribute]
        }
        return resource.attributes[path.schema!]?[path.attribute]
    }

    /// All values at `path`, flattening multi-valued attributes.
    func values(_ path: SCIMAttributePath) -> [JSONValue] {
        guard let raw = rawValue(path) else { return [] }
        if let sub = path.subAttribute {
            if case .array(let elements) = raw { return elements.compactMap { $0[sub] } }
            return raw[sub].map { [$0] } ?? []
        }
        if case .array(let elements) = raw { return elements }
        return [raw]
    }

    static func isPresent(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .string(let text): return !text.isEmpty
        case .array(let elements): return !elements.isEmpty
        case .object(let object): return !object.isEmpty
        default: return true
        }
    }

    static func compare(
        _ candidates: [JSONValue], _ op: SCIMComparisonOperator, _ value: SCIMFilterValue, definition: SCIMAttribute
    ) -> Bool {
        if case .null = value {
            let present = candidates.contains(where: isPresent)
            switch op {
            case .eq: return !present
            case .ne: return present
            default: return false
            }
        }
        if op == .ne { return !compare(candidates, .eq, value, definition: definition) }
        for candidate in candidates {
            // A complex value compares through its "value" sub-attribute (emails co "@example.com").
            let scalar = candidate.objectValue?["value"] ?? candidate
            if compareOne(scalar, op, value, definition: definition) { return true }
        }
        return false
    }

    private static func compareOne(
        _ candidate: JSONValue, _ op: SCIMComparisonOperator, _ value: SCIMFilterValue, definition: SCIMAttribute
    ) -> Bool {
        switch (candidate, value) {
        case (.string(let lhs), .string(let rhs)):
            if definition.type == .dateTime, let lhsDate = SCIMDate.parse(lhs), let rhsDate = SCIMDate.parse(rhs) {
                return order(lhsDate, rhsDate, op)
            }
            let caseExact = definition.caseExact
            switch op {
            case .eq: return caseExact ? lhs == rhs : foldedEquals(lhs, rhs)
            case .co: return caseExact ? lhs.contains(rhs) : lhs.lowercased().contains(rhs.lowercased())
            case .sw: return caseExact ? lhs.hasPrefix(rhs) : lhs.lowercased().hasPrefix(rhs.lowercased())
            case .ew: return caseExact ? lhs.hasSuffix(rhs) : lhs.lowercased().hasSuffix(rhs.lowercased())
            default: return caseExact ? order(lhs, rhs, op) : order(lhs.lowercased(), rhs.lowercased(), op)
            }
        case (.bool(let lhs), .boolean(let rhs)):
            return op == .eq && lhs == rhs
        case (.integer, .integer), (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal):
            let lhs = candidate.doubleValue!
            let rhs: Double
            switch value {
            case .integer(let number): rhs = Double(number)
            case .decimal(let number): rhs = number
            default: return false
            }
            switch op {
            case .eq: return lhs == rhs
            case .co, .sw, .ew: return false
            default: return order(lhs, rhs, op)
            }
        default:
            return false
        }
    }

    private static func order<T: Comparable>(_ lhs: T, _ rhs: T, _ op: SCIMComparisonOperator) -> Bool {
        switch op {
        case .eq: return lhs == rhs
        case .ne: return lhs != rhs
        case .gt: return lhs > rhs
        case .ge: return lhs >= rhs
        case .lt: return lhs < rhs
        case .le: return lhs <= rhs
        case .co, .sw, .ew: return false
        }
    }
}

/// Case-insensitive equality (`caseExact: false`): ASCII fast path, Unicode lower-casing otherwise.
func foldedEquals(_ lhs: String, _ rhs: String) -> Bool {
    if lhs.caseInsensitiveEquals(rhs) { return true }
    if lhs.utf8.allSatisfy({ $0 < 0x80 }) && rhs.utf8.allSatisfy({ $0 < 0x80 }) { return false }
    return lhs.lowercased() == rhs.lowercased()
}

/// The key a case-insensitive attribute value is indexed under.
func foldedKey(_ value: String) -> String {
    value.utf8.allSatisfy({ $0 < 0x80 }) ? value.asciiLowercased : value.lowercased()
}
