import ArgumentParser
import DirectoryImport
import Foundation
import Logging

/// `kisi-identity directory …`: JumpCloud Directory API import (issue 6's contract).
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Read JumpCloud user groups and plan a directory import.",
        subcommands: [DirectoryGroupsCommand.self, DirectoryPlanCommand.self]
    )
}

/// The options every directory subcommand shares.
struct DirectoryConnectionOptions: ParsableArguments {
    @Option(name: .customLong("api-key"), help: "The JumpCloud API key (sent as x-api-key, never logged).")
    var apiKey: String

    @Option(name: .customLong("org-id"), help: "The Organization ID (Multi-Tenant Portal administrators).")
    var orgID: String?

    @Option(
        name: .customLong("base-url"),
        help: "The console origin, e.g. https://console.eu.jumpcloud.com (plain http for loopback only).")
    var baseURL: String = JumpCloudEndpoint.us.description

    /// A client over URLSession, logging to stderr.
    func makeClient(logger: Logger) throws -> JumpCloudClient {
        let endpoint = try JumpCloudEndpoint(origin: baseURL)
        let credentials = try JumpCloudCredentials(apiKey: apiKey, orgID: orgID, endpoint: endpoint)
        return JumpCloudClient(credentials: credentials, transport: DirectoryURLSessionTransport(), logger: logger)
    }
}

/// Runs a directory operation, printing its JSON result or `{"error":…}` with exit 1.
func runDirectoryOperation<Result: Encodable>(_ operation: (Logger) async throws -> Result) async throws {
    var logger = Logger(label: "kisi-identity.directory") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = .info
    let result: Result
    do {
        result = try await operation(logger)
    } catch let error as DirectoryImportError {
        if let detail = error.detail { logger.error("directory import failed", metadata: ["detail": "\(detail)"]) }
        throw CLIOutput.fail(code: error.code.rawValue, message: error.message)
    }
    try CLIOutput.printJSON(result)
}

/// `kisi-identity directory groups --api-key K [--org-id O] [--base-url URL]` → `[{"id","name","description"}]`.
struct DirectoryGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "List the organization's JumpCloud user groups.")

    @OptionGroup var connection: DirectoryConnectionOptions

    func run() async throws {
        try await runDirectoryOperation { logger in
            try await connection.makeClient(logger: logger).listGroups()
        }
    }
}

/// `kisi-identity directory plan … --group ID [--group ID …] --existing FILE.json` → the import plan.
struct DirectoryPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan an import of the selected groups' users against the host's current users.",
        discussion: """
            --existing is {"users":[{"externalId":"<JumpCloud _id>"|null,"email","firstName","lastName","active"}]} \
            (a path, or - for stdin). Prints {"create","update","deactivate","unchanged","conflicts","brake","stats"}.
            """)

    @OptionGroup var connection: DirectoryConnectionOptions

    @Option(name: .customLong("group"), help: "A JumpCloud user group ID to import (repeatable).")
    var groups: [String] = []

    @Option(name: .customLong("existing"), help: "The host's current users as JSON (a path, or - for stdin).")
    var existing: String

    @Option(name: .customLong("max-deactivation-share"), help: "Brake: share of managed users (0...1).")
    var maxDeactivationShare: Double = BrakeConfiguration().maxDeactivationShare

    @Option(name: .customLong("max-deactivation-count"), help: "Brake: number of deactivations.")
    var maxDeactivationCount: Int = BrakeConfiguration().maxDeactivationCount

    func validate() throws {
        guard !groups.isEmpty else { throw ValidationError("at least one --group is required") }
        guard (0...1).contains(maxDeactivationShare) else {
            throw ValidationError("--max-deactivation-share must be between 0 and 1")
        }
        guard maxDeactivationCount >= 0 else { throw ValidationError("--max-deactivation-count must not be negative") }
    }

    func run() async throws {
        let input = try CLIOutput.readInput(existing)
        try await runDirectoryOperation { logger in
            let document = try ExistingUsersDocument.decode(input)
            let client = try connection.makeClient(logger: logger)
            let snapshot = try await client.snapshot(groupIDs: groups)
            let planner = ImportPlanner(
                brake: .init(maxDeactivationShare: maxDeactivationShare, maxDeactivationCount: maxDeactivationCount))
            let plan = try planner.plan(snapshot: snapshot, existing: document.users)
            if plan.brake.needsConfirmation {
                logger.warning(
                    "plan needs confirmation: too many deactivations",
                    metadata: [
                        "deactivations": "\(plan.brake.deactivations)", "managedActive": "\(plan.brake.managedActive)",
                    ])
            }
            return plan
        }
    }
}
