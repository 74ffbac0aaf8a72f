import DirectoryImport
import Logging
import Testing

// Keep in sync with Sources/DirectoryImport/Docs.docc/ImportingUsersFromJumpCloud.md.
func importFromJumpCloud(
    apiKey: String, orgID: String?, selectedGroupIDs: [String], existing: [ExistingUser],
    transport: some HTTPTransport, target: some ImportTarget, ownerConfirmed: Bool, logger: Logger
) async throws -> ImportRunReport {
    // 1. Validate the key (and the org ID on a Multi-Tenant Portal) before saving it.
    let credentials = try JumpCloudCredentials(apiKey: apiKey, orgID: orgID, endpoint: .us)
    let client = JumpCloudClient(credentials: credentials, transport: transport, logger: logger)
    try await client.validateCredentials()

    // 2. List the groups so the owner can pick some (the UI shows name and description).
    let groups = try await client.listGroups()
    logger.info("groups available", metadata: ["count": "\(groups.count)"])

    // 3. Read a complete snapshot of the selected groups and plan against the host's users.
    let snapshot = try await client.snapshot(groupIDs: selectedGroupIDs)
    let plan = try ImportPlanner().plan(snapshot: snapshot, existing: existing)

    // 4. Apply. A plan that trips the brake is refused unless the owner confirmed it.
    return try await ImportApplier().apply(plan, to: target, confirmed: ownerConfirmed, logger: logger)
}

@Suite struct DocumentationSnippetTests {
    @Test func theArticleSnippetImports() async throws {
        let directory = makeDirectory(userCount: 20, groups: [groupA: Array(0..<12)])
        let target = InMemoryImportTarget()
        let capture = LogCapture()
        let report = try await importFromJumpCloud(
            apiKey: testKey, orgID: nil, selectedGroupIDs: [groupA], existing: await target.users,
            transport: directory, target: target, ownerConfirmed: false, logger: capture.logger)
        #expect(report.created.count == 12)
        #expect(await target.users.count == 12)
        #expect(!capture.all.contains(testKey))
    }
}
