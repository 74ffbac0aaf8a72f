import Foundation
import PostgresTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `kisi-identity serve` processes on one PostgreSQL database behave as one service: SAML replays and
/// AuthnRequests are shared, SCIM writes are read back through the other instance, concurrent PATCHes lose
/// nothing, and a database outage is answered with 503 and recovered from without a restart.
///
/// Needs `KISI_POSTGRES_URL` (`Scripts/postgres-test-server.sh start`), `KISI_POSTGRES_PROCESS_TESTS=1`, and the
/// xmlsec1 command-line tool, which
/// signs the IdP responses here with the fixtures' IdP key and the current time (an independent signer).
@Suite(
    "Scale-out: two serve processes on one PostgreSQL", .serialized,
    .enabled(
        if: TestPostgres.processTestsEnabled && ScaleOut.hasXMLSec1,
        "set KISI_POSTGRES_URL and KISI_POSTGRES_PROCESS_TESTS=1; install xmlsec1"))
struct ScaleOutTests {
    @Test("SCIM writes through one instance are read through the other; concurrent PATCHes lose no member")
    func scimIsShared() async throws {
        let setup = try await ScaleOut.Setup(url: try #require(TestPostgres.url))
        let (a, b) = (try setup.serve(), try setup.serve())
        defer { _ = a.signal(SIGTERM); _ = b.signal(SIGTERM) }
        let created = try await ScaleOut.send(a.port, "POST", "/scim/v2/Users", token: setup.token, json: ScaleOut.user("ann"))
        #expect(created.status == 201)
        let id = try #require(created.json?["id"] as? String)
        #expect(try await ScaleOut.send(b.port, "GET", "/scim/v2/Users/\(id)", token: setup.token).json?["userName"] as? String == "ann")
        let filtered = try await ScaleOut.send(
            b.port, "GET", "/scim/v2/Users?filter=userName%20eq%20%22ANN%22", token: setup.token)
        #expect(filtered.json?["totalResults"] as? Int == 1)
        // The uniqueness of userName holds across instances.
        #expect(try await ScaleOut.send(b.port, "POST", "/scim/v2/Users", token: setup.token, json: ScaleOut.user("Ann")).status == 409)

        let group = try await ScaleOut.send(
            a.port, "POST", "/scim/v2/Groups", token: setup.token,
            json: #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Doors"}"#)
        let groupID = try #require(group.json?["id"] as? String)
        var members: [String] = []
        for index in 0..<24 {
            let user = try await ScaleOut.send(a.port, "POST", "/scim/v2/Users", token: setup.token, json: ScaleOut.user("m\(index)"))
            members.append(try #require(user.json?["id"] as? String))
        }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for (index, member) in members.enumerated() {
                let port = index.isMultiple(of: 2) ? a.port : b.port
                tasks.addTask {
                    try await ScaleOut.send(
                        port, "PATCH", "/scim/v2/Groups/\(groupID)", token: setup.token,
                        json: #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"\#(member)"}]}]}"#
                    ).status
                }
            }
            return try await tasks.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 204 }, "\(statuses)")
        let final = try await ScaleOut.send(b.port, "GET", "/scim/v2/Groups/\(groupID)", token: setup.token)
        let present = Set(((final.json?["members"] as? [[String: Any]]) ?? []).compactMap { $0["value"] as? String })
        #expect(present == Set(members))

        // A token created and then revoked through the CLI: accepted by both instances, then refused by both
        // (within the instances' one-second trust of an accepted token).
        let created2 = try await CLIRunner.run(["scim", "token", "create", "--database", setup.url, "--database-schema", setup.schema])
        let second = try #require(created2.stdout.split(separator: "\n").last.map(String.init))
        let record = try #require(
            try JSONSerialization.jsonObject(with: Data(created2.stdout.split(separator: "\n")[0].utf8)) as? [String: Any])
        for port in [a.port, b.port] { #expect(try await ScaleOut.send(port, "GET", "/scim/v2/Users?count=1", token: second).status == 200) }
        let revoke = try await CLIRunner.run([
            "scim", "token", "revoke", try #require(record["id"] as? String), "--database", setup.url,
            "--database-schema", setup.schema,
        ])
        #expect(revoke.exitCode == 0)
        try await Task.sleep(for: .milliseconds(1_500))
        for port in [a.port, b.port] { #expect(try await ScaleOut.send(port, "GET", "/scim/v2/Users?count=1", token: second).status == 401) }
        #expect(try await ScaleOut.send(a.port, "GET", "/scim/v2/Users?count=1", token: setup.token).status == 200)
        // `scim token list` shows the last use the instances recorded, as on SQLite.
        let listed = try await CLIRunner.run(["scim", "token", "list", "--database", setup.url, "--database-schema", setup.schema])
        let tokens = try #require(try listed.json()["tokens"] as? [[String: Any]])
        #expect(tokens.count == 2)
        #expect(tokens.allSatisfy { $0["last_used"] is String }, "\(tokens)")
        #expect(tokens.filter { $0["revoked"] is String }.count == 1)
    }

    @Test("an assertion accepted by one instance is `replayed` at the other")
    func replayIsShared() async throws {
        let setup = try await ScaleOut.Setup(url: try #require(TestPostgres.url))
        let (a, b) = (try setup.serve(), try setup.serve())
        defer { _ = a.signal(SIGTERM); _ = b.signal(SIGTERM) }
        let response = try ScaleOut.signedResponse(requestID: nil)
        let first = try await ScaleOut.acs(a.port, response)
        #expect(first.status == 200)
        #expect(first.json?["email"] as? String == "alice@example.com")
        let replay = try await ScaleOut.acs(b.port, response)
        #expect(replay.status == 400)
        #expect(ScaleOut.errorCode(replay.json) == "replayed")
        #expect(ScaleOut.errorCode(try await ScaleOut.acs(a.port, response).json) == "replayed")
    }

    @Test("an AuthnRequest issued by one instance is answered at the other's ACS exactly once")
    func pendingRequestIsShared() async throws {
        let setup = try await ScaleOut.Setup(url: try #require(TestPostgres.url))
        let (a, b) = (try setup.serve(), try setup.serve())
        defer { _ = a.signal(SIGTERM); _ = b.signal(SIGTERM) }
        let requestID = try await ScaleOut.startLogin(a.port, relayState: "/doors")
        // Two different assertions answer the same request at both instances at once: exactly one wins.
        let answers = [try ScaleOut.signedResponse(requestID: requestID), try ScaleOut.signedResponse(requestID: requestID)]
        let results = try await withThrowingTaskGroup(of: (Int, String?).self) { tasks in
            for (index, answer) in answers.enumerated() {
                let port = index == 0 ? b.port : a.port
                tasks.addTask {
                    let result = try await ScaleOut.acs(port, answer)
                    return (result.status, ScaleOut.errorCode(result.json))
                }
            }
            return try await tasks.reduce(into: [(Int, String?)]()) { $0.append($1) }
        }
        #expect(results.filter { $0.0 == 200 }.count == 1, "\(results)")
        #expect(results.filter { $0.1 == "in_response_to_mismatch" }.count == 1, "\(results)")
        // A request that was never issued is refused at both.
        let stranger = try ScaleOut.signedResponse(requestID: "_never-issued")
        #expect(ScaleOut.errorCode(try await ScaleOut.acs(b.port, stranger).json) == "in_response_to_mismatch")
    }

    @Test("PostgreSQL stopped mid-load: 503s, no acknowledged write lost, both instances recover without restart")
    func outageAndRecovery() async throws {
        try await PrivatePostgresServer.withServer { url, database in try await outage(url: url, database: database) }
    }

    private func outage(url: String, database: PrivatePostgresServer) async throws {
        let setup = try await ScaleOut.Setup(url: url)
        let (a, b) = (try setup.serve(), try setup.serve())
        defer { _ = a.signal(SIGTERM); _ = b.signal(SIGTERM) }
        let (portA, portB) = (a.port, b.port)
        let writer = Task { () -> (acknowledged: [String], statuses: [Int: Int]) in
            var acknowledged: [String] = []
            var statuses: [Int: Int] = [:]
            var sawOutage = false
            var afterOutage = 0
            let deadline = ContinuousClock.now + .seconds(90)
            var index = 0
            while ContinuousClock.now < deadline, afterOutage < 20 {
                index += 1
                let port = index.isMultiple(of: 2) ? portA : portB
                let status = (try? await ScaleOut.send(
                    port, "POST", "/scim/v2/Users", token: setup.token, json: ScaleOut.user("w\(index)")).status) ?? -1
                statuses[status, default: 0] += 1
                if status == 201 {
                    acknowledged.append("w\(index)")
                    if sawOutage { afterOutage += 1 }
                } else {
                    sawOutage = true
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            return (acknowledged, statuses)
        }
        try await Task.sleep(for: .seconds(1))
        try await database.run("pause")
        // While the database is down: SCIM says 503 (with Retry-After), SSO shows its failure page, health is 503.
        let down = try await ScaleOut.send(a.port, "GET", "/scim/v2/Users", token: setup.token)
        #expect(down.status == 503)
        #expect(down.json?["status"] as? String == "503")
        let login = try await ScaleOut.http(b.port, "GET", "/saml/login", headers: ["Accept": "text/html"])
        #expect(login.status == 503)
        #expect(String(decoding: login.body, as: UTF8.self).contains("temporarily unavailable"))
        #expect(try await ScaleOut.http(a.port, "GET", "/healthz").status == 503)
        try await Task.sleep(for: .seconds(2))
        try await database.run("resume")
        let (acknowledged, statuses) = await writer.value
        #expect(Set(statuses.keys).isSubset(of: [201, 503]), "\(statuses)")
        #expect(statuses[503, default: 0] > 0, "the outage was not observed: \(statuses)")
        #expect(statuses[201, default: 0] >= 20)
        for port in [a.port, b.port] {
            #expect(try await ScaleOut.http(port, "GET", "/healthz").status == 200)
            let all = try await ScaleOut.send(port, "GET", "/scim/v2/Users?count=1000", token: setup.token)
            let names = Set(((all.json?["Resources"] as? [[String: Any]]) ?? []).compactMap { $0["userName"] as? String })
            let lost = acknowledged.filter { !names.contains($0) }
            #expect(lost.isEmpty, "acknowledged but lost at port \(port): \(lost)")
        }
    }
}

/// The SQLite reference server accepts every fresh assertion and refuses each one's replay (its replay cache once
/// cut keys at the NUL SAMLCore put between SP entity ID and assertion ID, so every login after the first one
/// of an SP was refused as `replayed`).
@Suite(.enabled(if: ScaleOut.hasXMLSec1, "install xmlsec1"))
struct SQLiteLoginSequenceTests {
    @Test func distinctAssertionsAreAcceptedAndEachReplayRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-sqlite-sso-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let setup = try await ScaleOut.Setup(url: directory.appendingPathComponent("sso.sqlite").path)
        let server = try setup.serve()
        defer { _ = server.signal(SIGTERM) }
        let responses = try (0..<3).map { _ in try ScaleOut.signedResponse(requestID: nil) }
        for response in responses { #expect(try await ScaleOut.acs(server.port, response).status == 200) }
        for response in responses {
            #expect(ScaleOut.errorCode(try await ScaleOut.acs(server.port, response).json) == "replayed")
        }
    }
}

/// Helpers of ``ScaleOutTests``.
enum ScaleOut {
    static let fixtures = CLIRunner.repositoryRoot.appendingPathComponent("Tests/SAMLCoreTests/Fixtures")

    static var hasXMLSec1: Bool {
        ["/usr/bin/xmlsec1", "/usr/local/bin/xmlsec1"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A fresh schema on the database (a PostgreSQL URL, or a SQLite path) with SSO configured (the fixtures'
    /// IdP, base https://kisi.example) and one SCIM token, both through the CLI.
    struct Setup: Sendable {
        let url: String
        let schema = "scaleout_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let token: String

        init(url: String) async throws {
            self.url = url
            let configure = try await CLIRunner.run([
                "sso", "configure", "--database", url, "--database-schema", schema,
                "--idp-metadata", ScaleOut.fixtures.appendingPathComponent("idp-metadata.xml").path,
                "--entity-id", "https://kisi.example/saml/metadata", "--base-url", "https://kisi.example",
            ])
            try #require(configure.exitCode == 0, "sso configure: \(configure.stderr)")
            let created = try await CLIRunner.run(["scim", "token", "create", "--database", url, "--database-schema", schema])
            try #require(created.exitCode == 0, "token create: \(created.stderr)")
            token = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        }

        func serve() throws -> ServerCLITests.Server {
            try ServerCLITests.Server(db: url, ["--database-schema", schema])
        }
    }

    static func user(_ name: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(name)","emails":[{"value":"\#(name)@example.com","primary":true}]}"#
    }

    /// A session that never follows redirects (the login redirect points at the IdP).
    static let session: URLSession = {
        final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
            func urlSession(
                _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
            ) { completionHandler(nil) }
        }
        return URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
    }()

    static func http(
        _ port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> (status: Int, headers: [String: String], body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)".lowercased()] = "\(value)" }
        return (http?.statusCode ?? 0, fields, data)
    }

    static func send(
        _ port: Int, _ method: String, _ path: String, token: String, json: String? = nil
    ) async throws -> (status: Int, json: [String: Any]?) {
        var headers = ["Authorization": "Bearer \(token)"]
        if json != nil { headers["Content-Type"] = "application/scim+json" }
        let result = try await http(port, method, path, headers: headers, body: json.map { Data($0.utf8) })
        return (result.status, try? JSONSerialization.jsonObject(with: result.body) as? [String: Any])
    }

    /// Posts a base64 SAMLResponse to the ACS, asking for JSON.
    static func acs(_ port: Int, _ base64: String) async throws -> (status: Int, json: [String: Any]?) {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = "SAMLResponse=" + base64.addingPercentEncoding(withAllowedCharacters: allowed)!
        let result = try await http(
            port, "POST", "/saml/acs",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(body.utf8))
        return (result.status, try? JSONSerialization.jsonObject(with: result.body) as? [String: Any])
    }

    static func errorCode(_ json: [String: Any]?) -> String? {
        (json?["error"] as? [String: Any])?["code"] as? String
    }

    /// `GET /saml/login` and the ID of the AuthnRequest in the redirect (inflated with Python's zlib).
    static func startLogin(_ port: Int, relayState: String) async throws -> String {
        let response = try await http(port, "GET", "/saml/login?RelayState=\(relayState)")
        try #require(response.status == 302, "login answered \(response.status)")
        let location = try #require(response.headers["location"])
        let query = try #require(URLComponents(string: location)?.queryItems)
        let encoded = try #require(query.first { $0.name == "SAMLRequest" }?.value)
        let inflated = try run(
            "/usr/bin/env",
            ["python3", "-c", "import base64,sys,zlib; print(zlib.decompress(base64.b64decode(sys.argv[1]), -15).decode())", encoded])
        let xml = String(decoding: inflated, as: UTF8.self)
        let range = try #require(xml.range(of: #"ID="[^"]+""#, options: .regularExpression))
        return String(xml[range].dropFirst(4).dropLast())
    }

    /// The fixtures' SP-initiated response template with the current time, fresh IDs and `requestID` (nil: an
    /// IdP-initiated response), signed over the assertion by the xmlsec1 CLI with the fixtures' IdP key.
    static func signedResponse(requestID: String?) throws -> String {
        var xml = try String(
            contentsOf: fixtures.appendingPathComponent("templates/responses/sp-initiated.xml"), encoding: .utf8)
        let formatter = ISO8601DateFormatter()
        let now = Date()
        let assertionID = "_a" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        xml = xml.replacingOccurrences(of: "2026-01-01T00:00:00Z", with: formatter.string(from: now - 5))
            .replacingOccurrences(of: "2025-12-31T23:59:00Z", with: formatter.string(from: now - 60))
            .replacingOccurrences(of: "2026-01-01T00:05:00Z", with: formatter.string(from: now + 300))
            .replacingOccurrences(of: "_assert-1", with: assertionID)
            .replacingOccurrences(of: "_resp-1", with: "_r" + UUID().uuidString.replacingOccurrences(of: "-", with: ""))
        if let requestID {
            xml = xml.replacingOccurrences(of: "_req-1", with: requestID)
        } else {
            xml = xml.replacingOccurrences(of: #" InResponseTo="_req-1""#, with: "")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.xml"), output = directory.appendingPathComponent("out.xml")
        try Data(xml.utf8).write(to: input)
        let keys = fixtures.appendingPathComponent("keys")
        _ = try run("/usr/bin/env", [
            "xmlsec1", "--sign", "--privkey-pem",
            keys.appendingPathComponent("idp.key").path + "," + keys.appendingPathComponent("idp.crt").path,
            "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--node-xpath", "//*[local-name()='Assertion' and @ID='\(assertionID)']/*[local-name()='Signature']",
            "--output", output.path, input.path,
        ])
        return try Data(contentsOf: output).base64EncodedString()
    }

    /// Runs a short-lived tool and returns its stdout (written to a file, so no pipe is left for others).
    static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-run-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        try #require(process.terminationStatus == 0, "\(arguments.prefix(2)) exited \(process.terminationStatus)")
        return try Data(contentsOf: out)
    }
}
