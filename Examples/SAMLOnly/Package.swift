// swift-tools-version: 6.1
// An embedder that imports only SAMLCore. With `traits: ["SAMLCore"]` it resolves swift-log, swift-crypto,
// swift-certificates and swift-asn1 and nothing else; `Scripts/check-embedders.sh` (run by CI) fails otherwise.
import PackageDescription

let package = Package(
    name: "SAMLOnly",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A real host names the repository URL and a version instead of the path.
        .package(name: "KisiIdentity", path: "../..", traits: ["SAMLCore"]),
    ],
    targets: [
        .executableTarget(name: "SAMLOnly", dependencies: [.product(name: "SAMLCore", package: "KisiIdentity")]),
    ]
)
