import DirectoryImport
import Foundation
import HTTPTypes
import Logging
import Synchronization

/// A 24-hex-character JumpCloud-style ID for `n`.
func hexID(_ n: Int, prefix: String = "") -> String {
    let digits = String(n, radix: 16)
    return prefix + String(repeating: "0", count: max(0, 24 - prefix.count - digits.count)) + digits
}

/// A directory of `count` activated users `u0…`, with `members` per group.
func makeDirectory(
    apiKey: String = testKey, requiredOrgID: String? = nil, userCount: Int,
    groups: [String: [Int]] = [:], tweak: (inout DirectoryUser) -> Void = { _ in }
) -> InMemoryJumpCloud {
    let users = (0..<userCount).map { index in
        var user = DirectoryUser(
            id: hexID(index), email: "user\(index)@example.com", username: "user\(index)",
            firstName: "First\(index)", lastName: "Last\(index)")
        tweak(&user)
        return user
    }
    return InMemoryJumpCloud(
        apiKey: apiKey, requiredOrgID: requiredOrgID,
        groups: groups.keys.sorted().map { DirectoryGroup(id: $0, name: "Group \($0)", description: "about \($0)") },
        members: groups.mapValues { $0.map { hexID($0) } }, users: users)
}

let testKey = "sk-test-0123456789abcdef0123456789abcdef"
let groupA = "5f0a00000000000000000a01"
let groupB = "5f0a00000000000000000b02"

/// What a scripted transport does with one request.
enum Outcome: Sendable {
    case respond(status: Int, headers: [String: String] = [:], body: String)
    case drop
}

/// Wraps an ``InMemoryJumpCloud``; a rule may replace the answer to a request. The rule receives the target
/// (`path?query`) and how many times that target was requested before.
final class ScriptedTransport: HTTPTransport {
    typealias Rule = @Sendable (_ target: String, _ previousCalls: Int) -> Outcome?
    struct Dropped: Error {}

    let base: InMemoryJumpCloud
    let rule: Rule
    private let state = Mutex<(calls: [String: Int], requests: [HTTPRequest])>(([:], []))

    init(_ base: InMemoryJumpCloud, rule: @escaping Rule = { _, _ in nil }) {
        self.base = base
        self.rule = rule
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var targets: [String] { requests.map { $0.path ?? "" } }

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let target = request.path ?? ""
        let previous = state.withLock { state in
            state.requests.append(request)
            defer { state.calls[target, default: 0] += 1 }
            return state.calls[target, default: 0]
        }
        switch rule(target, previous) {
        case .none:
            return base.respond(to: request)
        case .drop:
            throw Dropped()
        case .respond(let status, let headers, let body)?:
            var fields = HTTPFields()
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return (HTTPResponse(status: .init(code: status), headerFields: fields), Data(body.utf8))
        }
    }
}

/// Records the waits instead of waiting.
final class SleepRecorder: Sendable {
    private let waits = Mutex<[Duration]>([])
    var recorded: [Duration] { waits.withLock { $0 } }
    var sleeper: RetryPolicy.Sleeper { { [self] duration in waits.withLock { $0.append(duration) } } }
    /// A policy that never really sleeps and has no jitter (jitter 0 → half the step).
    func policy(maxAttempts: Int = 5) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, sleep: sleeper, jitter: { 0 })
    }
}

/// Captures every log line (message + metadata) at trace level.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    var all: String { lines.withLock { $0.joined(separator: "\n") } }
    var count: Int { lines.withLock { $0.count } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}

func makeClient(
    _ transport: some HTTPTransport, orgID: String? = nil, sleeper: SleepRecorder = SleepRecorder(),
    logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
    scope: MembershipScope = .direct, maxAttempts: Int = 5
) throws -> JumpCloudClient {
    JumpCloudClient(
        credentials: try JumpCloudCredentials(apiKey: testKey, orgID: orgID),
        transport: transport, retryPolicy: sleeper.policy(maxAttempts: maxAttempts), membershipScope: scope,
        logger: logger)
}

/// The code of a thrown ``DirectoryImportError`` (or `nil`).
func code(of operation: () async throws -> some Any) async -> String? {
    do {
        _ = try await operation()
        return nil
    } catch let error as DirectoryImportError {
        return error.code.rawValue
    } catch {
        return "other: \(error)"
    }
}
