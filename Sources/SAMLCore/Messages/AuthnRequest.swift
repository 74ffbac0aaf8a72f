#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A SAML 2.0 `AuthnRequest` for an SP-initiated login, and its HTTP-Redirect and HTTP-POST encodings.
///
/// Build it from the tenant's settings (``ServiceProvider/makeAuthnRequest(binding:now:id:)`` does), remember its
/// ``id`` in a ``PendingRequestStore`` with the RelayState, then send the browser to ``redirectURL(relayState:signer:)``
/// or render ``postForm(relayState:signer:)``.
public struct AuthnRequest: Sendable, Hashable {
    /// The request ID (unguessable; the IdP echoes it as `InResponseTo`).
    public var id: String
    /// When the request was made (written in UTC with `Z`).
    public var issueInstant: Date
    /// The IdP's SSO endpoint for the chosen binding (the `Destination` attribute and where the browser goes).
    public var destination: String
    /// Our SP entity ID (the `Issuer`).
    public var issuer: String
    /// Our ACS URL (`AssertionConsumerServiceURL`), where the IdP must post the response.
    public var acsURL: String
    /// The `NameIDPolicy` `Format`; `nil` leaves the format to the IdP (JumpCloud sends the email either way).
    public var nameIDFormat: String?
    /// `NameIDPolicy AllowCreate`. Default `true`.
    public var allowCreate: Bool
    /// `ForceAuthn`: ask the IdP to re-authenticate the user even with a session. Default `false`.
    public var forceAuthn: Bool

    /// The response binding we ask for: always HTTP-POST (the only ACS binding SAMLCore serves).
    public static let protocolBinding = SAMLBinding.httpPost.rawValue

    /// Creates a request.
    /// - Parameters:
    ///   - id: defaults to a fresh ``SAMLID/generate()``.
    ///   - issueInstant: the current time.
    ///   - destination: the IdP SSO URL for the binding you will use.
    ///   - issuer: our SP entity ID.
    ///   - acsURL: our ACS URL.
    ///   - nameIDFormat: the `NameIDPolicy` format, or `nil` to let the IdP choose.
    ///   - allowCreate: `NameIDPolicy AllowCreate`.
    ///   - forceAuthn: ask the IdP to re-authenticate the user.
    public init(
        id: String = SAMLID.generate(), issueInstant: Date, destination: String, issuer: String, acsURL: String,
        nameIDFormat: String? = nil, allowCreate: Bool = true, forceAuthn: Bool = false
    ) {
        self.id = id
        self.issueInstant = issueInstant
        self.destination = destination
        self.issuer = issuer
        self.acsURL = acsURL
        self.nameIDFormat = nameIDFormat
        self.allowCreate = allowCreate
        self.forceAuthn = forceAuthn
    }

    /// The request as XML (no XML declaration, no signature).
    public var xml: String { xmlBytes.string }

