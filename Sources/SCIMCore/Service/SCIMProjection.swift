/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) applied to a resource's JSON.
///
/// `id` and `schemas` are always returned. With `attributes`, only the named attributes (and
/// sub-attributes) are returned, `meta` included only when named; with `excludedAttributes`, the named
/// ones are dropped (`excludedAttributes=members`). Unknown names are ignored.
public struct SCIMProjection: Sendable, Hashable {
    private enum Selector: Hashable {
        case attribute(container: String?, name: String, sub: String?)
        case extensionObject(String)
    }

    private let included: [Selector]
    private let excluded: [Selector]

    /// Parses comma-separated attribute lists for `type`.
    public init(attributes: String?, excludedAttributes: String?, type: SCIMResourceType) {
        included = Self.parse(attributes, type: type)
        excluded = Self.parse(excludedAttributes, type: type)
    }

    /// Whether the projection changes nothing.
    public var isIdentity: Bool { included.isEmpty && excluded.isEmpty }

    private static func parse(_ list: String?, type: SCIMResourceType) -> [Selector] {
        guard let list else { return [] }
        var selectors: [Selector] = []
        for rawName in list.split(separator: ",") {
            let name = String(rawName.filter { $0 != " " })
            if let ext = type.extensionSchema(name) {
                selectors.append(.extensionObject(ext.id))
                continue
            }
            guard let path = try? SCIMPatchPath(parsing: name), path.valueFilter == nil,
                let resolved = type.resolve(path.attribute)?.path
            else { continue }
            selectors.append(.attribute(container: resolved.schema, name: resolved.attribute, sub: resolved.subAttribute))
        }
        return selectors
    }

    /// Applies the projection to a resource object.
    public func apply(_ object: [String: JSONValue]) -> [String: JSONValue] {
        if isIdentity { return object }
        var result: [String: JSONValue]
        if included.isEmpty {
            result = object
        } else {
            result = [:]
            for key in ["id", "schemas"] { result[key] = object[key] }
            for selector in included { Self.copy(selector, from: object, into: &result) }
        }
        for selector in excluded { Self.remove(selector, from: &result) }
        return result
    }

    private static func copy(_ selector: Selector, from source: [String: JSONValue], into target: inout [String: JSONValue]) {
        switch selector {
        case .extensionObject(let urn):
            target[urn] = source[urn]
        case .attribute(let container, let name, let sub):
            let sourceContainer = container.map { source[$0]?.objectValue ?? [:] } ?? source
            guard let value = sourceContainer[name] else { return }
            var targetContainer = container.map { target[$0]?.objectValue ?? [:] } ?? target
            if let sub {
                switch value {
                case .array(let elements):
                    let existing = targetContainer[name]?.arrayValue
                    targetContainer[name] = .array(
                        elements.enumerated().map { index, element in
                            var object = existing.flatMap { index < $0.count ? $0[index].objectValue : nil } ?? [:]
                            object[sub] = element[sub]
                            return .object(object)
                        })
                case .object(let object):
                    var partial = targetContainer[name]?.objectValue ?? [:]
                    partial[sub] = object[sub]
                    targetContainer[name] = .object(partial)
                default:
                    return
                }
            } else {
                targetContainer[name] = value
            }
            if let container { target[container] = .object(targetContainer) } else { target = targetContainer }
        }
    }

    private static func remove(_ selector: Selector, from target: inout [String: JSONValue]) {
        switch selector {
        case .extensionObject(let urn):
            target[urn] = nil
        case .attribute(let container, let name, let sub):
            if container == nil && (name == "id") { return }
            var targetContainer = container.map { target[$0]?.objectValue ?? [:] } ?? target
            if let sub {
                switch targetContainer[name] {
                case .array(let elements)?:
                    targetContainer[name] = .array(
                        elements.map { element in
                            guard var object = element.objectValue else { return element }
                            object[sub] = nil
                            return .object(object)
                        })
                case .object(var object)?:
                    object[sub] = nil
                    targetContainer[name] = .object(object)
                default:
                    break
                }
            } else {
                targetContainer[name] = nil
            }
            if let container {
                target[container] = targetContainer.isEmpty ? nil : .object(targetContainer)
            } else {
                target = targetContainer
            }
        }
    }
}
