#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
import _CryptoExtras
import SwiftASN1
import X509

/// RSA key sizes offered for SP keys.
///
/// The SP key decrypts every encrypted login, and RSA private-key operations grow roughly with the cube of the
/// size: 2048 bits is the default, 4096 bits decrypts about 15 times slower.
public enum SPKeySize: Int, Sendable, Hashable, CaseIterable, Codable {
    /// RSA-2048 (default).
    case bits2048 = 2048
    /// RSA-3072.
    case bits3072 = 3072
    /// RSA-4096.
    case bits4096 = 4096
}

/// An SP certificate (ours, not the IdP's) with the facts an owner checks before uploading it to the IdP.
public struct SPCertificate: Sendable, Hashable {
    /// The DER encoding.
    public let derBytes: [UInt8]
    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    public var pemRepresentation: String {
        PEMDocument(type: "CERTIFICATE", derBytes: derBytes).pemString + "\n"
    }
    /// SHA-256 over the DER as colon-separated upper-case hex (as `openssl x509 -fingerprint -sha256` prints it).
    public let sha256Fingerprint: String
    /// The subject distinguished name (RFC 4514 form).
    public let subject: String
    /// The serial number as lower-case hex.
    public let serialNumber: String
    /// Start of the validity period.
    public let notBefore: Date
    /// End of the validity period.
    public let notAfter: Date
    /// The RSA modulus size in bits (0 if the key is not RSA).
    public let keySizeInBits: Int

    let publicKey: Certificate.PublicKey

    /// Parses a DER certificate.
    /// - Throws: ``SAMLError`` `invalid_key` if it is not an X.509 certificate.
    public init(derEncoded der: [UInt8]) throws(SAMLError) {
        let certificate: Certificate
        do { certificate = try Certificate(derEncoded: der) } catch {
            throw SAMLError(.invalidKey, "the certificate cannot be parsed", detail: "\(error)")
        }
        derBytes = der
        sha256Fingerprint = CertificateFingerprint.sha256(der)
        subject = certificate.subject.description
        serialNumber = certificate.serialNumber.bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        publicKey = certificate.publicKey
        keySizeInBits = _RSA.Signing.PublicKey(certificate.publicKey)?.keySizeInBits ?? 0
    }

    /// Parses a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    /// - Throws: ``SAMLError`` `invalid_key`.
    public init(pem: String) throws(SAMLError) {
        let document: PEMDocument
        do { document = try PEMDocument(pemString: pem) } catch {
            throw SAMLError(.invalidKey, "the PEM certificate cannot be read")
        }
        guard document.discriminator == "CERTIFICATE" else {
            throw SAMLError(.invalidKey, "the PEM block is a \(document.discriminator), not a CERTIFICATE")
        }
        try self.init(derEncoded: document.derBytes)
    }

    /// The base64 DER body, as `ds:X509Certificate` carries it.
    var base64DER: String { Data(derBytes).base64EncodedString() }

    /// Two certificates are equal when their DER encodings are.
    public static func == (lhs: SPCertificate, rhs: SPCertificate) -> Bool { lhs.derBytes == rhs.derBytes }
    /// Hashes the DER encoding.
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}

