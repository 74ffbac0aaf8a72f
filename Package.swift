// swift-tools-version: 6.1
import PackageDescription

/// One settings list applied to every Swift target (Swift 6 language mode is the tools default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "KisiIdentity",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SAMLCore", targets: ["SAMLCore"]),
        .library(name: "SCIMCore", targets: ["SCIMCore"]),
        .library(name: "DirectoryImport", targets: ["DirectoryImport"]),
        .library(name: "Licensing", targets: ["Licensing"]),
        // PostgreSQL-backed stores for hosts running several instances; only hosts that use it resolve postgres-nio.
        .library(name: "IdentityPostgres", targets: ["IdentityPostgres"]),
        .executable(name: "kisi-identity", targets: ["KisiIdentityCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C system libraries (see ../shared/notes/xmlsec.md for the traps these shims avoid)
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CXMLSec",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxmlsec1-dev", "libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: Libraries
        .target(
            name: "SAMLCore",
            dependencies: [
                "CLibXML2",
                "CXMLSec",
                "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCIMCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DirectoryImport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Licensing",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Reference server (routing, persistence, lifecycle; rules stay in the libraries)
        .target(
            name: "KisiIdentityServer",
            dependencies: [
                "SAMLCore",
                "SCIMCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                // `serve --database postgres://…`: the reference server can run as several instances.
                "IdentityPostgres",
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: PostgreSQL stores for hosts running several instances (only they resolve postgres-nio)
        .target(
            name: "IdentityPostgres",
            dependencies: [
                "SCIMCore",
                "SAMLCore",
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
                "SAMLCore",
                "SCIMCore",
                "DirectoryImport",
                "Licensing",
                "KisiIdentityServer",
                "IdentityPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "SAMLCoreTests",
            dependencies: ["SAMLCore", "CXMLSec", .product(name: "Logging", package: "swift-log")],
            exclude: ["Fixtures", "Scripts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SCIMCoreTests", dependencies: ["SCIMCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DirectoryImportTests",
            dependencies: [
                "DirectoryImport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LicensingTests",
            dependencies: ["Licensing", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
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
                "IdentityPostgres", "SCIMCore", "SAMLCore", "PostgresTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // One store suite run against every store implementation (in-memory, SQLite, PostgreSQL).
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: [
                "IdentityPostgres", "SCIMCore", "SAMLCore", "KisiIdentityServer", "PostgresTestSupport",
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
                "DirectoryImport",
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
                "SCIMCore",
                "PostgresTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// MARK: Fuzz harnesses (libFuzzer), declared only when KISI_FUZZ is set: Scripts/fuzz.sh sets it and builds into
// .build-fuzz with -sanitize=fuzzer,address. A plain `swift build`/`swift test` never sees these targets.
if Context.environment["KISI_FUZZ"] != nil {
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSAMLResponse", ["SAMLCore", "FuzzSupport"]),
        ("FuzzSAMLBase64", ["SAMLCore", "FuzzSupport"]),
        ("FuzzIdPMetadata", ["SAMLCore"]),
        ("FuzzSCIMFilter", ["SCIMCore"]),
        ("FuzzSCIMPatch", ["SCIMCore"]),
        ("FuzzSCIMRequest", ["SCIMCore", "FuzzSupport", .product(name: "Logging", package: "swift-log")]),
        ("FuzzJumpCloud", [
            "DirectoryImport", "FuzzSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        ("FuzzLicence", ["Licensing", .product(name: "Crypto", package: "swift-crypto")]),
    ]
    // Setup shared by several harnesses (the SAML validator over the fixtures, the inline task executor).
    package.targets.append(
        .target(name: "FuzzSupport", dependencies: ["SAMLCore"], path: "Sources/Fuzz/FuzzSupport", swiftSettings: swiftSettings))
    for fuzzer in fuzzers {
        package.targets.append(
            .executableTarget(
                name: fuzzer.name, dependencies: fuzzer.dependencies, path: "Sources/Fuzz/\(fuzzer.name)",
                swiftSettings: swiftSettings))
        package.products.append(.executable(name: fuzzer.name, targets: [fuzzer.name]))
    }
}
