import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KisiIdentityServer
import SAMLCore
import SCIMCore
import Testing

/// SAML SSO endpoints in-process on a loopback port, configured with SAMLCoreTests' fixtures.
@Suite struct SSOTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/SAMLCoreTests/Fixtures")
    /// Inside the fixtures' validity window.
    static let fixtureNow = Date(timeIntervalSince1970: 1_767_225_660)  // 2026-01-01T00:01:00Z
    static let entityID = "https://kisi.example/saml/metadata"
    static let baseURL = "https://kisi.example"

    static func fixture(_ path: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
    }

    static func server(_ temp: TemporaryDatabase) throws -> IdentityServer {
        try IdentityServer(
            configuration: IdentityServerConfiguration(
                host: "127.0.0.1", port: 0, databasePath: temp.path, now: { fixtureNow }),
            logger: silentLogger)
    }

    @discardableResult
    static func configure(_ temp: TemporaryDatabase, importKey: Bool = false) async throws -> SSOConfigurationSummary {
        let store = SSOConfigurationStore(database: try temp.open())
        return try await store.configure(
            idpMetadata: Array(try fixture("idp-metadata.xml").utf8), entityID: entityID, baseURL: baseURL + "/",
            spKeyPEM: importKey ? try fixture("keys/sp.key") : nil, spCertPEM: importKey ? try fixture("keys/sp.crt") : nil,
            now: fixtureNow)
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        return ByteBuffer(string: body)
    }

    static func post(
        _ client: some TestClientProtocol, response name: String, accept: String = "application/json"
    ) async throws -> (TestResponse, String) {
        let posted = try fixture("responses/\(name).b64").trimmingCharacters(in: .whitespacesAndNewlines)
        let response = try await client.execute(
            uri: "/saml/acs", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .accept: accept],
            body: form([("SAMLResponse", posted), ("RelayState", "/after")]))
        return (response, posted)
    }

    static func json(_ buffer: ByteBuffer) -> JSONValue? { try? JSONValue.parse(Data(buffer.readableBytesView)) }

    static func errorCode(_ buffer: ByteBuffer) -> String? { json(buffer)?["error"]?["code"]?.stringValue }

    @Test func notConfiguredIs503() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.server(temp).makeApplication().test(.live) { client in
            for uri in ["/saml/metadata", "/saml/login"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .serviceUnavailable)
                #expect(Self.errorCode(response.body) == "sso_not_configured")
            }
            let (acs, _) = try await Self.post(client, response: "assertion-signed")
            #expect(acs.status == .serviceUnavailable)
        }
    }

    @Test func configureReportsURLsAndCertificates() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let first = try await Self.configure(temp)
        #expect(first.acsURL == "https://kisi.example/saml/acs")
        #expect(first.metadataURL == "https://kisi.example/saml/metadata")
        #expect(first.idpSSOURL == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(first.spCertificate.generated)
        #expect(!first.idpSigningCertificates.isEmpty)
        // Reconfiguring keeps the stored SP key.
        let second = try await Self.configure(temp)
        #expect(!second.spCertificate.generated)
        #expect(second.spCertificate.sha256Fingerprint == first.spCertificate.sha256Fingerprint)
    }

    @Test func badMetadataIsRejected() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let store = SSOConfigurationStore(database: try temp.open())
        await #expect(throws: (any Error).self) {
            try await store.configure(
                idpMetadata: Array("<nope/>".utf8), entityID: Self.entityID, baseURL: Self.baseURL, now: Self.fixtureNow)
        }
        #expect(try await store.load() == nil)
    }

    @Test func metadataIsServedAfterConfigureWithoutRestart() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.server(temp).makeApplication().test(.live) { client in
            let before = try await client.execute(uri: "/saml/metadata", method: .get)
            #expect(before.status == .serviceUnavailable)
            let summary = try await Self.configure(temp)
            let response = try await client.execute(uri: "/saml/metadata", method: .get)
            #expect(response.status == .ok)
            let xml = String(buffer: response.body)
            #expect(xml.contains(#"entityID="https://kisi.example/saml/metadata""#))
            #expect(xml.contains(#"Location="https://kisi.example/saml/acs""#))
            #expect(xml.contains("X509Certificate"))
            #expect(!xml.contains("PRIVATE KEY"))
            #expect(!summary.spCertificate.sha256Fingerprint.isEmpty)
        }
    }

    @Test func loginRedirectsAndStoresPendingRequest() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        let database = try temp.open()
        let pending = SQLitePendingRequestStore(database: database)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let response = try await client.execute(uri: "/saml/login?RelayState=%2Fdashboard", method: .get)
            #expect(response.status == .found)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("https://sso.jumpcloud.com/saml2/kisi?"))
            #expect(location.contains("SAMLRequest="))
            #expect(location.contains("RelayState=%2Fdashboard"))
            #expect(try await pending.count() == 1)
            let relay = try await database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT relay_state FROM saml_pending")
            }
            #expect(relay == "/dashboard")
        }
    }

    @Test func acsAcceptsOnceAndRejectsReplayAcrossRestart() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (first, _) = try await Self.post(client, response: "assertion-signed")
            #expect(first.status == .ok)
            let body = Self.json(first.body)
            #expect(body?["email"]?.stringValue == "alice@example.com")
            #expect(body?["nameID"]?.stringValue != nil)
            let (again, _) = try await Self.post(client, response: "assertion-signed")
            #expect(again.status == .badRequest)
            #expect(Self.errorCode(again.body) == "replayed")
        }
        // A new server on the same file: the replay cache persisted.
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (replayed, _) = try await Self.post(client, response: "assertion-signed")
            #expect(replayed.status == .badRequest)
            #expect(Self.errorCode(replayed.body) == "replayed")
        }
    }

    @Test func acsServesHTMLWhenPreferred() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (response, _) = try await Self.post(client, response: "assertion-signed", accept: "text/html,*/*")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: response.body).contains("alice@example.com"))
        }
    }

    @Test(arguments: [
        ("wrong-audience", "audience_mismatch"), ("no-signature", "signature_missing"), ("expired", "expired"),
    ])
    func acsRejectsWithoutEchoingTheResponse(name: String, code: String) async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (response, posted) = try await Self.post(client, response: name)
            #expect(response.status == .badRequest)
            #expect(Self.errorCode(response.body) == code)
            let text = String(buffer: response.body)
            #expect(!text.contains(String(posted.prefix(40))))
            #expect(!text.contains("<saml"))
        }
    }

    @Test func acsRequiresSAMLResponse() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/saml/acs", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "RelayState=x"))
            #expect(response.status == .badRequest)
            #expect(Self.errorCode(response.body) == "malformed")
        }
    }

    @Test func encryptedResponseDecryptsWithImportedKey() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp, importKey: true)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (response, _) = try await Self.post(client, response: "encrypted-aes256-gcm")
            #expect(response.status == .ok)
            #expect(Self.json(response.body)?["email"]?.stringValue == "alice@example.com")
        }
        // The key stays in the database only; nothing logs or serves it (metadata checked above).
        let stored = try await SSOConfigurationStore(database: try temp.open()).load()
        #expect(stored?.credential.certificate.pemRepresentation.contains("CERTIFICATE") == true)
    }

    @Test func encryptedResponseFailsWithGeneratedKey() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        try await Self.configure(temp)
        try await Self.server(temp).makeApplication().test(.live) { client in
            let (response, _) = try await Self.post(client, response: "encrypted-aes256-gcm")
            #expect(response.status == .badRequest)
            #expect(Self.errorCode(response.body) != nil)
        }
    }
}

