// swift-tools-version: 6.1
import PackageDescription

/// One settings list applied to every Swift target (Swift 6 language mode is the tools default).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One package trait per library, named like its product. An embedder that names only the traits of the libraries
/// it imports resolves only their dependencies (SwiftPM 6.1+ prunes dependencies reached only through a disabled
/// trait), e.g. `.package(url: "…/kisi-identity", from: "…", traits: ["SAMLCore"])` resolves swift-log,
/// swift-crypto, swift-certificates and swift-asn1 and nothing else. All four are on by default.
/// `Scripts/check-embedders.sh` (run by CI) proves it with the packages under `Examples/`.
let libraryTraits: [(name: String, description: String)] = [
    ("SAMLCore", "SAML 2.0 service provider (swift-log, swift-crypto, swift-certificates, swift-asn1; libxml2, libxmlsec1)"),
    ("SCIMCore", "SCIM 2.0 service provider core (swift-log, swift-crypto)"),
    ("DirectoryImport", "JumpCloud Directory API client and import plans (swift-log, swift-http-types)"),
    ("Licensing", "Signed SSO licenses and owner/integration gating (swift-log, swift-crypto)"),
]

/// A dependency that a library needs only when its trait is enabled.
func product(_ name: String, _ package: String, for library: String) -> Target.Dependency {
    .product(name: name, package: package, condition: .when(traits: [library]))
}

/// A C system-library target that a library needs only when its trait is enabled.
func system(_ name: String, for library: String) -> Target.Dependency {
    .target(name: name, condition: .when(traits: [library]))
}

// The reference server, its PostgreSQL stores and the `kisi-identity` CLI live in the nested package `Server/`
// (it depends on this one by path, like `Benchmarks/`), so that no embedder of a library resolves Hummingbird,
// GRDB, swift-nio or postgres-nio.
let package = Package(
    name: "KisiIdentity",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SAMLCore", targets: ["SAMLCore"]),
        .library(name: "SCIMCore", targets: ["SCIMCore"]),
        .library(name: "DirectoryImport", targets: ["DirectoryImport"]),
        .library(name: "Licensing", targets: ["Licensing"]),
    ],
    traits: Set(libraryTraits.map { Trait(name: $0.name, description: $0.description) })
        .union([.default(enabledTraits: Set(libraryTraits.map(\.name)))]),
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Test-only (LicensingTests): SwiftPM does not resolve it for embedders.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
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
                system("CLibXML2", for: "SAMLCore"),
                system("CXMLSec", for: "SAMLCore"),
                system("CZlib", for: "SAMLCore"),
                product("Logging", "swift-log", for: "SAMLCore"),
                product("Crypto", "swift-crypto", for: "SAMLCore"),
                product("_CryptoExtras", "swift-crypto", for: "SAMLCore"),
                product("X509", "swift-certificates", for: "SAMLCore"),
                product("SwiftASN1", "swift-asn1", for: "SAMLCore"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCIMCore",
            dependencies: [
                product("Logging", "swift-log", for: "SCIMCore"),
                product("Crypto", "swift-crypto", for: "SCIMCore"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DirectoryImport",
            dependencies: [
                product("Logging", "swift-log", for: "DirectoryImport"),
                product("HTTPTypes", "swift-http-types", for: "DirectoryImport"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Licensing",
            dependencies: [
                product("Crypto", "swift-crypto", for: "Licensing"),
                product("Logging", "swift-log", for: "Licensing"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests (the server's, PostgreSQL's and the CLI's are in Server/)
        .testTarget(
            name: "SAMLCoreTests",
            dependencies: ["SAMLCore", "CXMLSec", "CLibXML2", .product(name: "Logging", package: "swift-log")],
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
    ]
)

// MARK: Documentation, declared only when KISI_DOCS is set (Scripts/docs.sh, run by CI), so that no embedder
// resolves swift-docc-plugin.
if Context.environment["KISI_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}

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
        ("FuzzLicense", ["Licensing", .product(name: "Crypto", package: "swift-crypto")]),
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
