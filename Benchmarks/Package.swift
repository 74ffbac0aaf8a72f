// swift-tools-version: 6.1
// Benchmarks live in their own package so embedders of the libraries never resolve package-benchmark.
// Run from this folder: `swift package benchmark` (all) or `swift package benchmark --target SAMLBenchmarks`.
import PackageDescription

let benchmarkDependencies: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
]

let package = Package(
    name: "KisiIdentityBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "KisiIdentity", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SAMLBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "SAMLCore", package: "KisiIdentity")],
            path: "Benchmarks/SAMLBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SAMLSPBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "SAMLCore", package: "KisiIdentity")],
            path: "Benchmarks/SAMLSPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SCIMBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "SCIMCore", package: "KisiIdentity")],
            path: "Benchmarks/SCIMBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "DirectoryImportBenchmarks",
            dependencies: benchmarkDependencies + [.product(name: "DirectoryImport", package: "KisiIdentity")],
            path: "Benchmarks/DirectoryImportBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
