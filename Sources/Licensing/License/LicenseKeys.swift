public import Crypto
public import Logging

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A pinned Ed25519 public key that may sign licenses, with its key id.
///
/// Its JSON file form (what `kisi-identity license keygen` writes) is
/// `{"key_id":"k-…","public_key":"<base64url of the 32 raw bytes>","type":"kisi-license-public-key-ed25519"}`.
public struct LicensePublicKey: Sendable {
    /// The `type` value of a public key file.
    public static let fileType = "kisi-license-public-key-ed25519"

    /// The key id envelopes name.
    public let keyID: String
    /// The Ed25519 public key.
    public let key: Curve25519.Signing.PublicKey

    /// Pins `key` under `keyID`.
    public init(keyID: String, key: Curve25519.Signing.PublicKey) {
        self.keyID = keyID
        self.key = key
    }

    /// Reads the JSON file form.
    /// - Throws: `license_key_invalid` when the document is not a public key file.
    public init(jsonRepresentation data: Data) throws(LicensingError) {
        let file = try KeyFile.decode(data, type: Self.fileType)
        do {
            self.init(keyID: file.keyID, key: try Curve25519.Signing.PublicKey(rawRepresentation: file.rawKey))
        } catch {
            throw LicensingError(.keyInvalid, "The public key file does not hold an Ed25519 key.")
        }
    }

    /// The JSON file form.
    public var jsonRepresentation: Data {
        KeyFile.encode(keyID: keyID, rawKey: key.rawRepresentation, type: Self.fileType)
    }

    /// The raw 32-byte key as unpadded base64url, as in the file form.
    public var encodedKey: String { Base64URL.encode(key.rawRepresentation) }

    /// The default key id of a public key: `k-` and the first 8 bytes of SHA-256 over the raw key, in hex.
    public static func defaultKeyID(for key: Curve25519.Signing.PublicKey) -> String {
        "k-"
            + SHA256.hash(data: key.rawRepresentation).prefix(8).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
    }
}

/// An Ed25519 private key that signs licenses (development, tests and the vendor's issuing service).
///
/// Its JSON file form is
/// `{"key_id":"k-…","private_key":"<base64url of the 32 raw bytes>","type":"kisi-license-private-key-ed25519"}`.
public struct LicenseSigningKey: Sendable {
    /// The `type` value of a private key file.
    public static let fileType = "kisi-license-private-key-ed25519"

    /// The key id written into envelopes.
    public let keyID: String
    /// The Ed25519 private key.
    public let key: Curve25519.Signing.PrivateKey

    /// Wraps `key`; the key id defaults to ``LicensePublicKey/defaultKeyID(for:)``.
    public init(key: Curve25519.Signing.PrivateKey, keyID: String? = nil) {
        self.key = key
        self.keyID = keyID ?? LicensePublicKey.defaultKeyID(for: key.publicKey)
    }

    /// Generates a fresh key.
    public static func generate(keyID: String? = nil) -> LicenseSigningKey {
        LicenseSigningKey(key: Curve25519.Signing.PrivateKey(), keyID: keyID)
    }

    /// Reads the JSON file form.
    /// - Throws: `license_key_invalid` when the document is not a private key file.
    public init(jsonRepresentation data: Data) throws(LicensingError) {
        let file = try KeyFile.decode(data, type: Self.fileType)
        do {
            self.init(key: try Curve25519.Signing.PrivateKey(rawRepresentation: file.rawKey), keyID: file.keyID)
        } catch {
            throw LicensingError(.keyInvalid, "The private key file does not hold an Ed25519 key.")
        }
    }

    /// The JSON file form. It contains the secret key: store it with restrictive permissions.
    public var jsonRepresentation: Data {
        KeyFile.encode(keyID: keyID, rawKey: key.rawRepresentation, type: Self.fileType)
    }

    /// The matching public key under the same key id.
    public var publicKey: LicensePublicKey { LicensePublicKey(keyID: keyID, key: key.publicKey) }
}

/// The JSON shape shared by key files.
private struct KeyFile: Codable {
    var type: String
    var keyID: String
    var publicKey: String?
    var privateKey: String?

    var rawKey: Data { Base64URL.decode(publicKey ?? privateKey ?? "") ?? Data() }

    enum CodingKeys: String, CodingKey {
        case type
        case keyID = "key_id"
        case publicKey = "public_key"
        case privateKey = "private_key"
    }

