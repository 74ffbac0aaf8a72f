import Foundation
import SAMLCore
import Testing

/// Loads the committed fixtures (made by Fixtures/make-fixtures.sh) and builds validators over them.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let spEntityID = "https://kisi.example/saml/metadata"
    static let acsURL = "https://kisi.example/saml/acs"
    static let idpEntityID = "https://sso.jumpcloud.com/saml2/kisi"
    /// One minute after the fixtures' IssueInstant; inside every validity window.
    static let now = Date(timeIntervalSince1970: 1_767_225_660)  // 2026-01-01T00:01:00Z

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self)
    }

    static func response(_ name: String) throws -> String { try text("responses/\(name).xml") }

    static func metadata(_ name: String = "idp-metadata") throws -> IdPMetadata {
        try IdPMetadata.parse(Array(try data("\(name).xml")))
    }

    static func spKey(_ name: String = "sp") throws -> SPPrivateKey {
        try SPPrivateKey(pem: try text("keys/\(name).key"))
    }

    static func configuration(
        metadata: String = "idp-metadata", spKeys: [String] = ["sp"], algorithms: AlgorithmPolicy = AlgorithmPolicy()
    ) throws -> SAMLValidatorConfiguration {
        SAMLValidatorConfiguration(
            spEntityID: spEntityID, acsURL: acsURL, idp: try Self.metadata(metadata),
            spDecryptionKeys: try spKeys.map { try spKey($0) }, algorithms: algorithms)
    }

    static func validator(
        metadata: String = "idp-metadata", spKeys: [String] = ["sp"], algorithms: AlgorithmPolicy = AlgorithmPolicy(),
        replayCache: any SAMLReplayCache = InMemoryReplayCache()
    ) throws -> SAMLResponseValidator {
        try SAMLResponseValidator(
            configuration: configuration(metadata: metadata, spKeys: spKeys, algorithms: algorithms),
            replayCache: replayCache)
    }

    /// Validates XML text; returns the assertion or the error code.
    static func outcome(
        _ xml: String, validator: SAMLResponseValidator? = nil, expectedRequestID: String? = nil, now: Date = now
    ) async throws -> Result<ValidatedAssertion, SAMLError> {
        let validator = try validator ?? Self.validator()
        do {
            return .success(try await validator.validate(
                xml: Array(xml.utf8), expectedRequestID: expectedRequestID, now: now))
        } catch {
            return .failure(error)
        }
    }

    /// The error code validating `xml` produces, or `nil` if it is accepted.
    static func code(
        _ xml: String, validator: SAMLResponseValidator? = nil, expectedRequestID: String? = nil, now: Date = now
    ) async throws -> String? {
        switch try await outcome(xml, validator: validator, expectedRequestID: expectedRequestID, now: now) {
        case .success: return nil
        case .failure(let error): return error.code.rawValue
        }
    }
}
