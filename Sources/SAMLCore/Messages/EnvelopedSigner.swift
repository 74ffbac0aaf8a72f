internal import CLibXML2
internal import CXMLSec

/// Signs a SAML protocol message we built with an enveloped XML signature (libxmlsec1): exclusive c14n,
/// RSA-SHA256, SHA-256 digest, one Reference to `#ID`, placed right after the `saml:Issuer` as the schema
/// requires, with the signer's certificate in `KeyInfo/X509Data`.
enum EnvelopedSigner {
    /// Returns the signed document's bytes (UTF-8, with an XML declaration).
    static func sign(xml: String, credential: SPCredential) throws(SAMLError) -> [UInt8] {
        try XMLSecLibrary.withQuietErrors { () throws(SAMLError) -> [UInt8] in
            try signQuietly(xml: xml, credential: credential)
        }
    }

    private static func signQuietly(xml: String, credential: SPCredential) throws(SAMLError) -> [UInt8] {
        let document = try SecureXMLDocument(parsing: Array(xml.utf8), limits: XMLLimits())
        guard let root = document.root, let id = root.attribute("ID") else {
            throw SAMLError(.malformed, "the message to sign has no root element with an ID")
        }
        try document.registerID(of: root, attribute: "ID")
        guard let issuer = root.firstChild(XMLNamespace.saml, "Issuer") else {
            throw SAMLError(.malformed, "the message to sign has no Issuer")
        }
        guard let signature = xmlSecTmplSignatureCreateNsPref(
            document.doc, kisi_transform_excl_c14n(), kisi_transform_rsa_sha256(), nil, "ds")
        else { throw SAMLError(.invalidConfiguration, "could not create a signature template") }
        guard xmlAddNextSibling(issuer.node, signature) != nil else {
            xmlFreeNode(signature)
            throw SAMLError(.invalidConfiguration, "could not place the signature template")
        }
        guard let reference = xmlSecTmplSignatureAddReference(signature, kisi_transform_sha256(), nil, "#" + id, nil),
            xmlSecTmplReferenceAddTransform(reference, kisi_transform_enveloped()) != nil,
            xmlSecTmplReferenceAddTransform(reference, kisi_transform_excl_c14n()) != nil,
            let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
            xmlSecTmplKeyInfoAddX509Data(keyInfo) != nil
        else { throw SAMLError(.invalidConfiguration, "could not build the signature template") }

        guard let ctx = xmlSecDSigCtxCreate(nil) else { throw SAMLError(.invalidConfiguration, "xmlSecDSigCtxCreate failed") }
        defer { xmlSecDSigCtxDestroy(ctx) }
        let certificateDER = credential.certificate.derBytes
        guard let key = credential.xmlSecKey.duplicate(0) else {
            throw SAMLError(.invalidKey, "the SP signing key could not be copied in libxmlsec1")
        }
        ctx.pointee.signKey = key  // owned by ctx from here on
        let added = certificateDER.withUnsafeBufferPointer {
            xmlSecOpenSSLAppKeyCertLoadMemory(key, $0.baseAddress, kisi_xmlSecSize($0.count), xmlSecKeyDataFormatCertDer)
        }
        guard added >= 0 else { throw SAMLError(.invalidKey, "the SP certificate could not be attached to the key") }
        guard xmlSecDSigCtxSign(ctx, signature) >= 0 else {
            throw SAMLError(.invalidKey, "libxmlsec1 could not sign the message")
        }
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(document.doc, &buffer, &size, "UTF-8")
        guard let buffer, size > 0 else { throw SAMLError(.invalidConfiguration, "could not serialise the message") }
        defer { kisi_xmlFree(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }
}
