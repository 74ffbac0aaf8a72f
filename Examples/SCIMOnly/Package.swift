// swift-tools-version: 6.1
// An embedder that imports only SCIMCore. With `traits: ["SCIMCore"]` it resolves swift-log, swift-crypto and
// swift-asn1 and nothing else; `Scripts/check-embedders.sh` (run by CI) fails otherwise.
import PackageDescription

let package = Package(
    name: "SCIMOnly",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A real host names the repository URL and a version instead of the path.
        .package(name: "KisiIdentity", path: "../..", traits: ["SCIMCore"]),
    ],
    targets: [
        .executableTarget(name: "SCIMOnly", dependencies: [.product(name: "SCIMCore", package: "KisiIdentity")]),
    ]
)
