#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import _CryptoExtras
import SwiftASN1
import X509

/// The SAML HTTP-Redirect binding (SAML Bindings §3.4): raw DEFLATE, base64, URL encoding, and the optional
/// query-string signature of §3.4.4.1.
public enum RedirectBinding {
    /// Which query parameter carries the message.
    public enum Parameter: String, Sendable, Hashable {
        /// `SAMLRequest` (AuthnRequest, LogoutRequest).
        case request = "SAMLRequest"
        /// `SAMLResponse` (LogoutResponse).
        case response = "SAMLResponse"
    }

    /// The largest RelayState the binding allows (SAML Bindings §3.4.3: 80 bytes).
    public static let maxRelayStateBytes = 80

    /// The signature algorithm SAMLCore signs with.
    static let sigAlgRSASHA256 = AlgorithmPolicy.URI.rsaSHA256

    /// Builds the URL `endpoint?SAMLRequest=…[&RelayState=…][&SigAlg=…&Signature=…]` (with `&` instead of `?`
    /// when the endpoint already has a query).
    ///
    /// When `signer` is given the signature is RSA-SHA256 (PKCS#1 v1.5) over the exact octets
    /// `SAMLRequest=…&RelayState=…&SigAlg=…` as they appear in the query (§3.4.4.1).
    /// - Throws: ``SAMLError`` `invalid_configuration` for a RelayState over 80 bytes.
    static func url(
        endpoint: String, xml: [UInt8], parameter: Parameter, relayState: String?, signer: SPCredential?
    ) throws(SAMLError) -> String {
        if let relayState, relayState.utf8.count > maxRelayStateBytes {
            throw SAMLError(.invalidConfiguration, "RelayState must not exceed \(maxRelayStateBytes) bytes")
        }
        let deflated = try RawDeflate.compress(xml)
        var out = [UInt8]()
        out.reserveCapacity(endpoint.utf8.count + deflated.count * 2 + (signer == nil ? 100 : 600))
        out.append(contentsOf: endpoint.utf8)
        out.append(endpoint.utf8.contains(UInt8(ascii: "?")) ? UInt8(ascii: "&") : UInt8(ascii: "?"))
        let queryStart = out.count
        out.append(contentsOf: parameter.rawValue.utf8)
        out.append(UInt8(ascii: "="))
        FormURLEncoding.append(Data(deflated).base64EncodedData(), to: &out)
        if let relayState {
            out.append(contentsOf: "&RelayState=".utf8)
            FormURLEncoding.append(relayState.utf8, to: &out)
        }
        if let signer {
            out.append(contentsOf: "&SigAlg=".utf8)
            FormURLEncoding.append(sigAlgRSASHA256.utf8, to: &out)
            let signature: _RSA.Signing.RSASignature
            do {
                signature = try signer.signingKey.signature(
                    for: SHA256.hash(data: out[queryStart...]), padding: .insecurePKCS1v1_5)
            } catch {
                throw SAMLError(.invalidKey, "the Redirect signature could not be computed", detail: "\(error)")
            }
            out.append(contentsOf: "&Signature=".utf8)
            FormURLEncoding.append(signature.rawRepresentation.base64EncodedData(), to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes and, if signed, verifies a Redirect-binding message.
    ///
    /// - Parameters:
    ///   - query: the raw query string as received (still percent-encoded; with or without a leading `?`). The
    ///     signature is checked over these exact octets, never over re-encoded values.
    ///   - parameter: which message parameter to read.
    ///   - trustedCertificates: DER certificates whose RSA keys may have signed it (IdP signing certificates, or
    ///     our own SP certificates when checking what we sent).
    ///   - requireSignature: fail with `signature_missing` when the query carries no `Signature`.
    ///   - algorithms: SHA-1 is refused unless allowed here.
    ///   - maxBytes: the largest inflated message accepted.
    /// - Throws: ``SAMLError`` `malformed`, `signature_missing`, `signature_invalid` or `unsupported_algorithm`.
    public static func decode(
        query: String, parameter: Parameter, trustedCertificates: [[UInt8]], requireSignature: Bool,
        algorithms: AlgorithmPolicy = AlgorithmPolicy(), maxBytes: Int = 64 * 1024
    ) throws(SAMLError) -> RedirectMessage {
        let raw = query.hasPrefix("?") ? query.dropFirst() : Substring(query)
        var rawValues: [String: Substring] = [:]
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard ["SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature"].contains(name) else { continue }
            guard rawValues[name] == nil else {
                throw SAMLError(.malformed, "the query repeats the \(name) parameter")
            }
            rawValues[name] = parts.count == 2 ? parts[1] : ""
        }
        guard let rawMessage = rawValues[parameter.rawValue], rawValues[parameter == .request ? "SAMLResponse" : "SAMLRequest"] == nil
        else {
            throw SAMLError(.malformed, "the query carries no \(parameter.rawValue) (or both message parameters)")
        }
        guard rawMessage.utf8.count <= maxBytes * 2 else {
            throw SAMLError(.malformed, "the \(parameter.rawValue) parameter is too large")
        }
        let relayState: String?
        if let value = rawValues["RelayState"] {
            guard let decoded = FormURLEncoding.decode(value) else {
                throw SAMLError(.malformed, "RelayState is not valid URL encoding")
            }
            relayState = decoded
        } else {
            relayState = nil
        }

        var verified = false
        if let rawSignature = rawValues["Signature"] {
            guard let rawSigAlg = rawValues["SigAlg"], let sigAlg = FormURLEncoding.decode(rawSigAlg) else {
                throw SAMLError(.malformed, "a signed Redirect message must carry SigAlg")
            }
            var signed = parameter.rawValue + "=" + rawMessage
            if let rawRelay = rawValues["RelayState"] { signed += "&RelayState=" + rawRelay }
            signed += "&SigAlg=" + rawSigAlg
            guard let signatureText = FormURLEncoding.decode(rawSignature),
                let signatureBytes = Base64.decode(signatureText)
            else {
                throw SAMLError(.malformed, "the Signature parameter is not base64")
            }
            try verify(
                signature: signatureBytes, over: Array(signed.utf8), sigAlg: sigAlg,
                trustedCertificates: trustedCertificates, algorithms: algorithms)
            verified = true
        } else if requireSignature {
            throw SAMLError(.signatureMissing, "the Redirect message is not signed")
        }

        guard let messageText = FormURLEncoding.decode(rawMessage), let deflated = Base64.decode(messageText) else {
            throw SAMLError(.malformed, "the \(parameter.rawValue) parameter is not base64")
        }
        let xml = try RawDeflate.decompress(deflated, maxBytes: maxBytes)
        return RedirectMessage(xml: xml, relayState: relayState, isSignatureVerified: verified)
    }

    private static func verify(
        signature: [UInt8], over octets: [UInt8], sigAlg: String, trustedCertificates: [[UInt8]],
        algorithms: AlgorithmPolicy
    ) throws(SAMLError) {
        guard algorithms.signatureMethods.contains(sigAlg) else {
            throw SAMLError(.unsupportedAlgorithm, "signature algorithm \(sigAlg) is not allowed")
        }
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        for der in trustedCertificates {
            guard let certificate = try? Certificate(derEncoded: der),
                let key = _RSA.Signing.PublicKey(certificate.publicKey)
            else { continue }
            let valid: Bool
            switch sigAlg {
            case AlgorithmPolicy.URI.rsaSHA256:
                valid = key.isValidSignature(rsaSignature, for: SHA256.hash(data: octets), padding: .insecurePKCS1v1_5)
            case AlgorithmPolicy.URI.rsaSHA384:
                valid = key.isValidSignature(rsaSignature, for: SHA384.hash(data: octets), padding: .insecurePKCS1v1_5)
            case AlgorithmPolicy.URI.rsaSHA512:
                valid = key.isValidSignature(rsaSignature, for: SHA512.hash(data: octets), padding: .insecurePKCS1v1_5)
            case AlgorithmPolicy.URI.rsaSHA1:
                valid = key.isValidSignature(
                    rsaSignature, for: Insecure.SHA1.hash(data: octets), padding: .insecurePKCS1v1_5)
            default:
                throw SAMLError(.unsupportedAlgorithm, "signature algorithm \(sigAlg) is not allowed")
            }
            if valid { return }
        }
        throw SAMLError(.signatureInvalid, "the Redirect signature does not verify with any trusted certificate")
    }
}

/// A message decoded from the HTTP-Redirect binding.
public struct RedirectMessage: Sendable, Hashable {
    /// The inflated XML bytes (not yet parsed).
    public var xml: [UInt8]
    /// The RelayState, URL-decoded.
    public var relayState: String?
    /// Whether a query signature was present and verified (an invalid one throws instead).
    public var isSignatureVerified: Bool
}
