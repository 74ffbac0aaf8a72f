#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Crypto
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
    /// - Throws: ``SAMLError`` with `metadata_invalid`, `metadata_entity_not_found`,
    ///   `metadata_no_signing_certificate` or `metadata_no_sso_service`.
    public static func parse(
        _ xml: some Collection<UInt8>, entityID: String? = nil, limits: XMLLimits = XMLLimits()
    ) throws(SAMLError) -> IdPMetadata {
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
                do { certificate = try IdPCertificate(derEncoded: der) } catch {
                    throw SAMLError(.metadataInvalid, "a signing certificate cannot be parsed")
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
    /// The certificate's `SubjectPublicKeyInfo` in DER: the key signatures are verified with.
    let subjectPublicKeyInfoDER: [UInt8]

    /// Parses a DER certificate.
    public init(derEncoded der: [UInt8]) throws(SAMLError) {
        let certificate: Certificate
        do { certificate = try Certificate(derEncoded: der) } catch {
            throw SAMLError(.invalidKey, "the certificate cannot be parsed", detail: "\(error)")
        }
        derBytes = der
        sha256Fingerprint = CertificateFingerprint.sha256(der)
        subject = certificate.subject.description
        notAfter = certificate.notValidAfter
        var serializer = DER.Serializer()
        do { try serializer.serialize(certificate.publicKey) } catch {
            throw SAMLError(.invalidKey, "the certificate's public key cannot be encoded", detail: "\(error)")
        }
        subjectPublicKeyInfoDER = serializer.serializedBytes
    }

    /// Parses a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    public init(pem: String) throws(SAMLError) {
        let document: PEMDocument
        do { document = try PEMDocument(pemString: pem) } catch {
            throw SAMLError(.invalidKey, "the PEM certificate cannot be read")
        }
        try self.init(derEncoded: document.derBytes)
    }

    public static func == (lhs: IdPCertificate, rhs: IdPCertificate) -> Bool { lhs.derBytes == rhs.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}
