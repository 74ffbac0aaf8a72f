import Foundation
import IdentityPostgres
@testable import KisiIdentityServer
import SAMLCore
import Testing

/// The ACS parses the stored configuration and loads keys once per stored record, not once per login.
@Suite struct SSOTenantCacheTests {
    @Test func aRecordIsParsedOnceAndAChangedRecordAgain() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let database = try temp.open()
        let stores = ServerStores(sqlite: database)
        let cache = SSOTenantCache(stores: stores)
        try await SSOTests.configure(temp)
        let first = try #require(try await stores.sso.record())
        let consumers = try await (0..<3).asyncMap { _ in try await cache.tenant(for: first).get().consumer }
        #expect(await cache.builds == 1)
        #expect(Set(consumers.map(\.serviceProvider.idp.entityID)).count == 1)

        // `sso configure` again (another IdP key): the next request sees the new record and rebuilds once.
        let store = SSOConfigurationStore(database: database)
        _ = try await store.configure(
            idpMetadata: Array(try SSOTests.fixture("idp-metadata-4096.xml").utf8), entityID: SSOTests.entityID,
            baseURL: SSOTests.baseURL, now: SSOTests.fixtureNow.addingTimeInterval(1))
        let second = try #require(try await stores.sso.record())
        #expect(second != first)
        let rebuilt = try await cache.tenant(for: second).get()
        _ = try await cache.tenant(for: second).get()
        #expect(await cache.builds == 2)
        #expect(rebuilt.serviceProvider.idp.signingCertificates.map(\.rsaKeyBits) == [4096])
    }

    @Test func aRecordThatDoesNotBuildIsNotRetriedOnEveryRequest() async throws {
        let temp = try TemporaryDatabase()
        defer { temp.cleanup() }
        let stores = ServerStores(sqlite: try temp.open())
        let cache = SSOTenantCache(stores: stores)
        try await SSOTests.configure(temp)
        var broken = try #require(try await stores.sso.record())
        broken.spKeyPEM = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        for _ in 0..<2 {
            guard case .failure(let error) = await cache.tenant(for: broken) else { Issue.record("built"); return }
            #expect(error.code == .invalidKey)
        }
        #expect(await cache.builds == 1)
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
