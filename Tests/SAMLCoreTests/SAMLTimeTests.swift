import Foundation
import Testing

@testable import SAMLCore

@Suite struct SAMLTimeTests {
    @Test(arguments: [
        ("2026-01-01T00:00:00Z", 1_767_225_600.0),
        ("2026-01-01T00:00:00.250Z", 1_767_225_600.25),
        ("2026-01-01T01:00:00+01:00", 1_767_225_600.0),
        ("2025-12-31T19:00:00-05:00", 1_767_225_600.0),
        (" 2026-01-01T00:00:00Z\n", 1_767_225_600.0),
        ("2024-02-29T12:00:00Z", 1_709_208_000.0),
        ("1970-01-01T00:00:00Z", 0.0),
    ])
    func parsesXSDateTime(text: String, epoch: Double) {
        #expect(SAMLTime.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: [
        "2026-01-01T00:00:00",  // no zone
        "2026-01-01 00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk", "", "yesterday",
        "2026-1-01T00:00:00Z", "2026-01-01T00:00:00+1:00",
    ])
    func refusesAnythingElse(text: String) {
        #expect(SAMLTime.parse(text) == nil)
    }

    @Test func agreesWithFoundationOnAGrid() throws {
        var date = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        let end = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        while date < end {
            let text = date.formatted(.iso8601)
            #expect(SAMLTime.parse(text) == date, "\(text)")
            date.addTimeInterval(86_400 * 37 + 3_661)
        }
    }

    @Test func base64IgnoresOnlyWhitespace() {
        #expect(Base64.decode("aGVs\r\nbG8=\n") == Array("hello".utf8))
        #expect(Base64.decode("aGVs*bG8=") == nil)
    }
}
