internal import IdentityPostgres
internal import SAMLCore

/// The stored SSO configuration, parsed once: the SP credential, the IdP metadata, the ``ServiceProvider`` and its
/// ``SAMLAssertionConsumer`` (whose validator holds the loaded keys). Rebuilt only when the stored record changes
/// (`sso configure`, possibly on another instance), so a login parses nothing but its own response.
actor SSOTenantCache {
    /// What one stored record yields.
    struct Tenant: Sendable {
        let serviceProvider: ServiceProvider
        let consumer: SAMLAssertionConsumer
    }

    private let stores: ServerStores
    /// The record the cached outcome was built from (a record that does not build is cached as its error).
    private var cached: (record: SSOConfigurationRecord, tenant: Result<Tenant, SAMLError>)?
    /// How many times a record was parsed (for tests: one per distinct record).
    private(set) var builds = 0

    init(stores: ServerStores) {
        self.stores = stores
    }

    /// The tenant of `record`, from the cache when the record is the one it was built from.
    func tenant(for record: SSOConfigurationRecord) -> Result<Tenant, SAMLError> {
        if let cached, cached.record == record { return cached.tenant }
        builds += 1
        let tenant = Result { () throws(SAMLError) -> Tenant in
            let configuration = try SSOConfiguration(record: record)
            let serviceProvider = try configuration.serviceProvider()
            return Tenant(
                serviceProvider: serviceProvider,
                consumer: try SAMLAssertionConsumer(
                    serviceProvider: serviceProvider, replayCache: stores.replayCache,
                    pendingRequests: stores.pendingRequests))
        }
        cached = (record, tenant)
        return tenant
    }
}
