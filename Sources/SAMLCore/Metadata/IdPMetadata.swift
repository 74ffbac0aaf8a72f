#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
import _CryptoExtras
internal import CXMLSec
import SwiftASN1
import X509

/// What SAMLCore needs from an identity provider's SAML metadata, parsed from the owner's upload.
///
/// Keep one value per tenant: every validation takes the tenant's own metadata, never one chosen by the
/// message's Issuer (JumpCloud lets admins type any Issuer, and many type "JumpCloud").
public struct IdPMetadata: Sendable, Hashable {
    /// The IdP's entity ID (the Issuer its messages must carry).
    public var entityID: String
    /// Certificates whose keys may sign responses and assertions: `KeyDescriptor use="signing"` or without
    /// `use`. Several mean key rollover; any of them verifies. A certificate only under `use="encryption"`
    /// is not here.
    public var signingCertificates: [IdPCertificate]
    /// `SingleSignOnService` endpoints, in document order.
    public var ssoServices: [SSOService]
    /// The `NameIDFormat`s the IdP declares.
    public var nameIDFormats: [String]
    /// The IdP's `WantAuthnRequestsSigned` (JumpCloud: `false`).
    public var wantAuthnRequestsSigned: Bool

    /// Creates metadata directly (for hosts that store the parts rather than the XML).
    public init(
        entityID: String, signingCertificates: [IdPCertificate], ssoServices: [SSOService] = [],
        nameIDFormats: [String] = [], wantAuthnRequestsSigned: Bool = false
    ) {
        self.entityID = entityID
        self.signingCertificates = signingCertificates
        self.ssoServices = ssoServices
        self.nameIDFormats = nameIDFormats
        self.wantAuthnRequestsSigned = wantAuthnRequestsSigned
    }

    /// The SSO endpoint for `binding`, if declared.
    public func ssoService(for binding: SAMLBinding) -> SSOService? {
        ssoServices.first { $0.binding == binding.rawValue }
    }

