import Foundation
@testable import SAMLCore
import Testing

/// Shared values for the SP-side tests (certificates, requests, metadata, tenant configuration).
enum SPTestSupport {
    /// The committed SP key and certificate (keys/sp.key, keys/sp.crt).
    static func fixtureCredential(key: String = "sp") throws -> SPCredential {
        try SPCredential(
            privateKeyPEM: try Fixtures.text("keys/\(key).key"), certificatePEM: try Fixtures.text("keys/sp.crt"))
    }

    /// One generated credential shared by the tests (RSA generation takes ~100 ms in debug builds).
    static let generated: Result<SPCredential, SAMLError> = {
        do throws(SAMLError) {
            return .success(try SPCredential.generate(
                commonName: "Acme Inc SSO", organization: "Acme Inc", now: Fixtures.now))
        } catch {
            return .failure(error)
        }
    }()

    static func generatedCredential() throws -> SPCredential { try generated.get() }

    static func serviceProvider(
        tenantID: String = "acme", keys: SPKeyRollover? = nil, policy: SSOPolicy = SSOPolicy()
    ) throws -> ServiceProvider {
        ServiceProvider(
            tenantID: tenantID, entityID: Fixtures.spEntityID, acsURL: Fixtures.acsURL, idp: try Fixtures.metadata(),
            keys: keys, policy: policy)
    }

    static func request(id: String = "_req-test") -> AuthnRequest {
        AuthnRequest(
            id: id, issueInstant: Fixtures.now, destination: "https://sso.jumpcloud.com/saml2/kisi",
            issuer: Fixtures.spEntityID, acsURL: Fixtures.acsURL, nameIDFormat: SPMetadata.emailAddressFormat)
    }

    /// The query string of a URL (everything after the first `?`).
    static func query(of url: String) throws -> String {
        let index = try #require(url.firstIndex(of: "?"))
        return String(url[url.index(after: index)...])
    }

    /// Parses XML into the library's secure document (for structural assertions).
    static func document(_ xml: some Collection<UInt8>) throws -> SecureXMLDocument {
        try SecureXMLDocument(parsing: Array(xml), limits: XMLLimits())
    }

    /// Runs a process, returning its exit status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The first executable named `name` on PATH, if any.
    static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kisi-sp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
