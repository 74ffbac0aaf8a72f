#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import Logging
import NIOCore
import PostgresNIO

/// One tenant's SAML SP configuration as stored: the IdP metadata the owner uploaded, our SP entity ID and URLs,
/// and the SP key pair (PEM). Plain stored fields; the host parses and validates them (`IdPMetadata.parse`,
/// `SPCredential(privateKeyPEM:certificatePEM:)`) before storing and after loading.
public struct SSOConfigurationRecord: Sendable, Hashable {
    /// The tenant the configuration belongs to.
    public var tenantID: String
    /// The IdP metadata XML, byte for byte as uploaded.
    public var idpMetadata: [UInt8]
    /// Our SP entity ID.
    public var entityID: String
    /// Our public origin, without a trailing slash.
    public var baseURL: String
    /// Our ACS URL.
    public var acsURL: String
    /// The SP private key (PKCS#8 PEM). Stored only here; never logged.
    public var spKeyPEM: String
    /// The SP certificate (PEM).
    public var spCertificatePEM: String
    /// When the configuration was stored.
    public var updatedAt: Date

    /// Creates a record.
    public init(
        tenantID: String, idpMetadata: [UInt8], entityID: String, baseURL: String, acsURL: String, spKeyPEM: String,
        spCertificatePEM: String, updatedAt: Date
    ) {
        self.tenantID = tenantID
        self.idpMetadata = idpMetadata
        self.entityID = entityID
        self.baseURL = baseURL
        self.acsURL = acsURL
        self.spKeyPEM = spKeyPEM
        self.spCertificatePEM = spCertificatePEM
        self.updatedAt = updatedAt
    }
}

/// SAML SP configurations on PostgreSQL, one row per tenant, read by every instance: an owner's change made
/// through one instance (or the CLI) is what every instance's next SSO request uses.
public struct PostgresSSOConfigurationStore: Sendable {
    private let database: IdentityPostgresDatabase

    /// Creates the store on a migrated database.
    public init(database: IdentityPostgresDatabase) {
        self.database = database
    }

    /// The configuration of `tenantID`, or nil when it has none.
    public func load(tenantID: String) async throws -> SSOConfigurationRecord? {
        let table = database.table("sso_configurations")
        return try await database.perform("sso.load") { [database] in
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT idp_metadata, entity_id, base_url, acs_url, sp_key_pem, sp_cert_pem, updated_at
                        FROM \(table) WHERE tenant_id = $1
                        """,
                    binds: try binds(tenantID)), logger: database.logger)
            var found: SSOConfigurationRecord?
            for try await (metadata, entityID, baseURL, acsURL, key, certificate, updated) in rows.decode(
                (ByteBuffer, String, String, String, String, String, Double).self)
            {
                found = SSOConfigurationRecord(
                    tenantID: tenantID, idpMetadata: Array(metadata.readableBytesView), entityID: entityID,
                    baseURL: baseURL, acsURL: acsURL, spKeyPEM: key, spCertificatePEM: certificate,
                    updatedAt: Date(timeIntervalSinceReferenceDate: updated))
            }
            return found
        }
    }

    /// Stores `record`, replacing the tenant's previous configuration.
    public func save(_ record: SSOConfigurationRecord) async throws {
        let table = database.table("sso_configurations")
        try await database.perform("sso.save") { [database] in
            try await database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(table)
                            (tenant_id, idp_metadata, entity_id, base_url, acs_url, sp_key_pem, sp_cert_pem, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (tenant_id) DO UPDATE SET idp_metadata = EXCLUDED.idp_metadata,
                            entity_id = EXCLUDED.entity_id, base_url = EXCLUDED.base_url, acs_url = EXCLUDED.acs_url,
                            sp_key_pem = EXCLUDED.sp_key_pem, sp_cert_pem = EXCLUDED.sp_cert_pem,
                            updated_at = EXCLUDED.updated_at
                        """,
                    binds: try binds(
                        record.tenantID, ByteBuffer(bytes: record.idpMetadata), record.entityID, record.baseURL,
                        record.acsURL, record.spKeyPEM, record.spCertificatePEM,
                        record.updatedAt.timeIntervalSinceReferenceDate)), logger: database.logger)
        }
    }
}
