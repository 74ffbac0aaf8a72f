import Foundation
import Testing
@testable import SCIMCore

@Suite struct MessageTests {
    @Test func listResponseBothWays() throws {
        let list = SCIMListResponse(totalResults: 7, startIndex: 3, resources: [json(#"{"id": "a"}"#)])
        #expect(try SCIMListResponse(json: list.json) == list)
        #expect(list.json["itemsPerPage"] == .integer(1))
        // Providers that omit an empty Resources array still parse.
        #expect(try SCIMListResponse(json: json(#"{"totalResults": 0}"#)).resources.isEmpty)
        #expect(throws: SCIMError(.invalidSyntax)) { try SCIMListResponse(json: json(#"{"Resources": []}"#)) }
    }

    @Test func patchRequestBothWays() throws {
        let request = SCIMPatchRequest(operations: [
            SCIMPatchOperation(.replace, path: "active", value: .bool(false)), SCIMPatchOperation(.remove, path: "title"),
        ])
        #expect(try SCIMPatchRequest(json: request.json) == request)
    }

    @Test(arguments: [SCIMError.Code.uniqueness, .invalidFilter, .notFound, .unauthorized, .preconditionFailed, .payloadTooLarge, .notImplemented])
    func errorDocumentBothWays(_ code: SCIMError.Code) throws {
        let error = SCIMError(code, "explained")
        let parsed = try #require(SCIMError(document: error.document))
        #expect(parsed == error)
        #expect(parsed.message == "explained")
        #expect(SCIMError(document: json(#"{"detail": "x"}"#)) == nil)
    }
}
