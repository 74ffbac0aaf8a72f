#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

enum Base64 {
    /// Decodes base64 after removing XML/HTTP whitespace (line breaks are common); any other stray character fails.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var compact = String()
        compact.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars where !(scalar == " " || scalar == "\n" || scalar == "\r" || scalar == "\t") {
            compact.unicodeScalars.append(scalar)
        }
        guard let data = Data(base64Encoded: compact) else { return nil }
        return [UInt8](data)
    }
}

enum SAMLTime {
    /// Parses an `xs:dateTime` as SAML uses it (UTC, `Z` or an offset, optional fractional seconds).
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmedXMLWhitespace
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle())
    }

    /// Formats a date as `2026-01-01T00:00:00Z`.
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}

extension String {
    /// The string without leading and trailing XML whitespace (space, tab, CR, LF).
    var trimmedXMLWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
