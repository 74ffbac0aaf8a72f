#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CZlib
import Synchronization

/// Fresh SAML message IDs.
public enum SAMLID {
    /// A new unguessable `xs:ID`: `_` followed by 40 hex digits (160 bits from the system's CSPRNG).
    ///
    /// The leading underscore keeps the value an NCName (an ID may not start with a digit).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// A new ID from `generator` (tests pass a seeded generator; production uses ``generate()``).
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 41) { buffer in
            buffer[0] = UInt8(ascii: "_")
            var index = 1
            for _ in 0..<3 {
                var word = generator.next()  // 64 random bits; 160 bits used in all
                for _ in 0..<(index < 33 ? 16 : 8) {
                    buffer[index] = digits[Int(word & 0xF)]
                    word >>= 4
                    index += 1
                }
            }
            return index
        }
    }
}

/// Escaping for the XML SAMLCore writes.
enum XMLEscape {
    /// Escapes text content and attribute values alike (`& < > "` and, for attributes, TAB/CR/LF so they survive
    /// attribute-value normalisation).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 < 0x20 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t": out += "&#x9;"
            case "\n": out += "&#xA;"
            case "\r": out += "&#xD;"
            default:
                // Other C0 controls are not allowed in XML 1.0 at all; drop them.
                if scalar.value < 0x20 { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Builds XML text as UTF-8 bytes (no intermediate `String`s): literal markup plus escaped values.
struct XMLBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Appends literal markup.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a value as escaped character data or attribute value (the rules of ``XMLEscape``).
    mutating func escaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "&"): raw("&amp;")
                case UInt8(ascii: "<"): raw("&lt;")
                case UInt8(ascii: ">"): raw("&gt;")
                case UInt8(ascii: "\""): raw("&quot;")
                case 0x09: raw("&#x9;")
                case 0x0A: raw("&#xA;")
                case 0x0D: raw("&#xD;")
                case 0..<0x20: continue  // not allowed in XML 1.0
                default: bytes.append(byte)
                }
            }
        }
    }

    /// The text as a `String`.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// URL query encoding as the SAML HTTP-Redirect binding uses it (`application/x-www-form-urlencoded`).
enum FormURLEncoding {
    /// Percent-encodes every octet except `A–Z a–z 0–9 - . _ ~`; a space becomes `+` (the octets Python's
    /// `urllib.parse.quote_plus` produces, so verifiers that re-encode the values agree with our signature).
    static func encode(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        append(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `out`.
    static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Decodes `%XX` and `+`; `nil` for a malformed escape or bytes that are not UTF-8.
    static func decode(_ text: Substring) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        func hexValue(_ byte: UInt8?) -> UInt8? {
            guard let byte else { return nil }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else { return nil }
                out.append(high << 4 | low)
            default: out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}

/// Raw DEFLATE (RFC 1951, no zlib header), as the HTTP-Redirect binding requires, on the system zlib.
enum RawDeflate {
    /// Compresses `input`.
    static func compress(_ input: [UInt8]) throws(SAMLError) -> [UInt8] {
        // Setting up a z_stream costs more than compressing a SAML request: streams are reset and reused.
        guard let deflater = pool.withLock({ $0.popLast() }) ?? DeflateStream() else {
            throw SAMLError(.invalidConfiguration, "zlib deflateInit2 failed")
        }
        defer {
            deflateReset(deflater.stream)
            pool.withLock { if $0.count < maxPooledStreams { $0.append(deflater) } }
        }
        let stream = deflater.stream
        let bound = Int(deflateBound(stream, uLong(input.count)))
        var input = input
        var status: Int32 = Z_STREAM_ERROR
        let output = [UInt8](unsafeUninitializedCapacity: bound) { outBuffer, initialized in
            status = input.withUnsafeMutableBufferPointer { inBuffer in
                stream.pointee.next_in = inBuffer.baseAddress
                stream.pointee.avail_in = uInt(inBuffer.count)
                stream.pointee.next_out = outBuffer.baseAddress
                stream.pointee.avail_out = uInt(outBuffer.count)
                return deflate(stream, Z_FINISH)
            }
            initialized = status == Z_STREAM_END ? Int(stream.pointee.total_out) : 0
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        guard status == Z_STREAM_END else { throw SAMLError(.invalidConfiguration, "zlib deflate failed") }
        return output
    }

    /// Idle deflate streams, reused across calls (at most ``maxPooledStreams``).
    private static let pool = Mutex<[DeflateStream]>([])
    private static let maxPooledStreams = 16

    /// Decompresses `input`, refusing output larger than `maxBytes` (a deflate bomb is cut off, not inflated).
    static func decompress(_ input: [UInt8], maxBytes: Int) throws(SAMLError) -> [UInt8] {
        var stream = z_stream()
        guard kisi_inflate_init_raw(&stream) == Z_OK else {
            throw SAMLError(.malformed, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var input = input
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var status: Int32 = Z_OK
        let count = input.count
        try input.withUnsafeMutableBufferPointer { (inBuffer) throws(SAMLError) in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(outBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw SAMLError(.malformed, "the message is not valid DEFLATE data")
                }
                guard output.count + produced <= maxBytes else {
                    throw SAMLError(.malformed, "the inflated message exceeds \(maxBytes) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    throw SAMLError(.malformed, "the DEFLATE data is truncated")
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}

/// One raw-DEFLATE zlib stream (a 4 KiB window; see `kisi_deflate_init_raw`), freed in `deinit`.
///
/// `@unchecked Sendable`: the stream is used by one caller at a time. It is either idle inside
/// `RawDeflate.pool` (guarded by that `Mutex`) or checked out by exactly one `RawDeflate.compress` call, which
/// resets it before handing it back; no pointer to it escapes that call.
final class DeflateStream: @unchecked Sendable {
    let stream: UnsafeMutablePointer<z_stream>

    init?() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Level 1: on ~600-byte requests it compresses within 2% of level 6 and is the fastest level.
        guard kisi_deflate_init_raw(stream, Z_BEST_SPEED) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            return nil
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
}

extension SAMLTime {
    /// Formats `date` as an `xs:dateTime` in UTC with whole seconds: `2026-01-01T00:00:00Z` (the fraction is
    /// truncated). Allocation-light, for the IssueInstant of every message SAMLCore writes.
    static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        var days = total / 86_400
        var secondsOfDay = total % 86_400
        if secondsOfDay < 0 {
            secondsOfDay += 86_400
            days -= 1
        }
        // Civil from days (proleptic Gregorian), after H. Hinnant's algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(secondsOfDay / 3600, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(secondsOfDay / 60 % 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(secondsOfDay % 60, 2, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }
}
