import Benchmark

// Suites are added by the module's owner; see ../../Package.swift for how to run them.
let benchmarks: @Sendable () -> Void = {}