    /// Parses IdP metadata: an `EntityDescriptor`, or one selected by `entityID` from an `EntitiesDescriptor`.
    ///
    /// - Parameters:
    ///   - xml: the metadata document's bytes (parsed securely: no DOCTYPE, no network, size/depth caps).
    ///   - entityID: which entity to take from an `EntitiesDescriptor` (required when it holds more than one IdP).
    ///   - limits: size, depth and node caps for the metadata document (the defaults suit any real IdP metadata).
    ///   - minimumRSAKeyBits: the smallest RSA signing key accepted (default 2048; at least 1024). Older IdPs still
    ///     sign with 1024-bit keys: accept them only deliberately, and keep
    ///     ``SAMLValidatorConfiguration/minimumRSAKeyBits`` as low.
    /// - Throws: ``SAMLError`` with `metadata_invalid`, `metadata_entity_not_found`,
    ///   `metadata_no_signing_certificate`, `metadata_no_sso_service`, `weak_key` (a signing key below the minimum;
    ///   the message names its size) or `invalid_configuration` (a minimum below 1024).
    public static func parse(
        _ xml: some Collection<UInt8>, entityID: String? = nil, limits: XMLLimits = XMLLimits(),
        minimumRSAKeyBits: Int = 2048
    ) throws(SAMLError) -> IdPMetadata {
        try IdPCertificate.checkMinimum(minimumRSAKeyBits)
        let bytes = Array(xml)
        let document: SecureXMLDocument
        do {
            document = try SecureXMLDocument(parsing: bytes, limits: limits)
        } catch {
            throw SAMLError(.metadataInvalid, "the metadata is not acceptable XML: \(error.message)")
        }
        guard let root = document.root else { throw SAMLError(.metadataInvalid, "the metadata has no root element") }
        let md = XMLNamespace.md
        let candidates: [XMLElementRef]
        if root.is(md, "EntityDescriptor") {
            candidates = [root]
        } else if root.is(md, "EntitiesDescriptor") {
            candidates = root.descendants(md, "EntityDescriptor")
        } else {
            throw SAMLError(.metadataInvalid, "the root element is not md:EntityDescriptor or md:EntitiesDescriptor")
        }
        let withIdP = candidates.filter { $0.firstChild(md, "IDPSSODescriptor") != nil }
        let entity: XMLElementRef
        if let entityID {
            guard let match = candidates.first(where: { $0.attribute("entityID") == entityID }) else {
                throw SAMLError(.metadataEntityNotFound, "no EntityDescriptor has entityID '\(entityID)'")
            }
            entity = match
        } else if withIdP.count == 1 {
            entity = withIdP[0]
        } else if withIdP.isEmpty {
            throw SAMLError(.metadataInvalid, "the metadata describes no identity provider (IDPSSODescriptor)")
        } else {
            throw SAMLError(.metadataEntityNotFound,
                            "the metadata describes \(withIdP.count) identity providers; choose one by entityID")
        }
        guard let id = entity.attribute("entityID"), !id.isEmpty else {
            throw SAMLError(.metadataInvalid, "the EntityDescriptor has no entityID")
        }
        guard let idp = entity.firstChild(md, "IDPSSODescriptor") else {
            throw SAMLError(.metadataInvalid, "entity '\(id)' has no IDPSSODescriptor")
        }
        if let protocols = idp.attribute("protocolSupportEnumeration"),
            !protocols.split(separator: " ").contains("urn:oasis:names:tc:SAML:2.0:protocol")
        {
            throw SAMLError(.metadataInvalid, "the IDPSSODescriptor does not support SAML 2.0")
        }
        var certificates: [IdPCertificate] = []
        for descriptor in idp.children(md, "KeyDescriptor") {
            let use = descriptor.attribute("use")
            guard use == nil || use == "signing" else { continue }
            for element in descriptor.descendants(XMLNamespace.ds, "X509Certificate") {
                guard let der = Base64.decode(element.text), !der.isEmpty else {
                    throw SAMLError(.metadataInvalid, "an X509Certificate is not valid base64")
                }
                let certificate: IdPCertificate
                do { certificate = try IdPCertificate(derEncoded: der, minimumRSAKeyBits: minimumRSAKeyBits) } catch {
                    if error.code == .weakKey { throw error }
                    throw SAMLError(.metadataInvalid, "a signing certificate cannot be parsed", detail: error.detail)
                }
                if !certificates.contains(certificate) { certificates.append(certificate) }
            }
        }
        guard !certificates.isEmpty else {
            throw SAMLError(.metadataNoSigningCertificate, "entity '\(id)' declares no signing certificate")
        }
        let services = idp.children(md, "SingleSignOnService").compactMap { element -> SSOService? in
            guard let binding = element.attribute("Binding"), let location = element.attribute("Location"),
                !location.isEmpty
            else { return nil }
            return SSOService(binding: binding, location: location)
        }
        guard !services.isEmpty else {
            throw SAMLError(.metadataNoSSOService, "entity '\(id)' declares no SingleSignOnService")
        }
        let formats = idp.children(md, "NameIDFormat").map { $0.text.trimmedXMLWhitespace }
        let wants = idp.attribute("WantAuthnRequestsSigned").map { $0 == "true" || $0 == "1" } ?? false
        return IdPMetadata(
            entityID: id, signingCertificates: certificates, ssoServices: services,
            nameIDFormats: formats.filter { !$0.isEmpty }, wantAuthnRequestsSigned: wants)
    }
}

/// SAML 2.0 bindings SAMLCore knows by name.
public enum SAMLBinding: String, Sendable, Hashable, CaseIterable {
    /// `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST`
    case httpPost = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    /// `urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect`
    case httpRedirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
}

/// An IdP `SingleSignOnService` endpoint.
public struct SSOService: Sendable, Hashable, Codable {
    /// The binding URI (see ``SAMLBinding``).
    public var binding: String
    /// The endpoint URL.
    public var location: String

    /// Creates an endpoint.
    public init(binding: String, location: String) {
        self.binding = binding
        self.location = location
    }
}

/// An IdP signing certificate with the facts an operator checks.
public struct IdPCertificate: Sendable, Hashable {
    /// The DER encoding.
    public let derBytes: [UInt8]
    /// SHA-256 over the DER, as colon-separated upper-case hex (the form `openssl x509 -fingerprint -sha256` prints).
    public let sha256Fingerprint: String
    /// The subject distinguished name (RFC 4514 form).
    public let subject: String
    /// The end of the validity period. SAMLCore does not refuse an expired IdP certificate (JumpCloud's
    /// metadata is the trust anchor, not a PKI); hosts should warn the owner as this date approaches.
    public let notAfter: Date
    /// The size of the certificate's RSA key in bits (`nil` for another key type).
    public let rsaKeyBits: Int?
    /// The certificate's `SubjectPublicKeyInfo` in DER: the key signatures are verified with.
    let subjectPublicKeyInfoDER: [UInt8]

    /// The lowest minimum a host may configure: below 1024 bits an RSA signature is forgeable in practice.
    public static let lowestMinimumRSAKeyBits = 1024

