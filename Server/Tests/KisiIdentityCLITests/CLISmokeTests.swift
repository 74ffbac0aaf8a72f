import Testing

@Suite struct CLISmokeTests {
    @Test func helpListsEveryCommandGroup() async throws {
        let result = try await CLIRunner.run(["--help"])
        #expect(result.exitCode == 0)
        for group in ["saml", "license", "directory"] {
            #expect(result.stdout.contains(group), "missing \(group) in --help")
        }
    }

    @Test func unknownOptionIsAUsageError() async throws {
        let result = try await CLIRunner.run(["--no-such-option"])
        #expect(result.exitCode == 64)
    }
}
