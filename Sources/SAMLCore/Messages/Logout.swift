#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A SAML 2.0 `LogoutRequest` (Single Logout), built or parsed for the HTTP-Redirect binding.
///
/// Local logout (ending the product's own session) is the host's business. Single Logout is only for IdPs that
/// offer it; JumpCloud has none, so nothing in SAMLCore requires it.
public struct LogoutRequest: Sendable, Hashable {
    /// The request ID.
    public var id: String
    /// When it was issued.
    public var issueInstant: Date
    /// The receiving SLO endpoint (`Destination`), if given.
    public var destination: String?
    /// The sender's entity ID.
    public var issuer: String
    /// The `NameID` of the user to log out.
    public var nameID: String
    /// The `NameID` `Format`, if given.
    public var nameIDFormat: String?
    /// `SessionIndex` values (the IdP's sessions to end); may be empty.
    public var sessionIndexes: [String]
    /// `NotOnOrAfter`: when the request stops being valid, if given.
    public var notOnOrAfter: Date?

    /// Creates a request (`id` defaults to a fresh ``SAMLID/generate()``).
    public init(
        id: String = SAMLID.generate(), issueInstant: Date, destination: String?, issuer: String, nameID: String,
        nameIDFormat: String? = nil, sessionIndexes: [String] = [], notOnOrAfter: Date? = nil
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.issuer = issuer
        self.nameID = nameID
        self.nameIDFormat = nameIDFormat
        self.sessionIndexes = sessionIndexes
        self.notOnOrAfter = notOnOrAfter
    }

    /// The request as XML.
    public var xml: String {
        var text = "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        text += " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
        text += " ID=\"\(XMLEscape.escape(id))\" Version=\"2.0\" IssueInstant=\"\(SAMLTime.format(issueInstant))\""
        if let destination { text += " Destination=\"\(XMLEscape.escape(destination))\"" }
        if let notOnOrAfter { text += " NotOnOrAfter=\"\(SAMLTime.format(notOnOrAfter))\"" }
        text += "><saml:Issuer>\(XMLEscape.escape(issuer))</saml:Issuer><saml:NameID"
        if let nameIDFormat { text += " Format=\"\(XMLEscape.escape(nameIDFormat))\"" }
        text += ">\(XMLEscape.escape(nameID))</saml:NameID>"
        for index in sessionIndexes { text += "<samlp:SessionIndex>\(XMLEscape.escape(index))</samlp:SessionIndex>" }
        text += "</samlp:LogoutRequest>"
        return text
    }

    /// The HTTP-Redirect URL to `destination`, optionally signed (RSA-SHA256 over the query octets).
    /// - Throws: ``SAMLError`` `invalid_configuration` without a destination or with a RelayState over 80 bytes.
    public func redirectURL(relayState: String? = nil, signer: SPCredential? = nil) throws(SAMLError) -> String {
        guard let destination, !destination.isEmpty else {
            throw SAMLError(.invalidConfiguration, "a LogoutRequest sent by redirect needs a Destination")
        }
        return try RedirectBinding.url(
            endpoint: destination, xml: Array(xml.utf8), parameter: .request, relayState: relayState, signer: signer)
    }

    /// Parses a `samlp:LogoutRequest` document.
    /// - Throws: ``SAMLError`` `malformed`.
    public static func parse(xml: some Collection<UInt8>, limits: XMLLimits = XMLLimits()) throws(SAMLError) -> LogoutRequest {
        let document = try SecureXMLDocument(parsing: Array(xml), limits: limits)
        let saml = XMLNamespace.saml
        guard let root = document.root, root.is(XMLNamespace.samlp, "LogoutRequest"), root.attribute("Version") == "2.0",
            let id = root.attribute("ID"), !id.isEmpty,
            let instantText = root.attribute("IssueInstant"), let instant = SAMLTime.parse(instantText),
            let issuer = root.firstChild(saml, "Issuer")?.text.trimmedXMLWhitespace, !issuer.isEmpty,
            let nameIDElement = root.firstChild(saml, "NameID"), !nameIDElement.hasElementChildren
        else {
            throw SAMLError(.malformed, "the message is not a SAML 2.0 LogoutRequest with an Issuer and a NameID")
        }
        var notOnOrAfter: Date?
        if let text = root.attribute("NotOnOrAfter") {
            guard let date = SAMLTime.parse(text) else { throw SAMLError(.malformed, "NotOnOrAfter is not a dateTime") }
            notOnOrAfter = date
        }
        return LogoutRequest(
            id: id, issueInstant: instant, destination: root.attribute("Destination"), issuer: issuer,
            nameID: nameIDElement.text.trimmedXMLWhitespace, nameIDFormat: nameIDElement.attribute("Format"),
            sessionIndexes: root.children(XMLNamespace.samlp, "SessionIndex").map { $0.text.trimmedXMLWhitespace },
            notOnOrAfter: notOnOrAfter)
    }
}

