import Testing

@Suite struct CLISmokeTests {
    @Test func helpListsEveryCommandGroup() throws {
        let result = try CLIRunner.run(["--help"])
        #expect(result.exitCode == 0)
        for group in ["saml", "license", "directory"] {
            #expect(result.stdout.contains(group), "missing \(group) in --help")
        }
    }

    @Test func unknownOptionIsAUsageError() throws {
        let result = try CLIRunner.run(["--no-such-option"])
        #expect(result.exitCode == 64)
    }
}
