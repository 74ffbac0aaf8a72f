// libFuzzer harness: hostile JumpCloud responses. The input is split at "\n--\n" into up to three bodies,
// served (status 200) for the group, its member list and the user list; JumpCloudClient.snapshot decodes
// them, pages (page size 2, so paging and the duplicate/total checks run) and must end with a snapshot or
// an error. Built only by Scripts/fuzz.sh (KISI_FUZZ=1, -sanitize=fuzzer,address).
import DirectoryImport
import FuzzSupport
import Foundation
import HTTPTypes
import Logging

/// Serves the fuzzed bodies by path; the x-total-count header comes from the first line of a body when that
/// line starts with "#" (e.g. "#3").
struct FuzzTransport: HTTPTransport {
    let bodies: [Data]

    func send(_ request: HTTPRequest, body: Data?) async throws -> (HTTPResponse, Data) {
        let path = request.path ?? ""
        let index = path.hasPrefix("/api/systemusers") ? 2 : path.contains("/members") ? 1 : 0
        var data = index < bodies.count ? bodies[index] : Data("[]".utf8)
        var fields = HTTPFields()
        if data.first == UInt8(ascii: "#"), let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
            fields[HTTPField.Name("x-total-count")!] = String(decoding: data[data.startIndex + 1..<newline], as: UTF8.self)
            data = Data(data[(newline + 1)...])
        }
        return (HTTPResponse(status: .ok, headerFields: fields), data)
    }
}

enum Setup {
    static let executor = InlineExecutor()
    static let separator = Data("\n--\n".utf8)
    static let credentials: JumpCloudCredentials = {
        guard let credentials = try? JumpCloudCredentials(apiKey: "sk-fuzz-0123456789abcdef0123456789abcdef")
        else { fatalError("credentials") }
        return credentials
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(UnsafeRawBufferPointer(start: start, count: count))
    var bodies: [Data] = []
    var rest = data[...]
    while bodies.count < 2, let range = rest.firstRange(of: Setup.separator) {
        bodies.append(Data(rest[..<range.lowerBound]))
        rest = rest[range.upperBound...]
    }
    bodies.append(Data(rest))
    Setup.executor.runSynchronously { [bodies] in
        let client = JumpCloudClient(
            credentials: Setup.credentials, transport: FuzzTransport(bodies: bodies),
            retryPolicy: RetryPolicy(maxAttempts: 1, sleep: { _ in }), pageSize: 2,
            logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try? await client.snapshot(groupIDs: ["5f0a00000000000000000a01"])
    }
    return 0
}
