internal import GRDB
import SCIMCore

/// A SQL condition derived from a SCIM filter.
struct SQLCondition {
    /// The `WHERE` text, with `?` placeholders.
    var sql: String
    /// The placeholder values.
    var arguments: [(any DatabaseValueConvertible)?]
    /// Whether the condition selects exactly the filter's matches (else a superset to evaluate in memory).
    var exact: Bool
}

/// Translates the indexable part of a resolved ``SCIMFilter`` to SQL over the store's indexed columns.
///
/// Indexed: `id`, `externalId` (case-exact), `userName` / group `displayName` (case-folded), `active`,
/// `emails.value` / `emails[value eq …]`, `members.value` / `members[value eq …]`, with `and` / `or`.
/// An `and` with one untranslatable side keeps the other side as a superset; anything else returns nil
/// (evaluate in memory over all rows, bounded by the store).
enum SQLFilter {
    static func translate(_ filter: SCIMFilter, type: SCIMResourceType) -> SQLCondition? {
        switch filter {
        case .comparison(let path, .eq, let value):
            return equality(path, value, type: type)
        case .and(let lhs, let rhs):
            let left = translate(lhs, type: type)
            let right = translate(rhs, type: type)
            switch (left, right) {
            case (let l?, let r?):
                return SQLCondition(sql: "(\(l.sql) AND \(r.sql))", arguments: l.arguments + r.arguments, exact: l.exact && r.exact)
            case (let l?, nil): return SQLCondition(sql: l.sql, arguments: l.arguments, exact: false)
            case (nil, let r?): return SQLCondition(sql: r.sql, arguments: r.arguments, exact: false)
            case (nil, nil): return nil
            }
        case .or(let lhs, let rhs):
            guard let l = translate(lhs, type: type), let r = translate(rhs, type: type) else { return nil }
            return SQLCondition(sql: "(\(l.sql) OR \(r.sql))", arguments: l.arguments + r.arguments, exact: l.exact && r.exact)
        case .valuePath(let path, let inner):
            guard path.schema == nil, path.subAttribute == nil else { return nil }
            return valuePath(path.attribute, inner, type: type)
        default:
            return nil
        }
    }

    private static func equality(_ path: SCIMAttributePath, _ value: SCIMFilterValue, type: SCIMResourceType)
        -> SQLCondition?
    {
        guard path.schema == nil else { return nil }
        let attribute = path.attribute
        if let sub = path.subAttribute {
            guard sub == "value", case .string(let text) = value else { return nil }
            return multiValued(attribute, text, type: type)
        }
        switch (attribute, value) {
        case ("id", .string(let text)):
            return SQLCondition(sql: "id = ?", arguments: [text], exact: true)
        case ("externalId", .string(let text)):
            return SQLCondition(sql: "external_id = ?", arguments: [text], exact: true)
        case ("userName", .string(let text)) where type == .user:
            return SQLCondition(sql: "user_name_key = ?", arguments: [text.lowercased()], exact: true)
        case ("displayName", .string(let text)) where type == .group:
            return SQLCondition(sql: "display_name_key = ?", arguments: [text.lowercased()], exact: true)
        case ("active", .boolean(let flag)) where type == .user:
            return SQLCondition(sql: "active = ?", arguments: [flag], exact: true)
        default:
            return nil
        }
    }

    /// `emails.value eq …` or `members.value eq …`: some element's value equals `text`.
    private static func multiValued(_ attribute: String, _ text: String, type: SCIMResourceType) -> SQLCondition? {
        switch (attribute, type) {
        case ("emails", .user):
            return SQLCondition(
                sql: "id IN (SELECT user_id FROM scim_user_emails WHERE value_key = ?)", arguments: [text.lowercased()],
                exact: true)
        case ("members", .group):
            return SQLCondition(
                sql: "id IN (SELECT group_id FROM scim_memberships WHERE member_id IN (?, ?))",
                arguments: [text, text.lowercased()], exact: true)
        default:
            return nil
        }
    }

    /// `emails[value eq … and …]`: the value equality selects candidates; the rest is checked in memory.
    private static func valuePath(_ attribute: String, _ inner: SCIMFilter, type: SCIMResourceType) -> SQLCondition? {
        switch inner {
        case .comparison(let path, .eq, .string(let text)) where path.subAttribute == nil && path.attribute == "value":
            return multiValued(attribute, text, type: type)
        case .and(let lhs, let rhs):
            let left = valuePath(attribute, lhs, type: type)
            let right = valuePath(attribute, rhs, type: type)
            guard let chosen = left ?? right else { return nil }
            return SQLCondition(sql: chosen.sql, arguments: chosen.arguments, exact: false)
        default:
            return nil
        }
    }

    /// `ORDER BY` text matching `SCIMSorting` for indexed columns, or nil to sort in memory.
    static func orderBy(_ sort: SCIMSort, type: SCIMResourceType) -> String? {
        let path = sort.path
        guard path.schema == nil else { return nil }
        let column: String
        switch (path.attribute, path.subAttribute, type) {
        case ("id", nil, _): column = "id"
        case ("externalId", nil, _): column = "external_id"
        case ("userName", nil, .user): column = "user_name_key"
        case ("displayName", nil, .group): column = "display_name_key"
        case ("meta", "created", _): column = "created"
        case ("meta", "lastModified", _): column = "last_modified"
        default: return nil
        }
        return sort.ascending
            ? "\(column) IS NULL, \(column) ASC, seq ASC" : "\(column) IS NULL DESC, \(column) DESC, seq DESC"
    }
}
