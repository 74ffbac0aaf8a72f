import Foundation
import Testing
@testable import SCIMCore

@Suite struct DateTests {
    @Test(arguments: [0, 1_700_000_000, 951_782_400, 951_868_799, 4_102_444_800, -86_401, 1_234_567_890.75, 253_402_300_799])
    func formatsLikeISO8601(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let expected = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
        #expect(SCIMDate.format(date) == expected)
    }

    @Test func parsesWithAndWithoutFractions() {
        #expect(SCIMDate.parse("2011-05-13T04:42:34Z") == Date(timeIntervalSince1970: 1_305_261_754))
        #expect(SCIMDate.parse("2011-05-13T04:42:34.500Z") == Date(timeIntervalSince1970: 1_305_261_754.5))
        #expect(SCIMDate.parse("yesterday") == nil)
    }
}
