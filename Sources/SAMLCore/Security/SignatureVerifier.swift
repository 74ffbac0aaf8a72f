internal import CLibXML2
internal import CXMLSec

/// Verifies one enveloped XML signature with keys pinned from IdP metadata (KeyInfo in the message is never read).
///
/// A signature counts only for its parent element: SignedInfo must hold exactly one Reference whose URI is `#`
/// plus the parent's `ID`, that ID must resolve (through the IDs SAMLCore registered) to that very parent, and
/// every algorithm must be on the allow-list — checked here first for a precise error code, and enforced again
/// inside libxmlsec1 by its enabled-transform lists.
struct SignatureVerifier {
    let keys: XMLSecKeySet
    let algorithms: AlgorithmPolicy

    /// Returns normally only if `signature` (a direct child of `signedElement`) verifies and covers exactly
    /// `signedElement`.
    func verify(
        signature: XMLElementRef, of signedElement: XMLElementRef, in document: SecureXMLDocument
    ) throws(SAMLError) {
        guard signature.parent == signedElement else {
            throw SAMLError(.signatureInvalid, "a signature is not a direct child of the element it signs")
        }
        guard let id = signedElement.attribute("ID"), !id.isEmpty else {
            throw SAMLError(.signatureInvalid, "the signed \(signedElement.localName) has no ID")
        }
        try inspect(signature: signature, expectedURI: "#" + id)
        guard document.element(withID: id) == signedElement else {
            throw SAMLError(.signatureInvalid, "the signature's reference does not resolve to its parent element")
        }
        var lastFailure = "no trusted key"
        for index in 0..<keys.count {
            switch XMLSecLibrary.withQuietErrors({ verifyOnce(signature: signature, keyIndex: index, expectedURI: "#" + id) }) {
            case .verified: return
            case .failed(let reason): lastFailure = reason
            }
        }
        throw SAMLError(.signatureInvalid, "the signature does not verify with any trusted IdP certificate",
                        detail: lastFailure)
    }

    /// Structural and algorithm checks on the Signature element, before any cryptography.
    private func inspect(signature: XMLElementRef, expectedURI: String) throws(SAMLError) {
        let ds = XMLNamespace.ds
        let parts = signature.children
        guard parts.count >= 2, parts[0].is(ds, "SignedInfo"), parts[1].is(ds, "SignatureValue") else {
            throw SAMLError(.signatureInvalid, "the Signature lacks SignedInfo or SignatureValue")
        }
        for extra in parts.dropFirst(2) where !extra.is(ds, "KeyInfo") {
            throw SAMLError(.signatureInvalid, "unexpected <\(extra.localName)> inside Signature")
        }
        let signedInfo = parts[0]
        let infoParts = signedInfo.children
        guard infoParts.count >= 3, infoParts[0].is(ds, "CanonicalizationMethod"),
            infoParts[1].is(ds, "SignatureMethod")
        else {
            throw SAMLError(.signatureInvalid, "SignedInfo is not shaped as XML-DSig requires")
        }
        let c14n = infoParts[0].attribute("Algorithm") ?? ""
        guard AlgorithmPolicy.canonicalizationMethods.contains(c14n) else {
            throw SAMLError(.unsupportedAlgorithm, "canonicalisation method \(c14n) is not allowed")
        }
        let method = infoParts[1].attribute("Algorithm") ?? ""
        guard algorithms.signatureMethods.contains(method) else {
            throw SAMLError(.unsupportedAlgorithm, "signature method \(method) is not allowed")
        }
        let references = Array(infoParts.dropFirst(2))
        guard references.allSatisfy({ $0.is(ds, "Reference") }) else {
            throw SAMLError(.signatureInvalid, "SignedInfo holds something other than References")
        }
        guard references.count == 1, let reference = references.first else {
            throw SAMLError(.signatureInvalid, "a signature must hold exactly one Reference (found \(references.count))")
        }
        guard reference.attribute("URI") == expectedURI else {
            throw SAMLError(.signatureInvalid, "the Reference URI is not '#' + the signed element's ID")
        }
        for child in reference.children {
            if child.is(ds, "Transforms") {
                var sequence: [String] = []
                for transform in child.children {
                    let algorithm = transform.attribute("Algorithm") ?? ""
                    guard transform.is(ds, "Transform"), AlgorithmPolicy.referenceTransforms.contains(algorithm) else {
                        throw SAMLError(.unsupportedAlgorithm, "reference transform \(algorithm) is not allowed")
                    }
                    sequence.append(algorithm)
                }
                // SAML core §5.4.4: the enveloped-signature transform, then exclusive c14n — each at most once, in
                // that order. Other orders never verify, and c14n before enveloped-signature makes libxmlsec1
                // (1.2.37) leak its output buffer on the way to failing; refuse them before xmlsec runs.
                guard AlgorithmPolicy.referenceTransformSequences.contains(sequence) else {
                    throw SAMLError(
                        .signatureInvalid,
                        "the Reference's transforms must be enveloped-signature then exclusive c14n, each at most once")
                }
            } else if child.is(ds, "DigestMethod") {
                let digest = child.attribute("Algorithm") ?? ""
                guard algorithms.digestMethods.contains(digest) else {
                    throw SAMLError(.unsupportedAlgorithm, "digest method \(digest) is not allowed")
                }
            }
        }
    }

