#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum Base64 {
    /// Decodes base64 after removing XML/HTTP whitespace (line breaks are common); any other stray character fails.
    static func decode(_ text: String) -> [UInt8]? {
        // One pass to refuse anything but the alphabet, padding and whitespace; then Foundation decodes,
        // skipping the (known to be only) whitespace.
        var sawWhitespace = false
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2B, 0x2F, 0x3D: continue
            case 0x20, 0x0A, 0x0D, 0x09: sawWhitespace = true
            default: return nil
            }
        }
        let data = sawWhitespace
            ? Data(base64Encoded: text, options: .ignoreUnknownCharacters) : Data(base64Encoded: text)
        return data.map { [UInt8]($0) }
    }
}

/// `xs:dateTime` as SAML uses it: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`.
///
/// A strict, allocation-free reader: SAML timestamps are always UTC in practice, and Foundation's ISO 8601
/// parser costs several microseconds per call on every one of a response's five or more timestamps.
enum SAMLTime {
    static func parse(_ text: String) -> Date? {
        var utf8 = Array(text.utf8)
        while let last = utf8.last, last == 0x20 || last == 0x0A || last == 0x0D || last == 0x09 { utf8.removeLast() }
        var i = utf8.startIndex
        while i < utf8.endIndex, utf8[i] == 0x20 || utf8[i] == 0x0A || utf8[i] == 0x0D || utf8[i] == 0x09 { i += 1 }
        func number(_ count: Int) -> Int? {
            guard i + count <= utf8.endIndex else { return nil }
            var value = 0
            for _ in 0..<count {
                let c = utf8[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
                i += 1
            }
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < utf8.endIndex, utf8[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2)
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= monthDays[month - 1], hour <= 23, minute <= 59,
            second <= 59
        else {
            return nil
        }
        var fraction = 0.0
        if i < utf8.endIndex, utf8[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < utf8.endIndex, utf8[i] >= 0x30, utf8[i] <= 0x39 {
                fraction += Double(utf8[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if expect(0x5A) {
            // UTC
        } else if i < utf8.endIndex, utf8[i] == 0x2B || utf8[i] == 0x2D {
            let sign = utf8[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = number(2), expect(0x3A), let om = number(2), oh <= 14, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil  // a dateTime without a zone is ambiguous; SAML requires UTC
        }
        guard i == utf8.endIndex else { return nil }
        // Days from civil (proleptic Gregorian), after H. Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
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
