import Foundation
import Testing
@testable import SCIMCore

@Suite struct FilterParsingTests {
    /// Every filter example of RFC 7644 §3.4.2.2, with its canonical form.
    static let rfcExamples: [(String, String)] = [
        (#"userName Eq "john""#, #"userName eq "john""#),
        (#"userName eq "bjensen""#, #"userName eq "bjensen""#),
        (#"name.familyName co "O'Malley""#, #"name.familyName co "O'Malley""#),
        (#"userName sw "J""#, #"userName sw "J""#),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
         #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#),
        ("title pr", "title pr"),
        (#"meta.lastModified gt "2011-05-13T04:42:34Z""#, #"meta.lastModified gt "2011-05-13T04:42:34Z""#),
        (#"meta.lastModified ge "2011-05-13T04:42:34Z""#, #"meta.lastModified ge "2011-05-13T04:42:34Z""#),
        (#"meta.lastModified lt "2011-05-13T04:42:34Z""#, #"meta.lastModified lt "2011-05-13T04:42:34Z""#),
        (#"meta.lastModified le "2011-05-13T04:42:34Z""#, #"meta.lastModified le "2011-05-13T04:42:34Z""#),
        (#"title pr and userType eq "Employee""#, #"title pr and userType eq "Employee""#),
        (#"title pr or userType eq "Intern""#, #"title pr or userType eq "Intern""#),
        (#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
         #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#),
        (#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
         #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#),
        (#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
         #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#),
        (#"userType eq "Employee" and (emails.type eq "work")"#, #"userType eq "Employee" and emails.type eq "work""#),
        (#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
         #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#),
        (#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
         #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#),
    ]

    @Test(arguments: rfcExamples)
    func parsesRFCExample(_ filter: String, _ canonical: String) throws {
        let parsed = try SCIMFilter(parsing: filter)
        #expect(parsed.description == canonical)
        // Canonical text parses back to the same AST, and every example resolves against the User schema.
        #expect(try SCIMFilter(parsing: canonical) == parsed)
        _ = try parsed.resolved(for: .user)
    }

    @Test func precedenceAndBindsTighterThanOr() throws {
        let a = SCIMFilter.present(SCIMAttributePath("title"))
        let b = SCIMFilter.present(SCIMAttributePath("userType"))
        let c = SCIMFilter.present(SCIMAttributePath("nickName"))
        #expect(try SCIMFilter(parsing: "title pr or userType pr and nickName pr") == .or(a, .and(b, c)))
        #expect(try SCIMFilter(parsing: "(title pr or userType pr) and nickName pr") == .and(.or(a, b), c))
        #expect(try SCIMFilter(parsing: "not (title pr) and nickName pr") == .and(.not(a), c))
        #expect(try SCIMFilter(parsing: "TITLE PR OR USERTYPE PR") == .or(a, b))
    }

    @Test(arguments: [
        ("age gt 21", SCIMFilterValue.integer(21)),
        ("age gt -2.5", .decimal(-2.5)),
        ("active eq true", .boolean(true)),
        ("active eq False", .boolean(false)),
        ("title eq null", .null),
        (#"title eq "a \"quoted\" \u00e9""#, .string("a \"quoted\" é")),
    ])
    func parsesValues(_ filter: String, _ expected: SCIMFilterValue) throws {
        guard case .comparison(_, _, let value) = try SCIMFilter(parsing: filter) else {
            Issue.record("not a comparison")
            return
        }
        #expect(value == expected)
    }

    @Test func parsesSchemaPrefixedExtensionPath() throws {
        let filter = try SCIMFilter(
            parsing: #"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#)
        #expect(
            filter == .comparison(
                SCIMAttributePath(schema: SCIMSchemaURN.enterpriseUser, "manager", subAttribute: "value"), .eq,
                .string("26118915")))
    }

    /// Bad filters: exact code and 1-based position.
    @Test(arguments: [
        ("", 1),
        ("userName", 9),
        (#"userName equals "x""#, 10),
        (#"userName eq"#, 12),
        (#"userName eq bjensen"#, 13),
        (#"userName eq "unterminated"#, 13),
        (#"(userName eq "x""#, 17),
        (#"userName eq "x")"#, 16),
        (#"userName eq "x" and"#, 20),
        (#"emails[type eq "work""#, 22),
        (#"emails[type[value eq "x"]]"#, 12),
        (#"not userName eq "x""#, 5),
        (#"1abc eq "x""#, 1),
        (#"userName eq "x" userName eq "y""#, 17),
        (#"émail eq "x""#, 1),
        (#"name eq "x" and é eq "y""#, 17),
    ])
    func rejectsWithPosition(_ filter: String, _ position: Int) {
        #expect(throws: SCIMError(.invalidFilter)) { try SCIMFilter(parsing: filter) }
        do {
            _ = try SCIMFilter(parsing: filter)
        } catch {
            #expect(error.position == position, "\(error.message)")
            #expect(error.message.contains("position \(position)"))
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "(", count: 100_000) + #"title eq "x""# + String(repeating: ")", count: 100_000)
        #expect(throws: SCIMError(.invalidFilter)) { try SCIMFilter(parsing: deep) }
        let nots = String(repeating: "not (", count: 40) + "title pr" + String(repeating: ")", count: 40)
        #expect(throws: SCIMError(.invalidFilter)) { try SCIMFilter(parsing: nots) }
        let fine = String(repeating: "(", count: 10) + "title pr" + String(repeating: ")", count: 10)
        #expect(try SCIMFilter(parsing: fine) == .present(SCIMAttributePath("title")))
    }

    @Test(arguments: [
        (#"nosuch eq "x""#, 1),
        (#"userName eq "x" and name.nosuch pr"#, 21),
        (#"active gt true"#, 1),
        (#"name eq "x""#, 1),
        (#"emails[nosuch eq "x"]"#, 8),
        (#"urn:example:unknown:attr eq "x""#, 1),
    ])
    func resolutionRejectsUnknownOrIllTyped(_ filter: String, _ position: Int) throws {
        let parsed = try SCIMFilter(parsing: filter)
        #expect(throws: SCIMError(.invalidFilter)) { try parsed.resolved(for: .user) }
        do {
            _ = try parsed.resolved(for: .user)
        } catch {
            #expect(error.position == position, "\(error.message)")
        }
    }

    @Test func resolutionCanonicalisesNames() throws {
        let resolved = try SCIMFilter(parsing: #"USERNAME eq "x" and NAME.GIVENNAME pr"#).resolved(for: .user)
        guard case .and(.comparison(let lhs, _, _), .present(let rhs)) = resolved else {
            Issue.record("unexpected shape \(resolved)")
            return
        }
        #expect(lhs.attribute == "userName")
        #expect(rhs.attribute == "name" && rhs.subAttribute == "givenName")
        let simple = try SCIMFilter(parsing: #"USERNAME EQ "Bob""#).resolved(for: .user).simpleEquality
        #expect(simple?.attribute == "userName" && simple?.value == "Bob")
        #expect(resolved.simpleEquality == nil)
    }
}

@Suite struct FilterEvaluationTests {
    static let barbara = """
        {"userName": "bjensen", "name": {"familyName": "O'Malley", "givenName": "Barbara"},
         "title": "Tour Guide", "userType": "Employee", "active": true,
         "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true},
                    {"value": "babs@jensen.org", "type": "home"}],
         "ims": [{"value": "babs@foo.com", "type": "xmpp"}],
         "externalId": "Ext-1",
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984",
           "manager": {"value": "26118915"}}}
        """

    @Test(arguments: [
        (#"userName Eq "BJENSEN""#, true),
        (#"userName eq "bjensen2""#, false),
        (#"name.familyName co "o'mal""#, true),
        (#"userName sw "J""#, false),
        (#"userName sw "B""#, true),
        (#"userName ew "SEN""#, true),
        (#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bj""#, true),
        ("title pr", true),
        ("nickName pr", false),
        (#"meta.lastModified gt "2011-05-13T04:42:34Z""#, true),
        (#"meta.lastModified lt "2011-05-13T04:42:34Z""#, false),
        (#"meta.created le "2023-11-14T22:13:20Z""#, true),
        (#"meta.created lt "2023-11-14T22:13:20Z""#, false),
        (#"title pr and userType eq "Employee""#, true),
        (#"title pr and userType eq "Intern""#, false),
        (#"title pr or userType eq "Intern""#, true),
        (#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#, true),
        (#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#, true),
        (#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#, false),
        (#"userType eq "Employee" and (emails.type eq "work")"#, true),
        (#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, true),
        (#"emails[type eq "home" and value co "@example.com"]"#, false),
        (#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#, true),
        (#"emails[not (type eq "work")]"#, true),
        (#"emails[primary eq true]"#, true),
        (#"externalId eq "ext-1""#, false),
        (#"externalId eq "Ext-1""#, true),
        (#"id eq "u1""#, true),
        (#"active eq true"#, true),
        (#"active ne true"#, false),
        (#"nickName eq null"#, true),
        (#"title ne null"#, true),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#, true),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#, true),
        (#"title gt "S""#, true),
        (#"title lt "S""#, false),
    ])
    func evaluates(_ filter: String, _ expected: Bool) throws {
        let resource = try user(Self.barbara)
        let resolved = try SCIMFilter(parsing: filter).resolved(for: .user)
        #expect(resolved.matches(resource) == expected)
    }

    @Test func unicodeCaseFolding() throws {
        let resource = try user(#"{"userName": "ÉLODIE"}"#)
        #expect(try SCIMFilter(parsing: #"userName eq "élodie""#).resolved(for: .user).matches(resource))
    }

    @Test func groupMembersFilter() throws {
        let resource = try group(#"{"displayName": "Admins", "members": [{"value": "u1"}, {"value": "u2"}]}"#)
        #expect(try SCIMFilter(parsing: #"members[value eq "u2"]"#).resolved(for: .group).matches(resource))
        #expect(try SCIMFilter(parsing: #"members.value eq "u2""#).resolved(for: .group).matches(resource))
        #expect(try !SCIMFilter(parsing: #"members eq "u3""#).resolved(for: .group).matches(resource))
    }
}
