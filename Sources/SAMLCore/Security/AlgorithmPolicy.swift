/// Which XML Signature and XML Encryption algorithms SAMLCore accepts.
///
/// The defaults allow only what a careful IdP sends today. SHA-1 (as a signature or digest) can be allowed
/// with ``allowSHA1`` for an IdP that cannot be reconfigured; RSA-1_5 key transport and 3DES are never allowed.
public struct AlgorithmPolicy: Sendable, Hashable {
    /// Accept `rsa-sha1` signatures and `sha1` digests. Default `false` (they fail with `unsupported_algorithm`).
    public var allowSHA1: Bool

    /// Creates a policy. Default: no SHA-1.
    public init(allowSHA1: Bool = false) {
        self.allowSHA1 = allowSHA1
    }

    enum URI {
        static let excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
        static let enveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
        static let rsaSHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
        static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        static let rsaSHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
        static let rsaSHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
        static let sha1 = "http://www.w3.org/2000/09/xmldsig#sha1"
        static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        static let sha384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
        static let sha512 = "http://www.w3.org/2001/04/xmlenc#sha512"
        static let aes128CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
        static let aes256CBC = "http://www.w3.org/2001/04/xmlenc#aes256-cbc"
        static let aes128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
        static let aes256GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
        static let rsaOAEPMGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
        static let encryptedKeyType = "http://www.w3.org/2001/04/xmlenc#EncryptedKey"
    }

    /// Signature methods accepted.
    var signatureMethods: Set<String> {
        var set: Set<String> = [URI.rsaSHA256, URI.rsaSHA384, URI.rsaSHA512]
        if allowSHA1 { set.insert(URI.rsaSHA1) }
        return set
    }

    /// Digest methods accepted.
    var digestMethods: Set<String> {
        var set: Set<String> = [URI.sha256, URI.sha384, URI.sha512]
        if allowSHA1 { set.insert(URI.sha1) }
        return set
    }

    /// Reference transforms accepted.
    static let referenceTransforms: Set<String> = [URI.enveloped, URI.excC14N]
    /// The orders in which a Reference may list them (SAML core §5.4.4).
    static let referenceTransformSequences: Set<[String]> = [
        [], [URI.enveloped], [URI.excC14N], [URI.enveloped, URI.excC14N],
    ]
    /// Canonicalisation methods accepted for SignedInfo.
    static let canonicalizationMethods: Set<String> = [URI.excC14N]
    /// Block ciphers accepted for `EncryptedData`.
    static let dataEncryptionMethods: Set<String> = [URI.aes128CBC, URI.aes256CBC, URI.aes128GCM, URI.aes256GCM]
    /// Key transport accepted for `EncryptedKey`.
    static let keyTransportMethods: Set<String> = [URI.rsaOAEPMGF1P]
}