/// The SQLite pending-request store: consume once, expired ones are gone.
@Suite struct SQLitePendingRequestStoreTests {
    @Test func consumeOnceAndExpiry() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let store = SQLitePendingRequestStore(database: try temp.open())
        let now = Date(timeIntervalSince1970: 1_000_000)
        try await store.save(
            .init(id: "_a", tenantID: "t", relayState: "/x", expiresAt: now.addingTimeInterval(60)), now: now)
        try await store.save(
            .init(id: "_b", tenantID: "t", relayState: nil, expiresAt: now.addingTimeInterval(10)), now: now)
        let first = try await store.consume(id: "_a", now: now)
        #expect(first?.relayState == "/x")
        #expect(first?.tenantID == "t")
        #expect(try await store.consume(id: "_a", now: now) == nil)
        #expect(try await store.consume(id: "_b", now: now.addingTimeInterval(11)) == nil)
        #expect(try await store.consume(id: "_unknown", now: now) == nil)
        #expect(try await store.count() == 0)
    }

    @Test func concurrentConsumersGetItOnce() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let store = SQLitePendingRequestStore(database: try temp.open())
        let now = Date(timeIntervalSince1970: 1_000_000)
        try await store.save(.init(id: "_c", tenantID: "t", relayState: nil, expiresAt: now.addingTimeInterval(60)), now: now)
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await store.consume(id: "_c", now: now) != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }
}
