/// Namespace URIs SAMLCore reads.
enum XMLNamespace {
    static let samlp = "urn:oasis:names:tc:SAML:2.0:protocol"
    static let saml = "urn:oasis:names:tc:SAML:2.0:assertion"
    static let md = "urn:oasis:names:tc:SAML:2.0:metadata"
    static let ds = "http://www.w3.org/2000/09/xmldsig#"
    static let xenc = "http://www.w3.org/2001/04/xmlenc#"
}