    static func decode(_ data: Data, type: String) throws(LicensingError) -> KeyFile {
        guard let file = try? JSONDecoder().decode(KeyFile.self, from: data) else {
            throw LicensingError(.keyInvalid, "The key file is not a Kisi Identity license key.")
        }
        guard file.type == type, !file.keyID.isEmpty else {
            throw LicensingError(.keyInvalid, "The key file is not a \(type) file.", detail: "type \(file.type)")
        }
        let isPrivate = type == LicenseSigningKey.fileType
        guard (isPrivate ? file.privateKey : file.publicKey) != nil else {
            throw LicensingError(.keyInvalid, "The key file has no key.")
        }
        return file
    }

    static func encode(keyID: String, rawKey: Data, type: String) -> Data {
        let isPrivate = type == LicenseSigningKey.fileType
        let file = KeyFile(
            type: type,
            keyID: keyID,
            publicKey: isPrivate ? nil : Base64URL.encode(rawKey),
            privateKey: isPrivate ? Base64URL.encode(rawKey) : nil
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        // Encoding three strings cannot fail.
        return (try? encoder.encode(file)) ?? Data()
    }
}

/// Signs license payloads into envelopes.
public struct LicenseSigner: Sendable {
    /// The signing key.
    public let signingKey: LicenseSigningKey

    /// Creates a signer.
    public init(signingKey: LicenseSigningKey) { self.signingKey = signingKey }

    /// Encodes `license` as JSON, signs the exact bytes and returns the envelope.
    /// - Throws: `license_issue_failed` when the license is inconsistent (e.g. `notAfter` before `notBefore`).
    public func sign(_ license: License) throws(LicensingError) -> LicenseEnvelope {
        if let reason = license.inconsistency() {
            throw LicensingError(.issueFailed, "The license is inconsistent: \(reason).")
        }
        let payload: Data
        let signature: Data
        do {
            payload = try JSONEncoder.licensePayload.encode(license)
            signature = try signingKey.key.signature(for: payload)
        } catch {
            throw LicensingError(.issueFailed, "The license could not be signed.", detail: "\(error)")
        }
        return LicenseEnvelope(keyID: signingKey.keyID, payload: payload, signature: signature)
    }
}

/// Verifies license envelopes offline against keys the host pins.
///
/// The key is chosen by the envelope's key id from the pinned set; the algorithm is always Ed25519 and
/// nothing in the envelope can change that. The signature is checked over the exact payload bytes before
/// the payload is parsed.
public struct LicenseVerifier: Sendable {
    private let keys: [String: LicensePublicKey]

    /// Pins `trustedKeys`. When two keys share a key id, the first wins.
    public init(trustedKeys: [LicensePublicKey]) {
        var keys: [String: LicensePublicKey] = [:]
        for key in trustedKeys where keys[key.keyID] == nil { keys[key.keyID] = key }
        self.keys = keys
    }

    /// The pinned key ids, sorted.
    public var keyIDs: [String] { keys.keys.sorted() }

    /// Parses and verifies envelope text.
    /// - Throws: `license_malformed`, `license_unknown_key`, `license_signature_invalid` or
    ///   `license_payload_invalid`.
    public func verify(_ text: String, logger: Logger? = nil) throws(LicensingError) -> License {
        do {
            return try verify(try LicenseEnvelope(parsing: text))
        } catch {
            logger?.debug(
                "license refused",
                metadata: ["code": "\(error.code)", "detail": "\(error.detail ?? "")"]
            )
            throw error
        }
    }

    /// Verifies a parsed envelope.
    /// - Throws: `license_unknown_key`, `license_signature_invalid` or `license_payload_invalid`.
    public func verify(_ envelope: LicenseEnvelope) throws(LicensingError) -> License {
        guard let key = keys[envelope.keyID] else {
            throw LicensingError(
                .unknownKey,
                "The license is signed with a key this installation does not trust.",
                detail: "key id \(envelope.keyID)"
            )
        }
        guard key.key.isValidSignature(envelope.signature, for: envelope.payload) else {
            throw LicensingError(.signatureInvalid, "The license signature does not verify; the license was altered.")
        }
        let license: License
        do {
            license = try JSONDecoder.licensePayload.decode(License.self, from: envelope.payload)
        } catch {
            throw LicensingError(
                .payloadInvalid, "The signed license content is not a valid license.", detail: "\(error)")
        }
        if let reason = license.inconsistency() {
            throw LicensingError(.payloadInvalid, "The signed license content is inconsistent.", detail: reason)
        }
        return license
    }
}
