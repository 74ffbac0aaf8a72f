import DirectoryImport
import Foundation
import HTTPTypes
import Logging
import Testing

/// Hostile-upstream limits (issue 9): an endpoint that pages forever ends in `upstream_error` at the record
/// limit, quickly, with nothing imported.
@Suite struct DirectoryImportHardeningTests {
    /// Answers every user-list page with a full page of fresh users (and no total), forever.
    struct EndlessUsers: HTTPTransport {
        func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
            let query = (request.path ?? "").split(separator: "?").last.map(String.init) ?? ""
            var skip = 0
            var limit = 100
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=")
                if parts.count == 2, parts[0] == "skip" { skip = Int(parts[1]) ?? 0 }
                if parts.count == 2, parts[0] == "limit" { limit = Int(parts[1]) ?? 100 }
            }
            let users = (skip..<skip + limit).map { index in
                #"{"_id":"\#(hexID(index))","email":"u\#(index)@example.com","firstname":"F","lastname":"L","suspended":false}"#
            }
            let body = #"{"results":["# + users.joined(separator: ",") + "]}"
            return (HTTPResponse(status: .ok), Data(body.utf8))
        }
    }

    static func client(maxRecords: Int? = nil) throws -> JumpCloudClient {
        let credentials = try JumpCloudCredentials(apiKey: testKey)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let policy = RetryPolicy(maxAttempts: 1, sleep: { _ in })
        if let maxRecords {
            return JumpCloudClient(
                credentials: credentials, transport: EndlessUsers(), retryPolicy: policy, maxRecords: maxRecords,
                logger: logger)
        }
        return JumpCloudClient(credentials: credentials, transport: EndlessUsers(), retryPolicy: policy, logger: logger)
    }

    @Test func endlessPagingStopsAtTheRecordLimit() async throws {
        let client = try Self.client(maxRecords: 1000)
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: DirectoryImportError(.upstreamError, "")) { _ = try await client.allUsers() }
        #expect(clock.now - start < .seconds(1))
        do {
            _ = try await client.allUsers()
        } catch let error as DirectoryImportError {
            #expect(error.message.contains("more than 1000 records"), "\(error.message)")
        }
    }

    @Test func defaultRecordLimit() throws {
        #expect(try Self.client().maxRecords == 200_000)
        #expect(try Self.client(maxRecords: 0).maxRecords == 1)
    }

    @Test func listsWithinTheLimitAreComplete() async throws {
        // 250 users: two full pages and a short one; a limit of exactly 250 still accepts them.
        let directory = makeDirectory(userCount: 250)
        let credentials = try JumpCloudCredentials(apiKey: testKey)
        let client = JumpCloudClient(
            credentials: credentials, transport: directory, retryPolicy: RetryPolicy(maxAttempts: 1, sleep: { _ in }),
            maxRecords: 250, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        #expect(try await client.allUsers().count == 250)
    }
}