    private enum Outcome { case verified, failed(String) }

    private func verifyOnce(signature: XMLElementRef, keyIndex: Int, expectedURI: String) -> Outcome {
        guard let ctx = xmlSecDSigCtxCreate(nil) else { return .failed("xmlSecDSigCtxCreate failed") }
        defer { xmlSecDSigCtxDestroy(ctx) }
        guard let key = keys.duplicate(keyIndex) else { return .failed("key duplication failed") }
        ctx.pointee.signKey = key  // owned by ctx from here on
        ctx.pointee.flags = UInt32(XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS)
        ctx.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeSameDocument)
        var referenceTransforms = [kisi_transform_enveloped(), kisi_transform_excl_c14n(),
                                   kisi_transform_sha256(), kisi_transform_sha384(), kisi_transform_sha512()]
        var signatureTransforms = [kisi_transform_excl_c14n(),
                                   kisi_transform_rsa_sha256(), kisi_transform_rsa_sha384(), kisi_transform_rsa_sha512()]
        if algorithms.allowSHA1 {
            referenceTransforms.append(kisi_transform_sha1())
            signatureTransforms.append(kisi_transform_rsa_sha1())
        }
        for id in referenceTransforms where xmlSecDSigCtxEnableReferenceTransform(ctx, id) < 0 {
            return .failed("could not enable a reference transform")
        }
        for id in signatureTransforms where xmlSecDSigCtxEnableSignatureTransform(ctx, id) < 0 {
            return .failed("could not enable a signature transform")
        }
        guard xmlSecDSigCtxVerify(ctx, signature.node) >= 0 else {
            return .failed("libxmlsec1 could not process the signature")
        }
        guard ctx.pointee.status == xmlSecDSigStatusSucceeded else {
            return .failed("signature or digest mismatch")
        }
        // What libxmlsec1 actually processed: exactly one reference, to the expected URI.
        guard let references = ctx.pointer(to: \.signedInfoReferences) else { return .failed("no reference list") }
        guard xmlSecPtrListGetSize(references) == 1,
            let raw = xmlSecPtrListGetItem(references, 0)
        else {
            return .failed("libxmlsec1 processed an unexpected number of references")
        }
        let reference = raw.assumingMemoryBound(to: xmlSecDSigReferenceCtx.self)
        guard reference.pointee.status == xmlSecDSigStatusSucceeded, let uri = reference.pointee.uri,
            String(cString: uri) == expectedURI
        else {
            return .failed("the verified reference is not the expected one")
        }
        return .verified
    }
}