/// A SAML 2.0 `LogoutResponse`, built or parsed for the HTTP-Redirect binding.
public struct LogoutResponse: Sendable, Hashable {
    /// `urn:oasis:names:tc:SAML:2.0:status:Success`.
    public static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"

    /// The response ID.
    public var id: String
    /// When it was issued.
    public var issueInstant: Date
    /// The receiving SLO endpoint (`Destination`), if given.
    public var destination: String?
    /// The ID of the `LogoutRequest` this answers.
    public var inResponseTo: String?
    /// The sender's entity ID.
    public var issuer: String
    /// The top-level status code URI.
    public var statusCode: String

    /// Whether ``statusCode`` is `Success`.
    public var isSuccess: Bool { statusCode == Self.success }

    /// Creates a response (`id` defaults to a fresh ``SAMLID/generate()``; status defaults to Success).
    public init(
        id: String = SAMLID.generate(), issueInstant: Date, destination: String?, inResponseTo: String?,
        issuer: String, statusCode: String = LogoutResponse.success
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.inResponseTo = inResponseTo
        self.issuer = issuer
        self.statusCode = statusCode
    }

    /// The response as XML.
    public var xml: String {
        var text = "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
        text += " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\""
        text += " ID=\"\(XMLEscape.escape(id))\" Version=\"2.0\" IssueInstant=\"\(SAMLTime.format(issueInstant))\""
        if let destination { text += " Destination=\"\(XMLEscape.escape(destination))\"" }
        if let inResponseTo { text += " InResponseTo=\"\(XMLEscape.escape(inResponseTo))\"" }
        text += "><saml:Issuer>\(XMLEscape.escape(issuer))</saml:Issuer>"
        text += "<samlp:Status><samlp:StatusCode Value=\"\(XMLEscape.escape(statusCode))\"/></samlp:Status>"
        text += "</samlp:LogoutResponse>"
        return text
    }

    /// The HTTP-Redirect URL to `destination` (`SAMLResponse=…`), optionally signed.
    /// - Throws: ``SAMLError`` `invalid_configuration` without a destination or with a RelayState over 80 bytes.
    public func redirectURL(relayState: String? = nil, signer: SPCredential? = nil) throws(SAMLError) -> String {
        guard let destination, !destination.isEmpty else {
            throw SAMLError(.invalidConfiguration, "a LogoutResponse sent by redirect needs a Destination")
        }
        return try RedirectBinding.url(
            endpoint: destination, xml: Array(xml.utf8), parameter: .response, relayState: relayState, signer: signer)
    }

    /// Parses a `samlp:LogoutResponse` document.
    /// - Throws: ``SAMLError`` `malformed`.
    public static func parse(xml: some Collection<UInt8>, limits: XMLLimits = XMLLimits()) throws(SAMLError) -> LogoutResponse {
        let document = try SecureXMLDocument(parsing: Array(xml), limits: limits)
        let samlp = XMLNamespace.samlp
        guard let root = document.root, root.is(samlp, "LogoutResponse"), root.attribute("Version") == "2.0",
            let id = root.attribute("ID"), !id.isEmpty,
            let instantText = root.attribute("IssueInstant"), let instant = SAMLTime.parse(instantText),
            let issuer = root.firstChild(XMLNamespace.saml, "Issuer")?.text.trimmedXMLWhitespace, !issuer.isEmpty,
            let status = root.firstChild(samlp, "Status")?.firstChild(samlp, "StatusCode")?.attribute("Value")
        else {
            throw SAMLError(.malformed, "the message is not a SAML 2.0 LogoutResponse with an Issuer and a Status")
        }
        return LogoutResponse(
            id: id, issueInstant: instant, destination: root.attribute("Destination"),
            inResponseTo: root.attribute("InResponseTo"), issuer: issuer, statusCode: status)
    }
}
