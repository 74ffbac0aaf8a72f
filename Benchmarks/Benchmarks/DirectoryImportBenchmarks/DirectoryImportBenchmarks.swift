import Benchmark
import DirectoryImport
import Foundation
import Logging

// Targets (issue 6): plan for 100,000 users ≤ 0.3 s and ≤ 300 MB peak; snapshot of 10,000 users through an
// in-memory transport ≤ 0.5 s. Run: `cd Benchmarks && swift package benchmark --target DirectoryImportBenchmarks`.

private func hexID(_ n: Int) -> String {
    let digits = String(n, radix: 16)
    return String(repeating: "0", count: 24 - digits.count) + digits
}

private func directoryUser(_ n: Int) -> DirectoryUser {
    DirectoryUser(
        id: hexID(n), email: "user\(n)@example.com", username: "user\(n)", firstName: "First\(n)",
        lastName: "Last\(n)", state: n % 50 == 0 ? "STAGED" : "ACTIVATED", suspended: n % 97 == 0)
}

/// 100,000 members; the host has 95,000 of them (some stale, some inactive) plus 5,000 unmanaged entries.
private func plannerInput() -> (DirectorySnapshot, [ExistingUser]) {
    let count = 100_000
    let users = (0..<count).map(directoryUser)
    let membership = Dictionary(uniqueKeysWithValues: (0..<count).map { (hexID($0), ["group-a"]) })
    let snapshot = DirectorySnapshot(
        groups: [DirectoryGroup(id: "group-a", name: "A")], directoryUsers: users, membership: membership)
    var existing: [ExistingUser] = []
    existing.reserveCapacity(count)
    for n in 0..<95_000 {
        existing.append(
            ExistingUser(
                externalId: hexID(n), email: n % 10 == 0 ? "USER\(n)@example.com" : "user\(n)@example.com",
                firstName: n % 13 == 0 ? "Old\(n)" : "First\(n)", lastName: "Last\(n)", active: n % 17 != 0))
    }
    for n in 95_000..<count {
        existing.append(
            ExistingUser(
                externalId: nil, email: "user\(n)@example.com", firstName: "First\(n)", lastName: "Last\(n)",
                active: true))
    }
    return (snapshot, existing)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        maxDuration: .seconds(10), maxIterations: 20)

    Benchmark(
        "Plan 100,000 users",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal], maxIterations: 10)
    ) { benchmark, input in
        let planner = ImportPlanner()
        benchmark.startMeasurement()
        let plan = try planner.plan(snapshot: input.0, existing: input.1)
        blackHole(plan)
    } setup: {
        plannerInput()
    }

    Benchmark(
        "Snapshot 10,000 users (in-memory transport)",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal], maxIterations: 20)
    ) { benchmark, directory in
        let client = JumpCloudClient(
            credentials: try JumpCloudCredentials(apiKey: "benchmark-key"), transport: directory,
            logger: Logger(label: "benchmark", factory: { _ in SwiftLogNoOpLogHandler() }))
        benchmark.startMeasurement()
        let snapshot = try await client.snapshot(groupIDs: ["group-a"])
        blackHole(snapshot)
    } setup: {
        InMemoryJumpCloud(
            apiKey: "benchmark-key", groups: [DirectoryGroup(id: "group-a", name: "A")],
            members: ["group-a": (0..<10_000).map(hexID)], users: (0..<10_000).map(directoryUser))
    }
}