    static func checkMinimum(_ bits: Int) throws(SAMLError) {
        guard bits >= lowestMinimumRSAKeyBits else {
            throw SAMLError(
                .invalidConfiguration, "the minimum RSA key size must be at least \(lowestMinimumRSAKeyBits) bits, not \(bits)")
        }
    }

    /// Refuses an RSA key smaller than `minimum`, naming its size.
    static func checkKeySize(_ bits: Int?, minimum: Int, subject: String) throws(SAMLError) {
        guard let bits, bits < minimum else { return }
        throw SAMLError(
            .weakKey,
            "the IdP signing certificate '\(subject)' has a \(bits)-bit RSA key; at least \(minimum) bits are required "
                + "(lower the minimum RSA key size only for an IdP that cannot issue a larger key)")
    }

    /// Parses a DER certificate.
    ///
    /// - Parameters:
    ///   - der: the certificate's DER encoding.
    ///   - minimumRSAKeyBits: the smallest RSA key accepted (default 2048, at least 1024); a smaller one throws
    ///     `weak_key` naming its size.
    public init(derEncoded der: [UInt8], minimumRSAKeyBits: Int = 2048) throws(SAMLError) {
        try Self.checkMinimum(minimumRSAKeyBits)
        derBytes = der
        sha256Fingerprint = CertificateFingerprint.sha256(der)
        let certificate: Certificate
        do { certificate = try Certificate(derEncoded: der) } catch {
            // swift-certificates (through swift-crypto) refuses RSA keys below 2048 bits; OpenSSL reads every size,
            // so the refusal can name the size, or the host's lower minimum can admit the key.
            guard let facts = Self.opensslFacts(der), let bits = facts.rsaKeyBits, bits < 2048 else {
                throw SAMLError(.invalidKey, "the certificate cannot be parsed", detail: "\(error)")
            }
            try Self.checkKeySize(bits, minimum: minimumRSAKeyBits, subject: facts.subject)
            (subject, notAfter, rsaKeyBits, subjectPublicKeyInfoDER) = (facts.subject, facts.notAfter, bits, facts.spki)
            return
        }
        subject = certificate.subject.description
        notAfter = certificate.notValidAfter
        rsaKeyBits = _RSA.Signing.PublicKey(certificate.publicKey)?.keySizeInBits
        try Self.checkKeySize(rsaKeyBits, minimum: minimumRSAKeyBits, subject: subject)
        var serializer = DER.Serializer()
        do { try serializer.serialize(certificate.publicKey) } catch {
            throw SAMLError(.invalidKey, "the certificate's public key cannot be encoded", detail: "\(error)")
        }
        subjectPublicKeyInfoDER = serializer.serializedBytes
    }

    /// What OpenSSL reads from `der` (`kisi_x509_facts`), or `nil` when it cannot parse it either.
    private static func opensslFacts(
        _ der: [UInt8]
    ) -> (subject: String, notAfter: Date, rsaKeyBits: Int?, spki: [UInt8])? {
        var bits: Int32 = 0
        var end: Int64 = 0
        var subject = [CChar](repeating: 0, count: 1024)
        var spki: UnsafeMutablePointer<UInt8>?
        var spkiLength: Int32 = 0
        let status = der.withUnsafeBufferPointer { buffer in
            XMLSecLibrary.withQuietErrors {
                kisi_x509_facts(buffer.baseAddress, buffer.count, &bits, &end, &subject, subject.count, &spki, &spkiLength)
            }
        }
        defer { kisi_openssl_free(spki) }
        guard status == 0, let spki else { return nil }
        return (
            String(decoding: subject.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
            Date(timeIntervalSince1970: TimeInterval(end)), bits > 0 ? Int(bits) : nil,
            Array(UnsafeBufferPointer(start: spki, count: Int(spkiLength))))
    }

    /// Parses a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    ///
    /// - Parameters:
    ///   - pem: the certificate in PEM form.
    ///   - minimumRSAKeyBits: as in ``init(derEncoded:minimumRSAKeyBits:)``.
    public init(pem: String, minimumRSAKeyBits: Int = 2048) throws(SAMLError) {
        let document: PEMDocument
        do { document = try PEMDocument(pemString: pem) } catch {
            throw SAMLError(.invalidKey, "the PEM certificate cannot be read")
        }
        try self.init(derEncoded: document.derBytes, minimumRSAKeyBits: minimumRSAKeyBits)
    }

    public static func == (lhs: IdPCertificate, rhs: IdPCertificate) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
