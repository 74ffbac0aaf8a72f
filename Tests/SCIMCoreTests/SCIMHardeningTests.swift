import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif
@testable import SCIMCore

/// Hostile-input limits (issue 9): pathological filters and PATCH requests are refused with the RFC 7644 error,
/// or handled, in well under a second.
@Suite struct SCIMHardeningTests {
    /// Runs `body` and returns its result with the wall time it took.
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        return (result, clock.now - start)
    }

    /// The CPU time the calling thread spends in `body`, in seconds. Timing bounds on synchronous work use it
    /// rather than wall time: the suite runs in parallel on a small shared machine, where wall time measures
    /// the neighbours.
    static func threadCPUTime<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        func now() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let start = now()
        let result = try body()
        return (result, now() - start)
    }

    // MARK: Filters

    static let pathologicalFilters: [(String, String)] = [
        ("100,000 parentheses", String(repeating: "(", count: 100_000) + #"title eq "x""# + String(repeating: ")", count: 100_000)),
        ("50,000 nots", String(repeating: "not (", count: 50_000) + "title pr" + String(repeating: ")", count: 50_000)),
        ("50,000 value filters", String(repeating: "emails[", count: 50_000) + "value pr" + String(repeating: "]", count: 50_000)),
        ("unterminated 1 MiB string", #"userName eq ""# + String(repeating: "a", count: 1 << 20)),
        ("1 MiB of ors", String(repeating: #"title eq "x" or "#, count: 60_000) + "title pr"),
    ]

    @Test(arguments: pathologicalFilters)
    func pathologicalFilterIsRejectedQuickly(_ name: String, _ filter: String) {
        let (thrown, seconds) = Self.threadCPUTime { () -> SCIMError? in
            do {
                _ = try SCIMFilter(parsing: filter)
                return nil
            } catch let error as SCIMError {
                return error
            } catch {
                return nil
            }
        }
        #expect(thrown?.code == .invalidFilter, "\(name)")
        #expect(seconds < 1, "\(name): \(seconds) s CPU")
    }

    /// Explicit parentheses around a right operand with the same operator used to vanish from the canonical
    /// text, which then parsed back to a different tree (`a or (b or c)` → `a or b or c` = `(a or b) or c`).
    /// Found by FuzzSCIMFilter (the first input; the others are its `and` and mixed cousins).
    @Test(arguments: [
        (#"userType eq "Employee" or  (emails co "example.com" or emailUnfee co "mple.org")"#,
         #"userType eq "Employee" or (emails co "example.com" or emailUnfee co "mple.org")"#),
        ("title pr and (userType pr and nickName pr)", "title pr and (userType pr and nickName pr)"),
        ("title pr and (userType pr or nickName pr)", "title pr and (userType pr or nickName pr)"),
        ("(title pr or userType pr) or nickName pr", "title pr or userType pr or nickName pr"),
        ("(title pr and userType pr) and nickName pr", "title pr and userType pr and nickName pr"),
        ("title pr or (userType pr and nickName pr)", "title pr or userType pr and nickName pr"),
        ("emails[type pr or (value pr or primary pr)]", "emails[type pr or (value pr or primary pr)]"),
        ("title eq \"a\u{0}\tb\"", #"title eq "a\u0000\tb""#),
    ])
    func canonicalTextParsesBackToTheSameFilter(_ text: String, _ canonical: String) throws {
        let filter = try SCIMFilter(parsing: text)
        #expect(filter.description == canonical)
        #expect(try SCIMFilter(parsing: filter.description) == filter)
    }

    /// Escaping can make the canonical text of an accepted filter longer than ``SCIMFilter/maximumLength``
    /// (each raw NUL becomes `\u0000`); that text is then refused like any other over-long filter. Found by
    /// FuzzSCIMFilter (its round-trip assertion now allows for it).
    @Test func canonicalTextMayExceedTheLengthLimit() throws {
        let text = "title eq \"" + String(repeating: "\u{0}", count: 2000) + "\""
        let filter = try SCIMFilter(parsing: text)
        #expect(filter.description.utf8.count > SCIMFilter.maximumLength)
        #expect(throws: SCIMError(.invalidFilter)) { try SCIMFilter(parsing: filter.description) }
    }

    @Test func filterLengthIsBounded() throws {
        #expect(SCIMFilter.maximumLength == 8192)
        #expect(SCIMFilter.maximumDepth == 32)
        // 8 KiB of `or` clauses is still a filter.
        var text = #"title eq "x""#
        while text.utf8.count + 16 <= SCIMFilter.maximumLength { text += #" or title eq "x""# }
        let filter = try SCIMFilter(parsing: text)
        _ = try filter.resolved(for: .user)
        // One byte more than the limit is refused, whatever it holds.
        let over = "title pr" + String(repeating: " ", count: SCIMFilter.maximumLength - 7)
        #expect(over.utf8.count == SCIMFilter.maximumLength + 1)
        #expect(throws: SCIMError(.invalidFilter)) { try SCIMFilter(parsing: over) }
    }

    @Test func nestedFilterThroughTheServiceIs400Quickly() async {
        let h = await Harness.make()
        let deep = String(repeating: "(", count: 200_000) + "userName pr" + String(repeating: ")", count: 200_000)
        let body = JSONValue.object([
            "schemas": .array([.string(SCIMSchemaURN.searchRequest)]), "filter": .string(deep),
        ])
        let text = String(decoding: body.serialized(), as: UTF8.self)
        let (response, elapsed) = await Self.timed { await h.send("POST", "/Users/.search", json: text) }
        #expect(response.status == 400)
        #expect(response.scimType == "invalidFilter")
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }

    // MARK: PATCH

    static func patchBody(operations count: Int) -> String {
        let operation = #"{"op":"replace","path":"title","value":"t"}"#
        return #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["#
            + Array(repeating: operation, count: count).joined(separator: ",") + "]}"
    }

    @Test func tenThousandPatchOperationsAre413Quickly() async {
        let h = await Harness.make()
        #expect(h.service.configuration.maxPatchOperations == 1000)
        let id = await h.createUser("ada")
        let body = Self.patchBody(operations: 10_000)
        let response = await h.send("PATCH", "/Users/\(id)", json: body)
        #expect(response.status == 413)
        // The user is unchanged.
        #expect(await h.send("GET", "/Users/\(id)").json?["title"] == nil)
        // What the service does before refusing: parse the body and the operations.
        let (count, seconds) = Self.threadCPUTime { () -> Int? in
            guard let json = try? JSONValue.parse(Data(body.utf8)) else { return nil }
            return (try? SCIMPatchRequest(json: json))?.operations.count
        }
        #expect(count == 10_000)
        #expect(seconds < 1, "\(seconds) s CPU")
    }

    @Test func tenThousandPatchOperationsAppliedDirectlyStayFast() throws {
        let resource = try user(#"{"userName": "ada", "emails": [{"value": "a@example.com", "type": "work"}]}"#)
        let operations = (0..<10_000).map { index in
            index.isMultiple(of: 2)
                ? SCIMPatchOperation(.replace, path: "title", value: .string("t\(index)"))
                : SCIMPatchOperation(.replace, path: #"emails[type eq "work"].value"#, value: .string("u\(index)@example.com"))
        }
        let (patched, seconds) = try Self.threadCPUTime { try resource.applying(SCIMPatchRequest(operations: operations)) }
        #expect(patched.attributes["title"] == .string("t9998"))
        #expect(seconds < 1, "\(seconds) s CPU")
    }

    @Test func maximumPatchOperationsAreHandledQuickly() async throws {
        let h = await Harness.make()
        let id = await h.createUser("ada")
        let body = Self.patchBody(operations: 1000)
        #expect(await h.send("PATCH", "/Users/\(id)", json: body).status == 200)
        let resource = try user(#"{"userName": "ada"}"#)
        let (patched, seconds) = try Self.threadCPUTime {
            try resource.applying(SCIMPatchRequest(json: JSONValue.parse(Data(body.utf8))))
        }
        #expect(patched.attributes["title"] == .string("t"))
        #expect(seconds < 1, "\(seconds) s CPU")
    }

    @Test func deeplyNestedJSONBodyIs400() async {
        let h = await Harness.make()
        let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let (response, elapsed) = await Self.timed { await h.send("POST", "/Users", json: body) }
        #expect(response.status == 400)
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }

    // MARK: Token leakage

    /// Collects every log line (message and metadata) at trace level.
    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: String { lines.withLock { $0.joined(separator: "\n") } }
        var count: Int { lines.withLock { $0.count } }
        fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

        var logger: Logger {
            var logger = Logger(label: "scim") { _ in Handler(sink: self) }
            logger.logLevel = .trace
            return logger
        }

        struct Handler: LogHandler {
            let sink: LogLines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .trace
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                sink.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
            }
        }
    }

    @Test func tokensAndBodiesNeverReachTheLogs() async {
        let lines = LogLines()
        let tokens = InMemorySCIMTokenStore()
        let token = await tokens.issue(label: "JumpCloud", now: Date(timeIntervalSince1970: 1_700_000_000)).token
        let service = SCIMService(
            configuration: SCIMServiceConfiguration(baseURL: Harness.baseURL), store: InMemorySCIMStore(),
            authenticator: SCIMBearerTokenAuthenticator(source: tokens),
            now: { Date(timeIntervalSince1970: 1_700_000_000) }, logger: lines.logger)
        let secretBody = #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada","password":"hunter2-secret"}"#
        let wrongToken = "kisi_scim_wrong_0123456789abcdefghijklmnopqrstuvwxyz"
        let requests: [(String, String, String?, String)] = [
            ("POST", "/Users", secretBody, token),
            ("POST", "/Users", secretBody, token),  // duplicate: 409
            ("GET", "/Users?filter=userName%20eq%20%22ada%22", nil, token),
            ("GET", "/Users?filter=((", nil, token),
            ("PATCH", "/Users/nosuch", #"{"Operations":[]}"#, token),
            ("GET", "/Users", nil, wrongToken),
            ("POST", "/Users", secretBody, wrongToken),
        ]
        for (method, target, body, bearer) in requests {
            _ = await service.handle(SCIMRequest(
                method: method, target: target,
                headers: ["Authorization": "Bearer \(bearer)", "Content-Type": "application/scim+json"],
                body: body.map { Data($0.utf8) }))
        }
        #expect(lines.count >= requests.count)
        #expect(!lines.all.contains(token))
        #expect(!lines.all.contains(String(token.suffix(20))))
        #expect(!lines.all.contains(wrongToken))
        #expect(!lines.all.contains("hunter2-secret"))
    }
}
