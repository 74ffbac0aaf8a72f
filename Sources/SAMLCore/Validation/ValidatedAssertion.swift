#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// What a successfully validated SAML response says about the user. Every field comes from signed content.
public struct ValidatedAssertion: Sendable, Hashable, Codable {
    /// The `NameID` value (its full text; JumpCloud sends the email).
    public var nameID: String
    /// The `NameID` `Format`, if given.
    public var nameIDFormat: String?
    /// The `email` attribute (required).
    public var email: String
    /// The `firstname` attribute, if sent.
    public var firstName: String?
    /// The `lastname` attribute, if sent.
    public var lastName: String?
    /// The `AuthnStatement` `SessionIndex`, if sent.
    public var sessionIndex: String?
    /// The assertion's Issuer (equal to the IdP entity ID).
    public var issuer: String
    /// The assertion's `ID`.
    public var assertionID: String
    /// When the assertion stops being usable: the earliest of the bearer confirmation's and the Conditions'
    /// `NotOnOrAfter`.
    public var notOnOrAfter: Date
    /// `InResponseTo` of the Response, if any (absent for IdP-initiated logins).
    public var inResponseTo: String?
    /// Every attribute by exact name, all values in document order.
    public var attributes: [String: [String]]

    /// Creates a value (for tests and hosts that persist it).
    public init(
        nameID: String, nameIDFormat: String?, email: String, firstName: String?, lastName: String?,
        sessionIndex: String?, issuer: String, assertionID: String, notOnOrAfter: Date, inResponseTo: String?,
        attributes: [String: [String]]
    ) {
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.sessionIndex = sessionIndex
        self.issuer = issuer
        self.assertionID = assertionID
        self.notOnOrAfter = notOnOrAfter
        self.inResponseTo = inResponseTo
        self.attributes = attributes
    }
}
