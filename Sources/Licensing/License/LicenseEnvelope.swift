#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The text form of a signed license, made to survive e-mail and copy-paste.
///
/// ```
/// -----BEGIN KISI IDENTITY LICENSE-----
/// Key-Id: k-3f2a9c0d1e4b5a6f
/// Payload:
/// eyJhY3RpdmF0aW9uIjoiYWN0aXZhdGVkIiwiZmVhdHVyZXMiOlsic2NpbSIsInNzbyJdLCJncmFjZV9kYXlzIjoxNCwi
/// …
/// Signature:
/// 2sXo…
/// -----END KISI IDENTITY LICENSE-----
/// ```
///
/// The payload and the signature are unpadded base64url, wrapped at 64 characters. On input, text
/// before the BEGIN line and after the END line is ignored, lines may be indented or end in CRLF, blank
/// lines are skipped, and base64 may be split or joined anywhere. The envelope names a key id, never an
/// algorithm: the verifier picks the key from the host's pinned set, and every pinned key is Ed25519.
public struct LicenseEnvelope: Sendable, Hashable {
    /// The first line of an envelope.
    public static let beginMarker = "-----BEGIN KISI IDENTITY LICENSE-----"
    /// The last line of an envelope.
    public static let endMarker = "-----END KISI IDENTITY LICENSE-----"

    /// The longest envelope text accepted (64 KiB); licenses are a few hundred bytes.
    public static let maximumTextLength = 65_536

    /// The id of the key that signed the payload.
    public var keyID: String
    /// The exact payload bytes that were signed (UTF-8 JSON).
    public var payload: Data
    /// The Ed25519 signature over ``payload``.
    public var signature: Data

    /// Creates an envelope from its parts.
    public init(keyID: String, payload: Data, signature: Data) {
        self.keyID = keyID
        self.payload = payload
        self.signature = signature
    }

    /// Parses envelope text.
    /// - Throws: ``LicensingError`` with code `license_malformed` when the text is not a complete envelope.
    public init(parsing text: String) throws(LicensingError) {
        func malformed(_ detail: String) -> LicensingError {
            LicensingError(.malformed, "The text is not a complete Kisi Identity license.", detail: detail)
        }
        guard text.utf8.count <= Self.maximumTextLength else { throw malformed("text longer than the limit") }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmedWhitespace }
        guard let begin = lines.firstIndex(of: Self.beginMarker) else { throw malformed("no BEGIN line") }
        guard let end = lines[begin...].firstIndex(of: Self.endMarker) else { throw malformed("no END line") }

        enum Section { case headers, payload, signature }
        var section = Section.headers
        var keyID: String?
        var payloadText = ""
        var signatureText = ""
        var sawPayload = false
        var sawSignature = false
        for line in lines[(begin + 1)..<end] where !line.isEmpty {
            if let value = Self.value(of: "Key-Id", in: line) {
                guard keyID == nil, section == .headers, !value.isEmpty else { throw malformed("misplaced Key-Id") }
                keyID = value
            } else if let value = Self.value(of: "Payload", in: line) {
                guard !sawPayload, section == .headers else { throw malformed("misplaced Payload") }
                sawPayload = true
                section = .payload
                payloadText += value
            } else if let value = Self.value(of: "Signature", in: line) {
                guard !sawSignature, section == .payload else { throw malformed("misplaced Signature") }
                sawSignature = true
                section = .signature
                signatureText += value
            } else {
                switch section {
                case .headers: throw malformed("unknown header line")
                case .payload: payloadText += line
                case .signature: signatureText += line
                }
            }
        }
        guard let keyID else { throw malformed("no Key-Id") }
        guard sawPayload, sawSignature else { throw malformed("no Payload or Signature") }
        guard let payload = Base64URL.decode(payloadText), !payload.isEmpty else {
            throw malformed("payload is not base64url")
        }
        guard let signature = Base64URL.decode(signatureText), !signature.isEmpty else {
            throw malformed("signature is not base64url")
        }
        self.init(keyID: keyID, payload: payload, signature: signature)
    }

    /// The canonical text: markers, `Key-Id`, then payload and signature wrapped at 64 characters.
    public var text: String {
        var lines = [Self.beginMarker, "Key-Id: \(keyID)", "Payload:"]
        lines += Self.wrap(Base64URL.encode(payload))
        lines.append("Signature:")
        lines += Self.wrap(Base64URL.encode(signature))
        lines.append(Self.endMarker)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func value(of header: String, in line: String) -> String? {
        let prefix = header + ":"
        guard line.count >= prefix.count, line.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            return nil
        }
        return line.dropFirst(prefix.count).trimmedWhitespace
    }

    private static func wrap(_ text: String, width: Int = 64) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            result.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    var trimmedWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// Unpadded base64url (RFC 4648 §5) over Foundation's base64.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacing("+", with: "-")
            .replacing("/", with: "_")
            .replacing("=", with: "")
    }

    /// Decodes base64url, ignoring whitespace and trailing padding; `nil` on any other character.
    static func decode(_ text: String) -> Data? {
        var chars = text.filter { !$0.isWhitespace }
        while chars.hasSuffix("=") { chars.removeLast() }
        guard chars.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var standard = chars.replacing("-", with: "+").replacing("_", with: "/")
        switch standard.count % 4 {
        case 0: break
        case 2: standard += "=="
        case 3: standard += "="
        default: return nil
        }
        return Data(base64Encoded: standard)
    }
}
