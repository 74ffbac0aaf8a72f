import Foundation
import KisiIdentityServer
import Testing

/// Secrets at rest (a directory import's JumpCloud API key): AES-256-GCM under a key file, bound to their record.
@Suite struct SecretSealerTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kisi-secrets-\(UUID().uuidString)").path
    }

    static func sealer() throws -> (SecretSealer, String) {
        let path = temporaryPath()
        try SecretSealer.writeNewKeyFile(at: path)
        return (try SecretSealer(keyFile: path), path)
    }

    @Test func roundTripAndNoPlaintextAtRest() throws {
        let (sealer, path) = try Self.sealer()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let secret = "jc-api-key-0123456789abcdef"
        let first = try sealer.seal(secret, context: "org_1/import_1/jumpcloud_api_key")
        let second = try sealer.seal(secret, context: "org_1/import_1/jumpcloud_api_key")
        #expect(first != second)  // a fresh nonce every time
        #expect(first.range(of: Data(secret.utf8)) == nil)
        #expect(try sealer.open(first, context: "org_1/import_1/jumpcloud_api_key") == secret)
        #expect(try sealer.open(second, context: "org_1/import_1/jumpcloud_api_key") == secret)
    }

    /// Moved to another record, altered, opened under another key, or not a sealed value: never a secret.
    @Test func aSealedValueOpensOnlyForItsRecordAndKey() throws {
        let (sealer, path) = try Self.sealer()
        let (other, otherPath) = try Self.sealer()
        defer { [path, otherPath].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let sealed = try sealer.seal("secret", context: "org_1/import_1")
        var altered = sealed
        altered[altered.count / 2] ^= 0x01
        let attempts: [(SecretSealer, Data, String)] = [
            (sealer, sealed, "org_2/import_1"), (sealer, altered, "org_1/import_1"), (other, sealed, "org_1/import_1"),
            (sealer, Data(), "org_1/import_1"), (sealer, Data("secret".utf8), "org_1/import_1"),
        ]
        for (sealer, value, context) in attempts {
            #expect(throws: SecretSealerError.self) { try sealer.open(value, context: context) }
            do { _ = try sealer.open(value, context: context) } catch {
                #expect(error.code == .sealedSecretInvalid)
                #expect(!error.message.contains("secret\""))
            }
        }
    }

    @Test func keyFileIsCreatedPrivateAndNeverReplaced() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SecretSealer.writeNewKeyFile(at: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            try SecretSealer.writeNewKeyFile(at: path)
            Issue.record("an existing key file was replaced")
        } catch {
            #expect(error.code == .keyFileUnreadable)
            #expect(error.message.contains("already exists"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func badKeyFilesAreRefusedWithTheirCode() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        func code(writing contents: String?, mode: Int = 0o600) -> SecretSealerError.Code? {
            try? FileManager.default.removeItem(atPath: path)
            if let contents {
                FileManager.default.createFile(
                    atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: NSNumber(value: mode)])
            }
            do { _ = try SecretSealer(keyFile: path); return nil } catch { return error.code }
        }
        let valid = Data(repeating: 7, count: 32).base64EncodedString()
        #expect(code(writing: valid) == nil)
        #expect(code(writing: nil) == .keyFileUnreadable)
        #expect(code(writing: valid, mode: 0o644) == .keyFileTooOpen)
        #expect(code(writing: "not base64!") == .keyFileInvalid)
        #expect(code(writing: Data(repeating: 7, count: 16).base64EncodedString()) == .keyFileInvalid)
    }
}
