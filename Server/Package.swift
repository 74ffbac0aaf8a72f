// swift-tools-version: 6.1
// The reference server (`KisiIdentityServer`), its PostgreSQL stores (`IdentityPostgres`) and the `kisi-identity`
// command-line tool. They live in a package of their own, beside the libraries rather than in the root manifest,
// so that an embedder of SAMLCore, SCIMCore, DirectoryImport or Licensing never resolves Hummingbird, GRDB,
// swift-nio or postgres-nio. Build and test from the repository root with `--package-path Server`.
import PackageDescription

/// One settings list applied to every Swift target (Swift 6 language mode is the tools default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A product of the libraries' package (the repository root).
func library(_ name: String) -> Target.Dependency { .product(name: name, package: "KisiIdentity") }

let package = Package(
    name: "KisiIdentityServer",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "KisiIdentityServer", targets: ["KisiIdentityServer"]),
        // PostgreSQL-backed stores for hosts running several instances.
        .library(name: "IdentityPostgres", targets: ["IdentityPostgres"]),
        .executable(name: "kisi-identity", targets: ["KisiIdentityCLI"]),
    ],
    dependencies: [
        // The libraries, with their default traits (all four).
        .package(name: "KisiIdentity", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: Reference server (routing, persistence, lifecycle; rules stay in the libraries)
        .target(
            name: "KisiIdentityServer",
            dependencies: [
                library("SAMLCore"),
                library("SCIMCore"),
                library("Licensing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                // SecretSealer: AES-GCM for secrets at rest.
                .product(name: "Crypto", package: "swift-crypto"),
                // `serve --database postgres://…`: the reference server can run as several instances.
                "IdentityPostgres",
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: PostgreSQL stores for hosts running several instances
        .target(
            name: "IdentityPostgres",
            dependencies: [
                library("SCIMCore"),
                library("SAMLCore"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Command-line tool
        .executableTarget(
            name: "KisiIdentityCLI",
            dependencies: [
                library("SAMLCore"),
                library("SCIMCore"),
                library("DirectoryImport"),
                library("Licensing"),
                "KisiIdentityServer",
                "IdentityPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        // The throwaway PostgreSQL servers the PostgreSQL-backed tests share (not a product).
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "IdentityPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IdentityPostgresTests",
            dependencies: [
                "IdentityPostgres", "PostgresTestSupport",
                library("SCIMCore"),
                library("SAMLCore"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // One store suite run against every store implementation (in-memory, SQLite, PostgreSQL).
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: [
                "IdentityPostgres", "KisiIdentityServer", "PostgresTestSupport",
                library("SCIMCore"),
                library("SAMLCore"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KisiIdentityCLITests",
            dependencies: [
                "KisiIdentityCLI",
                // DirectoryCLITests serves an InMemoryJumpCloud on a loopback socket.
                library("DirectoryImport"),
                // ScaleOutTests run two `serve` processes on a throwaway PostgreSQL.
                "PostgresTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KisiIdentityServerTests",
            dependencies: [
                "KisiIdentityServer",
                "PostgresTestSupport",
                library("SCIMCore"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// MARK: Documentation, declared only when KISI_DOCS is set (Scripts/docs.sh, run by CI).
if Context.environment["KISI_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