    /// The request as UTF-8 XML bytes.
    var xmlBytes: XMLBytes {
        var out = XMLBytes(capacity: 700)
        out.raw("<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"")
        out.raw(" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"")
        out.escaped(id)
        out.raw("\" Version=\"2.0\" IssueInstant=\"")
        out.escaped(SAMLTime.format(issueInstant))
        out.raw("\" Destination=\"")
        out.escaped(destination)
        if forceAuthn { out.raw("\" ForceAuthn=\"true") }
        out.raw("\" AssertionConsumerServiceURL=\"")
        out.escaped(acsURL)
        out.raw("\" ProtocolBinding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\"><saml:Issuer>")
        out.escaped(issuer)
        out.raw("</saml:Issuer><samlp:NameIDPolicy")
        if let nameIDFormat {
            out.raw(" Format=\"")
            out.escaped(nameIDFormat)
            out.raw("\"")
        }
        out.raw(allowCreate ? " AllowCreate=\"true\"/>" : " AllowCreate=\"false\"/>")
        out.raw("</samlp:AuthnRequest>")
        return out
    }

    /// The HTTP-Redirect URL: ``destination`` plus `SAMLRequest` (raw DEFLATE, base64, URL-encoded), the
    /// RelayState if any, and when `signer` is given `SigAlg` (RSA-SHA256) and `Signature` over the exact
    /// `SAMLRequest=…&RelayState=…&SigAlg=…` octets (SAML Bindings §3.4.4.1).
    ///
    /// - Parameters:
    ///   - relayState: an opaque value of at most 80 bytes (e.g. a key to the page to return to, never the URL
    ///     itself if it may be longer). Optional.
    ///   - signer: the SP credential to sign with; `nil` sends the request unsigned (JumpCloud does not require
    ///     signed requests).
    /// - Throws: ``SAMLError`` `invalid_configuration` for a RelayState over 80 bytes.
    public func redirectURL(relayState: String? = nil, signer: SPCredential? = nil) throws(SAMLError) -> String {
        try RedirectBinding.url(
            endpoint: destination, xml: xmlBytes.bytes, parameter: .request, relayState: relayState, signer: signer)
    }

    /// The HTTP-POST binding: a complete HTML page whose form posts `SAMLRequest` (base64 of the XML, signed
    /// with an enveloped signature when `signer` is given) and the RelayState to ``destination``, submitting
    /// itself on load (with a button for browsers without JavaScript).
    ///
    /// The page carries no inline script body other than the submit call; hosts with a strict CSP should serve
    /// ``postFormFields(relayState:signer:)`` in their own template.
    public func postForm(relayState: String? = nil, signer: SPCredential? = nil) throws(SAMLError) -> String {
        let fields = try postFormFields(relayState: relayState, signer: signer)
        return PostBinding.html(action: destination, fields: fields)
    }

    /// The HTTP-POST form fields in order: `SAMLRequest` (base64) and, if given, `RelayState`.
    public func postFormFields(relayState: String? = nil, signer: SPCredential? = nil) throws(SAMLError)
        -> [(name: String, value: String)]
    {
        if let relayState, relayState.utf8.count > RedirectBinding.maxRelayStateBytes {
            throw SAMLError(.invalidConfiguration, "RelayState must not exceed \(RedirectBinding.maxRelayStateBytes) bytes")
        }
        let bytes: [UInt8]
        if let signer {
            bytes = try EnvelopedSigner.sign(xml: xml, credential: signer)
        } else {
            bytes = xmlBytes.bytes
        }
        var fields = [(name: "SAMLRequest", value: Data(bytes).base64EncodedString())]
        if let relayState { fields.append((name: "RelayState", value: relayState)) }
        return fields
    }

    /// Reads an AuthnRequest back (for tests, tooling and the reference server's IdP simulator).
    ///
    /// - Throws: ``SAMLError`` `malformed` if the XML is not a SAML 2.0 `samlp:AuthnRequest` with the fields
    ///   this type models.
    public static func parse(xml: some Collection<UInt8>, limits: XMLLimits = XMLLimits()) throws(SAMLError) -> AuthnRequest {
        let document = try SecureXMLDocument(parsing: Array(xml), limits: limits)
        guard let root = document.root, root.is(XMLNamespace.samlp, "AuthnRequest"),
            root.attribute("Version") == "2.0", let id = root.attribute("ID"), !id.isEmpty,
            let instantText = root.attribute("IssueInstant"), let instant = SAMLTime.parse(instantText),
            let issuer = root.firstChild(XMLNamespace.saml, "Issuer")?.text.trimmedXMLWhitespace
        else {
            throw SAMLError(.malformed, "the message is not a SAML 2.0 AuthnRequest")
        }
        let policy = root.firstChild(XMLNamespace.samlp, "NameIDPolicy")
        return AuthnRequest(
            id: id, issueInstant: instant, destination: root.attribute("Destination") ?? "", issuer: issuer,
            acsURL: root.attribute("AssertionConsumerServiceURL") ?? "", nameIDFormat: policy?.attribute("Format"),
            allowCreate: policy?.attribute("AllowCreate") == "true", forceAuthn: root.attribute("ForceAuthn") == "true")
    }
}

/// The HTTP-POST binding's auto-submitting form.
enum PostBinding {
    static func html(action: String, fields: [(name: String, value: String)]) -> String {
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Signing in…</title></head>"
        page += "<body onload=\"document.forms[0].submit()\">"
        page += "<form method=\"post\" action=\"\(XMLEscape.escape(action))\">"
        for field in fields {
            page += "<input type=\"hidden\" name=\"\(XMLEscape.escape(field.name))\" value=\"\(XMLEscape.escape(field.value))\"/>"
        }
        page += "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>\n"
        return page
    }
}
