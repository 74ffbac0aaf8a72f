internal import CLibXML2
internal import CXMLSec

/// Decrypts a SAML `EncryptedAssertion` in place with the SP's private keys.
///
/// Accepted: AES-128/256 in CBC or GCM for the data, RSA-OAEP (MGF1, `xmlenc#rsa-oaep-mgf1p`) for the key,
/// the `EncryptedKey` either inside `EncryptedData/KeyInfo` or beside `EncryptedData` and referenced by a
/// `RetrievalMethod`. Refused before any cryptography with `unsupported_algorithm`: RSA-1_5, 3DES and anything
/// else off the allow-list. Every other failure is `decryption_failed`; the input is unauthenticated at this
/// point, so the error says no more than that (no padding oracle: one code, whatever went wrong).
struct AssertionDecryptor {
    let keys: XMLSecKeySet

    /// Replaces the `EncryptedData` inside `encryptedAssertion` with the decrypted `Assertion` and returns it.
    func decrypt(_ encryptedAssertion: XMLElementRef, in document: SecureXMLDocument) throws(SAMLError) -> XMLElementRef {
        let xenc = XMLNamespace.xenc
        guard !keys.isEmpty else {
            throw SAMLError(.decryptionFailed, "the response is encrypted but no SP decryption key is configured")
        }
        let dataElements = encryptedAssertion.children(xenc, "EncryptedData")
        guard dataElements.count == 1, let encryptedData = dataElements.first else {
            throw SAMLError(.decryptionFailed, "EncryptedAssertion must hold exactly one EncryptedData")
        }
        for child in encryptedAssertion.children where !child.is(xenc, "EncryptedData") && !child.is(xenc, "EncryptedKey") {
            throw SAMLError(.decryptionFailed, "unexpected <\(child.localName)> inside EncryptedAssertion")
        }
        try inspect(encryptedData: encryptedData, in: encryptedAssertion)
        // Make same-document references to EncryptedKey/EncryptedData resolvable (RetrievalMethod layout).
        for element in [encryptedData] + encryptedAssertion.children(xenc, "EncryptedKey") + encryptedData.descendants(xenc, "EncryptedKey") {
            do { try document.registerID(of: element, attribute: "Id") } catch {
                throw SAMLError(.decryptionFailed, "duplicate Id inside EncryptedAssertion")
            }
        }
        var lastFailure = "no key"
        for index in 0..<keys.count {
            if let failure = XMLSecLibrary.withQuietErrors({ decryptOnce(encryptedData, keyIndex: index) }) {
                lastFailure = failure
                continue
            }
            let decrypted = encryptedAssertion.children.filter { !$0.is(xenc, "EncryptedKey") }
            guard decrypted.count == 1, let assertion = decrypted.first, assertion.is(XMLNamespace.saml, "Assertion") else {
                throw SAMLError(.decryptionFailed, "the decrypted content is not exactly one saml:Assertion")
            }
            return assertion
        }
        throw SAMLError(.decryptionFailed, "the assertion could not be decrypted with any SP key", detail: lastFailure)
    }

    /// Algorithm and layout checks before any decryption.
    private func inspect(encryptedData: XMLElementRef, in encryptedAssertion: XMLElementRef) throws(SAMLError) {
        let xenc = XMLNamespace.xenc
        let ds = XMLNamespace.ds
        // Cipher text must be inline: a CipherReference would make libxmlsec1 fetch it from a URI.
        guard encryptedAssertion.descendants(xenc, "CipherReference").isEmpty else {
            throw SAMLError(.decryptionFailed, "only inline CipherValue is allowed, not CipherReference")
        }
        let dataMethod = encryptedData.firstChild(xenc, "EncryptionMethod")?.attribute("Algorithm") ?? ""
        guard AlgorithmPolicy.dataEncryptionMethods.contains(dataMethod) else {
            throw SAMLError(.unsupportedAlgorithm, "data encryption algorithm \(dataMethod) is not allowed")
        }
        var encryptedKeys = encryptedAssertion.children(xenc, "EncryptedKey")
        if let keyInfo = encryptedData.firstChild(ds, "KeyInfo") {
            for child in keyInfo.children {
                if child.is(xenc, "EncryptedKey") {
                    encryptedKeys.append(child)
                } else if child.is(ds, "RetrievalMethod") {
                    guard child.attribute("Type") == AlgorithmPolicy.URI.encryptedKeyType,
                        let uri = child.attribute("URI"), uri.hasPrefix("#"), !child.hasElementChildren
                    else {
                        throw SAMLError(.decryptionFailed, "only a same-document RetrievalMethod to an EncryptedKey is allowed")
                    }
                } else if !child.is(ds, "KeyName") {
                    throw SAMLError(.decryptionFailed, "unexpected <\(child.localName)> in EncryptedData's KeyInfo")
                }
            }
        }
        guard !encryptedKeys.isEmpty else {
            throw SAMLError(.decryptionFailed, "no EncryptedKey")
        }
        for encryptedKey in encryptedKeys {
            let keyMethod = encryptedKey.firstChild(xenc, "EncryptionMethod")?.attribute("Algorithm") ?? ""
            guard AlgorithmPolicy.keyTransportMethods.contains(keyMethod) else {
                throw SAMLError(.unsupportedAlgorithm, "key transport algorithm \(keyMethod) is not allowed")
            }
        }
    }

