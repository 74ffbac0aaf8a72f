import DirectoryImport
import Foundation
import HTTPTypes
import Logging
import Testing

/// An error value to compare against (equality is by code).
func failure(_ code: DirectoryImportError.Code) -> DirectoryImportError { DirectoryImportError(code, "") }

@Suite struct JumpCloudClientTests {
    // MARK: Requests and paging

    @Test func everyRequestCarriesKeyAcceptAndOrgID() async throws {
        let org = "0123456789abcdef01234567"
        let transport = ScriptedTransport(makeDirectory(requiredOrgID: org, userCount: 3, groups: [groupA: [0, 1]]))
        let client = try makeClient(transport, orgID: org)
        _ = try await client.snapshot(groupIDs: [groupA])
        #expect(!transport.requests.isEmpty)
        for request in transport.requests {
            #expect(request.headerFields[HTTPField.Name("x-api-key")!] == testKey)
            #expect(request.headerFields[.accept] == "application/json")
            #expect(request.headerFields[HTTPField.Name("x-org-id")!] == org)
            #expect(request.scheme == "https")
            #expect(request.authority == "console.jumpcloud.com")
            #expect(request.method == .get)
        }
    }

    @Test func noOrgHeaderWithoutOrgID() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1, groups: [groupA: [0]]))
        _ = try await makeClient(transport).listGroups()
        #expect(transport.requests.allSatisfy { $0.headerFields[HTTPField.Name("x-org-id")!] == nil })
    }

    @Test func pagesUntilAShortPageWithLimit100AndSortedUsers() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 250, groups: [groupA: Array(0..<250)]))
        let snapshot = try await makeClient(transport).snapshot(groupIDs: [groupA])
        #expect(snapshot.members.count == 250)
        let userPages = transport.targets.filter { $0.hasPrefix("/api/systemusers") }
        #expect(
            userPages == [
                "/api/systemusers?sort=_id&limit=100&skip=0", "/api/systemusers?sort=_id&limit=100&skip=100",
                "/api/systemusers?sort=_id&limit=100&skip=200",
            ])
        let memberPages = transport.targets.filter { $0.contains("/members") }
        #expect(memberPages.count == 3)
        #expect(transport.targets.allSatisfy { !$0.contains("limit=") || $0.contains("limit=100") })
    }

    @Test func exactMultipleOfThePageSizeReadsOneEmptyPage() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 200, groups: [groupA: [1]]))
        let users = try await makeClient(transport).allUsers()
        #expect(users.count == 200)
        #expect(transport.targets.count == 3)
    }

    @Test func listsGroupsSortedByName() async throws {
        let directory = InMemoryJumpCloud(
            apiKey: testKey,
            groups: [
                .init(id: groupB, name: "Zeta"), .init(id: groupA, name: "Alpha", description: "first"),
            ], members: [:], users: [])
        let groups = try await makeClient(directory).listGroups()
        #expect(groups == [.init(id: groupA, name: "Alpha", description: "first"), .init(id: groupB, name: "Zeta")])
    }

    @Test func fiveThousandUsersTakeFewRequests() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 5_000, groups: [groupA: Array(0..<5_000)]))
        let snapshot = try await makeClient(transport).snapshot(groupIDs: [groupA])
        #expect(snapshot.members.count == 5_000)
        #expect(transport.requests.count <= 400)
        #expect(transport.requests.count == 1 + 51 + 51)
    }

    @Test(arguments: [MembershipScope.direct, .transitive])
    func readsBothMemberShapes(scope: MembershipScope) async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 5, groups: [groupA: [1, 3]]))
        let ids = try await makeClient(transport, scope: scope).memberIDs(ofGroup: groupA)
        #expect(ids == [hexID(1), hexID(3)])
        #expect(
            transport.targets[0].hasPrefix(
                "/api/v2/usergroups/\(groupA)/\(scope == .direct ? "members" : "membership")?"))
    }

    @Test func skipsNonUserMembers() async throws {
        let body = #"[{"to":{"id":"\#(hexID(1))","type":"user"}},{"to":{"id":"abc","type":"user_group"}}]"#
        let transport = ScriptedTransport(makeDirectory(userCount: 2, groups: [groupA: [1]])) { target, _ in
            target.contains("/members") ? .respond(status: 200, body: body) : nil
        }
        #expect(try await makeClient(transport).memberIDs(ofGroup: groupA) == [hexID(1)])
    }

    // MARK: Snapshot

    @Test func twoOverlappingGroupsCountEachUserOnce() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 10, groups: [groupA: [1, 2, 3], groupB: [3, 4]]))
        let snapshot = try await makeClient(transport).snapshot(groupIDs: [groupA, groupB, groupA])
        #expect(snapshot.members.map(\.id) == [1, 2, 3, 4].map { hexID($0) })
        #expect(snapshot.groupIDsByUser[hexID(3)] == [groupA, groupB])
        #expect(snapshot.groups.map(\.id) == [groupA, groupB])
        #expect(snapshot.directoryUserIDs.count == 10)
        #expect(transport.targets.filter { $0 == "/api/v2/usergroups/\(groupA)" }.count == 1)
    }

    @Test func unknownGroupIsGroupNotFoundNeverEmpty() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 3, groups: [groupA: [1]]))
        await #expect(throws: failure(.groupNotFound)) {
            try await makeClient(transport).snapshot(groupIDs: [groupA, groupB])
        }
        #expect(!transport.targets.contains { $0.hasPrefix("/api/systemusers") })
    }

    @Test(arguments: ["", "../systemusers", "abc?x=1", "a/b"])
    func malformedGroupIDsAreRefusedBeforeSending(id: String) async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1))
        await #expect(throws: failure(.groupNotFound)) { try await makeClient(transport).group(id: id) }
        #expect(transport.requests.isEmpty)
    }

    @Test func emptySelectionIsRefused() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1))
        await #expect(throws: failure(.groupNotFound)) { try await makeClient(transport).snapshot(groupIDs: []) }
    }

    @Test func aFailedUserPageFailsTheWholeSnapshot() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 300, groups: [groupA: Array(0..<300)])) {
            target, _ in
            target.hasSuffix("skip=200") && target.hasPrefix("/api/systemusers") ? .respond(status: 503, body: "") : nil
        }
        await #expect(throws: failure(.upstreamError)) {
            try await makeClient(transport, sleeper: recorder).snapshot(groupIDs: [groupA])
        }
    }

    // MARK: Retries

    @Test func rateLimitWaitsAtLeastRetryAfter() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 2, groups: [groupA: [0]])) { target, previous in
            target.hasPrefix("/api/v2/usergroups?") && previous == 0
                ? .respond(status: 429, headers: ["Retry-After": "7"], body: "") : nil
        }
        let groups = try await makeClient(transport, sleeper: recorder).listGroups()
        #expect(groups.count == 1)
        #expect(recorder.recorded == [.seconds(7)])
    }

    @Test func rateLimitWithoutRetryAfterBacksOffExponentially() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 2, groups: [groupA: [0]])) { target, previous in
            target.hasPrefix("/api/v2/usergroups?") && previous < 3 ? .respond(status: 429, body: "") : nil
        }
        _ = try await makeClient(transport, sleeper: recorder).listGroups()
        // jitter 0 → half of 0.5 s, 1 s, 2 s.
        #expect(recorder.recorded == [.milliseconds(250), .milliseconds(500), .seconds(1)])
    }

    @Test func jitterSpreadsTheBackoff() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(4), jitter: { 0.5 })
        #expect(policy.backoff(retry: 1) == .milliseconds(750))
        #expect(policy.backoff(retry: 3) == .seconds(3))
        #expect(policy.backoff(retry: 10) == .seconds(3))
    }

    @Test func retryAfterBeyondTheLimitFailsAtOnce() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: 429, headers: ["Retry-After": "3600"], body: "")
        }
        await #expect(throws: failure(.upstreamError)) {
            try await makeClient(transport, sleeper: recorder).listGroups()
        }
        #expect(recorder.recorded.isEmpty)
        #expect(transport.requests.count == 1)
    }

    @Test func serverErrorThenSuccess() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 2, groups: [groupA: [0]])) { target, previous in
            target.hasPrefix("/api/v2/usergroups?") && previous < 2 ? .respond(status: 502, body: "Bad Gateway") : nil
        }
        #expect(try await makeClient(transport, sleeper: recorder).listGroups().count == 1)
        #expect(recorder.recorded.count == 2)
    }

    @Test func serverErrorForeverIsBoundedUpstreamError() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in .respond(status: 500, body: "") }
        await #expect(throws: failure(.upstreamError)) {
            try await makeClient(transport, sleeper: recorder, maxAttempts: 4).listGroups()
        }
        #expect(transport.requests.count == 4)
        #expect(recorder.recorded.count == 3)
    }

    @Test func truncatedJSONIsRetriedThenFails() async throws {
        let recorder = SleepRecorder()
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: 200, headers: ["x-total-count": "1"], body: #"[{"id":"5f0a","na"#)
        }
        await #expect(throws: failure(.upstreamError)) {
            try await makeClient(transport, sleeper: recorder).listGroups()
        }
        #expect(transport.requests.count == 5)
    }

    @Test func truncatedJSONOnceRecovers() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 150)) { target, previous in
            target.hasSuffix("skip=100") && previous == 0
                ? .respond(status: 200, body: #"{"totalCount":150,"res"#) : nil
        }
        #expect(try await makeClient(transport).allUsers().count == 150)
    }

    @Test func droppedConnectionIsRetried() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 3)) { _, previous in previous == 0 ? .drop : nil }
        #expect(try await makeClient(transport).allUsers().count == 3)
    }

    @Test func droppedForeverKeepsTheMessageShortAndTheDetailFull() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in .drop }
        let error = try await #require(throws: DirectoryImportError.self) { try await makeClient(transport).allUsers() }
        #expect(error.code == .upstreamError)
        #expect(error.message == "JumpCloud kept failing (connection failed); nothing was imported.")
        #expect(error.detail?.contains("Dropped") == true)
        #expect(transport.requests.count == 5)
    }

    @Test func totalCountMismatchFails() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 3)) { target, _ in
            let users = (0..<3).map { #"{"_id":"\#(hexID($0))","email":"u\#($0)@example.com"}"# }
            return target.hasPrefix("/api/systemusers")
                ? .respond(status: 200, body: #"{"totalCount":4,"results":[\#(users.joined(separator: ","))]}"#) : nil
        }
        await #expect(throws: failure(.upstreamError)) { try await makeClient(transport).allUsers() }
    }

    @Test func headerTotalMismatchFails() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1, groups: [groupA: [0]])) { target, _ in
            target.hasPrefix("/api/v2/usergroups?")
                ? .respond(status: 200, headers: ["x-total-count": "2"], body: #"[{"id":"\#(groupA)","name":"A"}]"#)
                : nil
        }
        await #expect(throws: failure(.upstreamError)) { try await makeClient(transport).listGroups() }
    }

    @Test func aServerIgnoringSkipIsCaughtAsDuplicates() async throws {
        let page = (0..<100).map { #"{"_id":"\#(hexID($0))","email":"u@example.com"}"# }.joined(separator: ",")
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: 200, body: #"{"totalCount":1000,"results":[\#(page)]}"#)
        }
        await #expect(throws: failure(.upstreamError)) { try await makeClient(transport).allUsers() }
        #expect(transport.requests.count == 2)
    }

    // MARK: Errors

    @Test func wrongKeyIsInvalidAPIKeyRetriedOnce() async throws {
        let transport = ScriptedTransport(makeDirectory(apiKey: "another-key", userCount: 1))
        await #expect(throws: failure(.invalidAPIKey)) { try await makeClient(transport).validateCredentials() }
        #expect(transport.requests.count == 2)
    }

    @Test func missingOrgIsOrgIDRequired() async throws {
        let transport = ScriptedTransport(makeDirectory(requiredOrgID: "0123456789abcdef01234567", userCount: 1))
        await #expect(throws: failure(.orgIDRequired)) { try await makeClient(transport).validateCredentials() }
    }

    @Test func unknownOrgIsOrgNotFound() async throws {
        let transport = ScriptedTransport(makeDirectory(requiredOrgID: "0123456789abcdef01234567", userCount: 1))
        await #expect(throws: failure(.orgNotFound)) {
            try await makeClient(transport, orgID: "ffffffffffffffffffffffff").validateCredentials()
        }
    }

    @Test func badRequestWithOrgIsInvalidOrgID() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: 400, body: #"{"message":"invalid org id"}"#)
        }
        await #expect(throws: failure(.invalidOrgID)) {
            try await makeClient(transport, orgID: "ffffffffffffffffffffffff").validateCredentials()
        }
    }

    @Test(arguments: [
        (403, nil as String?, "upstream_error"), (404, nil, "upstream_error"),
        (404, "ffffffffffffffffffffffff", "org_not_found"),
        (409, nil, "upstream_error"), (400, nil, "upstream_error"),
    ])
    func otherClientErrorsOnLists(status: Int, orgID: String?, expected: String) async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: status, body: #"{"message":"nope"}"#)
        }
        #expect(await code { try await makeClient(transport, orgID: orgID).allUsers() } == expected)
        #expect(transport.requests.count == (status == 409 ? 1 : 2))
    }

    @Test func clientErrorRecoveredOnTheSingleRetry() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 2)) { _, previous in
            previous == 0 ? .respond(status: 401, body: #"{"message":"Unauthorized: api key user not found"}"#) : nil
        }
        #expect(try await makeClient(transport).allUsers().count == 2)
    }

    @Test(arguments: ["", "0123456789abcdef0123456", "0123456789abcdef012345678", "0123456789abcdef0123456g"])
    func malformedOrgIDIsRefusedBeforeSending(org: String) {
        #expect(throws: failure(.invalidOrgID)) { try JumpCloudCredentials(apiKey: testKey, orgID: org) }
    }

    @Test(arguments: ["", "  ", "key\nx-evil: 1", "k\u{00e9}y"])
    func malformedKeyIsInvalidAPIKey(key: String) {
        #expect(throws: failure(.invalidAPIKey)) { try JumpCloudCredentials(apiKey: key) }
    }

    @Test func redirectIsNeverFollowed() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in
            .respond(status: 302, headers: ["Location": "https://evil.example/steal"], body: "")
        }
        await #expect(throws: failure(.upstreamError)) { try await makeClient(transport).listGroups() }
        #expect(transport.requests.count == 1)
    }

    @Test func cancellationBySleeperIsCancelled() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1)) { _, _ in .respond(status: 503, body: "") }
        let client = JumpCloudClient(
            credentials: try JumpCloudCredentials(apiKey: testKey), transport: transport,
            retryPolicy: RetryPolicy(sleep: { _ in throw CancellationError() }),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await #expect(throws: failure(.cancelled)) { try await client.listGroups() }
    }

    // MARK: Secrets

    @Test func theKeyIsNeverLoggedNorInErrors() async throws {
        let capture = LogCapture()
        // The upstream echoes the key back in its error message: it must still not reach logs or errors.
        let transport = ScriptedTransport(makeDirectory(userCount: 120, groups: [groupA: [1, 2]])) { target, previous in
            if target.hasPrefix("/api/systemusers") && previous == 0 { return .drop }
            if target.hasPrefix("/api/v2/usergroups/\(groupB)") {
                return .respond(status: 404, body: #"{"message":"no group for key \#(testKey)"}"#)
            }
            return target.hasPrefix("/api/v2/usergroups?") ? .respond(status: 503, body: testKey) : nil
        }
        let client = try makeClient(transport, logger: capture.logger)
        _ = try await client.snapshot(groupIDs: [groupA])
        var errors: [DirectoryImportError] = []
        for operation in [{ try await client.listGroups() as Any }, { try await client.group(id: groupB) as Any }] {
            do { _ = try await operation() } catch let error as DirectoryImportError { errors.append(error) }
        }
        #expect(errors.count == 2)
        #expect(capture.count > 5)
        #expect(!capture.all.contains(testKey))
        for error in errors {
            #expect(!"\(error)".contains(testKey))
            #expect(!error.message.contains(testKey))
        }
        let credentials = try JumpCloudCredentials(apiKey: testKey)
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!"\(credentials)".contains(testKey))
        #expect(!String(reflecting: credentials).contains(testKey))
        #expect(!dumped.contains(testKey))
    }

    // MARK: Endpoint

    @Test(arguments: [
        ("https://console.jumpcloud.com", "https://console.jumpcloud.com"),
        ("https://console.eu.jumpcloud.com/", "https://console.eu.jumpcloud.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9", "http://localhost:9"),
        ("http://[::1]:80", "http://[::1]:80"),
    ])
    func acceptedOrigins(origin: String, expected: String) throws {
        #expect(try JumpCloudEndpoint(origin: origin).description == expected)
    }

    @Test(arguments: [
        "http://console.jumpcloud.com", "ftp://x", "console.jumpcloud.com", "https://", "https://a.com/api",
        "https://user@a.com", "https://a.com?x", "http://127.0.0.1.evil.com",
    ])
    func refusedOrigins(origin: String) {
        #expect(throws: failure(.invalidBaseURL)) { try JumpCloudEndpoint(origin: origin) }
    }

    @Test func euEndpointIsUsed() async throws {
        let transport = ScriptedTransport(makeDirectory(userCount: 1))
        let client = JumpCloudClient(
            credentials: try JumpCloudCredentials(apiKey: testKey, endpoint: .eu), transport: transport,
            logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try await client.allUsers()
        #expect(transport.requests.first?.authority == "console.eu.jumpcloud.com")
    }
}
