#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Our SAML service-provider metadata: what the owner uploads to (or copies into) the IdP.
///
/// One `EntityDescriptor` with one `SPSSODescriptor`: `protocolSupportEnumeration` SAML 2.0,
/// `AuthnRequestsSigned`, `WantAssertionsSigned="true"`, a signing and an encryption `KeyDescriptor` for every
/// active SP certificate (current and next during rollover), the `EncryptionMethod`s we accept, the
/// `NameIDFormat`s, an optional `SingleLogoutService`, and the HTTP-POST `AssertionConsumerService` at the ACS
/// URL (index 0, default). No metadata signature.
public struct SPMetadata: Sendable, Hashable {
    /// Our SP entity ID.
    public var entityID: String
    /// Our ACS URL (HTTP-POST).
    public var acsURL: String
    /// SP certificates to publish, current first. Empty publishes no KeyDescriptor (then the IdP can neither
    /// encrypt to us nor check our request signatures).
    public var certificates: [SPCertificate]
    /// Whether we sign AuthnRequests (`AuthnRequestsSigned`).
    public var authnRequestsSigned: Bool
    /// The `NameIDFormat`s to declare, in order of preference.
    public var nameIDFormats: [String]
    /// An optional HTTP-Redirect SingleLogoutService URL.
    public var singleLogoutURL: String?
    /// An optional `validUntil`.
    public var validUntil: Date?

    /// `urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress`, what JumpCloud sends by default.
    public static let emailAddressFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    /// The `EncryptionMethod`s declared, most preferred first: the data ciphers and the key transport the
    /// validator accepts (AES-GCM, AES-CBC, RSA-OAEP-MGF1P).
    public static let encryptionMethods: [String] = [
        AlgorithmPolicy.URI.aes256GCM, AlgorithmPolicy.URI.aes128GCM, AlgorithmPolicy.URI.aes256CBC,
        AlgorithmPolicy.URI.aes128CBC, AlgorithmPolicy.URI.rsaOAEPMGF1P,
    ]

    /// Creates metadata.
    public init(
        entityID: String, acsURL: String, certificates: [SPCertificate] = [], authnRequestsSigned: Bool = false,
        nameIDFormats: [String] = [SPMetadata.emailAddressFormat], singleLogoutURL: String? = nil,
        validUntil: Date? = nil
    ) {
        self.entityID = entityID
        self.acsURL = acsURL
        self.certificates = certificates
        self.authnRequestsSigned = authnRequestsSigned
        self.nameIDFormats = nameIDFormats
        self.singleLogoutURL = singleLogoutURL
        self.validUntil = validUntil
    }

    /// The metadata document (UTF-8, with an XML declaration).
    /// - Throws: ``SAMLError`` `invalid_configuration` for an empty entity ID or ACS URL.
    public func xml() throws(SAMLError) -> String {
        guard !entityID.isEmpty, !acsURL.isEmpty else {
            throw SAMLError(.invalidConfiguration, "SP metadata needs an entity ID and an ACS URL")
        }
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\""
        text += " xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"\(XMLEscape.escape(entityID))\""
        if let validUntil { text += " validUntil=\"\(SAMLTime.format(validUntil))\"" }
        text += ">\n  <md:SPSSODescriptor AuthnRequestsSigned=\"\(authnRequestsSigned)\" WantAssertionsSigned=\"true\""
        text += " protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
        for certificate in certificates {
            text += "    <md:KeyDescriptor use=\"signing\">\n" + keyInfo(certificate) + "    </md:KeyDescriptor>\n"
        }
        for certificate in certificates {
            text += "    <md:KeyDescriptor use=\"encryption\">\n" + keyInfo(certificate)
            for method in Self.encryptionMethods {
                text += "      <md:EncryptionMethod Algorithm=\"\(method)\"/>\n"
            }
            text += "    </md:KeyDescriptor>\n"
        }
        if let singleLogoutURL {
            text += "    <md:SingleLogoutService Binding=\"\(SAMLBinding.httpRedirect.rawValue)\""
            text += " Location=\"\(XMLEscape.escape(singleLogoutURL))\"/>\n"
        }
        for format in nameIDFormats {
            text += "    <md:NameIDFormat>\(XMLEscape.escape(format))</md:NameIDFormat>\n"
        }
        text += "    <md:AssertionConsumerService Binding=\"\(SAMLBinding.httpPost.rawValue)\""
        text += " Location=\"\(XMLEscape.escape(acsURL))\" index=\"0\" isDefault=\"true\"/>\n"
        text += "  </md:SPSSODescriptor>\n</md:EntityDescriptor>\n"
        return text
    }

    private func keyInfo(_ certificate: SPCertificate) -> String {
        "      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate.base64DER)</ds:X509Certificate>"
            + "</ds:X509Data></ds:KeyInfo>\n"
    }
}