/// An SP private key with its certificate: what the product's "Generate Certificate" button makes.
///
/// The key decrypts `EncryptedAssertion`s and signs AuthnRequests; the certificate is uploaded to the IdP and
/// published in SP metadata. Keys are RSA (2048, 3072 or 4096 bits).
public struct SPCredential: Sendable {
    /// The private key (PEM); ``SPPrivateKey`` is what ``SAMLValidatorConfiguration`` decrypts with.
    public let privateKey: SPPrivateKey
    /// The certificate whose public key matches ``privateKey``.
    public let certificate: SPCertificate
    /// The key as swift-crypto holds it, for Redirect-binding signatures.
    let signingKey: _RSA.Signing.PrivateKey
    /// The key loaded once into libxmlsec1, for enveloped XML signatures.
    let xmlSecKey: XMLSecKeySet

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). Secret: never log it.
    public var privateKeyPEM: String { signingKey.pkcs8PEMRepresentation + "\n" }

    /// Reads an existing key and certificate and checks that they belong together.
    ///
    /// - Parameters:
    ///   - privateKeyPEM: an unencrypted RSA private key, PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`),
    ///     at least 2048 bits.
    ///   - certificatePEM: the certificate (`CERTIFICATE`).
    /// - Throws: ``SAMLError`` `invalid_key` if either cannot be read or the certificate is for another key.
    public init(privateKeyPEM: String, certificatePEM: String) throws(SAMLError) {
        let key: _RSA.Signing.PrivateKey
        do { key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM) } catch {
            throw SAMLError(.invalidKey, "the private key cannot be read (expected an unencrypted RSA key of 2048+ bits)")
        }
        let certificate = try SPCertificate(pem: certificatePEM)
        try self.init(signingKey: key, certificate: certificate)
    }

    init(signingKey: _RSA.Signing.PrivateKey, certificate: SPCertificate) throws(SAMLError) {
        guard let certificateKey = _RSA.Signing.PublicKey(certificate.publicKey),
            certificateKey.derRepresentation == signingKey.publicKey.derRepresentation
        else {
            throw SAMLError(.invalidKey, "the certificate does not belong to the private key")
        }
        self.signingKey = signingKey
        self.certificate = certificate
        self.privateKey = try SPPrivateKey(pem: signingKey.pkcs8PEMRepresentation)
        self.xmlSecKey = try XMLSecKeySet(privateKeysPEM: [privateKey.pemBytes])
    }

    /// Generates a new RSA key and a self-signed X.509 v3 certificate for it.
    ///
    /// The certificate: SHA256withRSA, a random 20-byte serial, subject = issuer = `CN=commonName` (plus
    /// `O=organization` when given), valid from `now` minus five minutes (clock skew) for `validityDays`, basic
    /// constraints `CA:FALSE` (critical), key usage digitalSignature + keyEncipherment (critical), and a subject key
    /// identifier.
    ///
    /// - Parameters:
    ///   - commonName: the CN, typically the organization's name or domain. Must not be empty.
    ///   - organization: an optional O.
    ///   - keySize: 2048 (default), 3072 or 4096 bits.
    ///   - validityDays: lifetime in days; default 1826 (five years).
    ///   - now: the current time (libraries take time as a parameter).
    /// - Throws: ``SAMLError`` `invalid_configuration` for an empty name or a non-positive lifetime.
    public static func generate(
        commonName: String, organization: String? = nil, keySize: SPKeySize = .bits2048, validityDays: Int = 1826,
        now: Date
    ) throws(SAMLError) -> SPCredential {
        guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
            throw SAMLError(.invalidConfiguration, "the common name must be 1 to 64 characters")
        }
        if let organization, organization.isEmpty || organization.utf8.count > 64 {
            throw SAMLError(.invalidConfiguration, "the organization must be 1 to 64 characters")
        }
        guard validityDays > 0, validityDays <= 36_500 else {
            throw SAMLError(.invalidConfiguration, "the validity must be between 1 and 36,500 days")
        }
        let key: _RSA.Signing.PrivateKey
        do { key = try _RSA.Signing.PrivateKey(keySize: _RSA.Signing.KeySize(bitCount: keySize.rawValue)) } catch {
            throw SAMLError(.invalidKey, "RSA key generation failed", detail: "\(error)")
        }
        let der: [UInt8]
        do {
            let name = try DistinguishedName {
                CommonName(commonName)
                if let organization { OrganizationName(organization) }
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            let notBefore = now.addingTimeInterval(-300)
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: notBefore,
                notValidAfter: now.addingTimeInterval(TimeInterval(validityDays) * 86_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .sha256WithRSAEncryption,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                    SubjectKeyIdentifier(hash: publicKey)
                },
                issuerPrivateKey: Certificate.PrivateKey(key))
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            der = serializer.serializedBytes
        } catch {
            throw SAMLError(.invalidKey, "the certificate could not be created", detail: "\(error)")
        }
        return try SPCredential(signingKey: key, certificate: SPCertificate(derEncoded: der))
    }
}

/// Certificate fingerprints in the form operators compare with `openssl x509 -fingerprint -sha256`.
enum CertificateFingerprint {
    /// SHA-256 over `der`, colon-separated upper-case hex.
    static func sha256(_ der: [UInt8]) -> String {
        SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