    /// One attempt with SP key `keyIndex`; `nil` on success, otherwise why it failed.
    private func decryptOnce(_ encryptedData: XMLElementRef, keyIndex: Int) -> String? {
        // A keys manager with a simple store holding only this SP key (no X509 store: ~3 ms instead of ~40 ms).
        guard let manager = xmlSecKeysMngrCreate() else { return "xmlSecKeysMngrCreate failed" }
        defer { xmlSecKeysMngrDestroy(manager) }
        guard let store = xmlSecKeyStoreCreate(kisi_keystore_simple()) else { return "no key store" }
        guard xmlSecKeysMngrAdoptKeysStore(manager, store) >= 0 else {
            xmlSecKeyStoreDestroy(store)
            return "could not adopt the key store"
        }
        manager.pointee.getKey = xmlSecKeysMngrGetKey
        guard let key = keys.duplicate(keyIndex) else { return "key duplication failed" }
        guard xmlSecSimpleKeysStoreAdoptKey(store, key) >= 0 else {
            xmlSecKeyDestroy(key)
            return "could not store the key"
        }
        guard let ctx = xmlSecEncCtxCreate(manager) else { return "xmlSecEncCtxCreate failed" }
        defer { xmlSecEncCtxDestroy(ctx) }

        // Data ciphers: AES-CBC/GCM only.
        guard let dataTransforms = ctx.pointer(to: \.transformCtx.enabledTransforms),
            let keyData = ctx.pointer(to: \.keyInfoReadCtx.enabledKeyData),
            let keyInfoCtx = ctx.pointer(to: \.keyInfoReadCtx)
        else { return "context layout" }
        for id in [kisi_transform_aes128_cbc(), kisi_transform_aes256_cbc(), kisi_transform_aes128_gcm(),
                   kisi_transform_aes256_gcm()] {
            guard xmlSecPtrListAdd(dataTransforms, UnsafeMutableRawPointer(mutating: id)) >= 0 else { return "allow-list" }
        }
        // Key data: EncryptedKey (directly or through a RetrievalMethod) only.
        for id in [kisi_keydata_enc_key(), kisi_keydata_retrieval_method()] {
            guard xmlSecPtrListAdd(keyData, UnsafeMutableRawPointer(mutating: id)) >= 0 else { return "allow-list" }
        }
        ctx.pointee.keyInfoReadCtx.retrievalMethodCtx.enabledUris =
            xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        guard let retrievalTransforms = ctx.pointer(to: \.keyInfoReadCtx.retrievalMethodCtx.enabledTransforms),
            xmlSecPtrListAdd(retrievalTransforms, UnsafeMutableRawPointer(mutating: kisi_transform_excl_c14n())) >= 0
        else { return "allow-list" }
        ctx.pointee.keyInfoReadCtx.maxRetrievalMethodLevel = 1
        ctx.pointee.keyInfoReadCtx.maxEncryptedKeyLevel = 1

        // The nested context that decrypts the EncryptedKey: RSA-OAEP only; the key comes from the manager
        // (the EncryptedKey's own KeyInfo may only name it).
        guard xmlSecKeyInfoCtxCreateEncCtx(keyInfoCtx) >= 0, let nested = ctx.pointee.keyInfoReadCtx.encCtx,
            let nestedTransforms = nested.pointer(to: \.transformCtx.enabledTransforms),
            let nestedKeyData = nested.pointer(to: \.keyInfoReadCtx.enabledKeyData),
            xmlSecPtrListAdd(nestedTransforms, UnsafeMutableRawPointer(mutating: kisi_transform_rsa_oaep())) >= 0,
            xmlSecPtrListAdd(nestedKeyData, UnsafeMutableRawPointer(mutating: kisi_keydata_name())) >= 0
        else { return "nested context" }

        // No CipherReference: the cipher text must be inline (CipherValue), in this context and in the nested one.
        ctx.pointee.transformCtx.enabledUris = xmlSecTransformUriType(xmlSecTransformUriTypeNone)
        nested.pointee.transformCtx.enabledUris = xmlSecTransformUriType(xmlSecTransformUriTypeNone)

        switch kisi_enc_decrypt_replacing(ctx, encryptedData.node) {
        case 0: return nil
        case -2: return "the decrypted data did not replace EncryptedData (its Type is neither Element nor Content)"
        case -3: return "the decrypted data is not well-formed XML content"
        default: return "libxmlsec1 could not decrypt"
        }
    }
}
