internal import CXMLSec

/// Keys loaded into libxmlsec1 once, duplicated for every use.
///
/// `@unchecked Sendable`: `keys` is a `let` array filled in `init` and never mutated; the only operation on the
/// stored keys after `init` is `xmlSecKeyDuplicate`, which reads the source key and takes new references to its
/// OpenSSL objects (`EVP_PKEY_up_ref`/`X509_up_ref`, atomic in OpenSSL 3). The keys are freed in `deinit`,
/// when no other reference to this object exists.
final class XMLSecKeySet: @unchecked Sendable {
    private let keys: [xmlSecKeyPtr]

    /// Loads public keys (DER `SubjectPublicKeyInfo`) as verification keys.
    ///
    /// Public keys rather than certificates: duplicating a key that carries X.509 data re-decodes the
    /// certificate through OpenSSL 3's decoder framework (~40 % of a validation); a bare key is duplicated by
    /// taking a reference.
    init(publicKeysDER: [[UInt8]]) throws(SAMLError) {
        try XMLSecLibrary.ensureInitialized()
        var loaded: [xmlSecKeyPtr] = []
        for der in publicKeysDER {
            let key = der.withUnsafeBufferPointer { buffer in
                XMLSecLibrary.withQuietErrors {
                    xmlSecOpenSSLAppKeyLoadMemory(buffer.baseAddress, kisi_xmlSecSize(buffer.count), xmlSecKeyDataFormatDer, nil, nil, nil)
                }
            }
            guard let key else {
                loaded.forEach { xmlSecKeyDestroy($0) }
                throw SAMLError(.invalidKey, "a certificate's public key could not be loaded as a verification key")
            }
            loaded.append(key)
        }
        keys = loaded
    }

    /// Loads PEM private keys (PKCS#8 or PKCS#1, unencrypted).
    init(privateKeysPEM: [[UInt8]]) throws(SAMLError) {
        try XMLSecLibrary.ensureInitialized()
        var loaded: [xmlSecKeyPtr] = []
        for pem in privateKeysPEM {
            let key = pem.withUnsafeBufferPointer { buffer in
                XMLSecLibrary.withQuietErrors {
                    xmlSecOpenSSLAppKeyLoadMemory(buffer.baseAddress, kisi_xmlSecSize(buffer.count), xmlSecKeyDataFormatPem, nil, nil, nil)
                }
            }
            guard let key, xmlSecKeyGetType(key) & UInt32(xmlSecKeyDataTypePrivate) != 0 else {
                if let key { xmlSecKeyDestroy(key) }
                loaded.forEach { xmlSecKeyDestroy($0) }
                throw SAMLError(.invalidKey, "an SP private key could not be read (expected an unencrypted PEM RSA key)")
            }
            loaded.append(key)
        }
        keys = loaded
    }

    deinit { keys.forEach { xmlSecKeyDestroy($0) } }

    var count: Int { keys.count }

    var isEmpty: Bool { keys.isEmpty }

    /// A fresh copy of key `index`; the caller owns it.
    func duplicate(_ index: Int) -> xmlSecKeyPtr? { xmlSecKeyDuplicate(keys[index]) }
}
