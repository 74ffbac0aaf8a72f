import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
@testable import SAMLCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile-input limits and fuzzing regressions (issue 9): pathological inputs are rejected with the module's
/// error in well under a second, and nothing reaches the process's standard error.
@Suite struct SAMLHardeningTests {
    /// The CPU time the calling thread spends in `body`, in seconds. Timing bounds use it rather than wall
    /// time: the suite runs in parallel on a small shared machine, where wall time measures the neighbours.
    static func threadCPUTime<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        func now() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let start = now()
        let result = try body()
        return (result, now() - start)
    }

    /// What `validate(base64Response:)` does before the replay cache, synchronously: the size guard, base64
    /// decoding and evaluation. Returns the error code (`nil` if accepted) and the CPU seconds spent.
    static func rejectionCost(_ blob: String, _ validator: SAMLResponseValidator) -> (String?, Double) {
        threadCPUTime { () -> String? in
            guard blob.utf8.count <= validator.configuration.limits.maxBytes / 3 * 4 + 4096 else { return "malformed" }
            guard let xml = Base64.decode(blob) else { return "malformed" }
            do {
                _ = try validator.evaluate(xml: xml, expectedRequestID: nil, now: Fixtures.now)
                return nil
            } catch let error as SAMLError {
                return error.code.rawValue
            } catch {
                return "\(error)"
            }
        }
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    // MARK: 1 MiB base64 blobs

    /// About 1 MiB of base64 whose XML nests `<a>` elements 100,000 deep.
    static let deepBlob: String = {
        let depth = 98_000
        return base64(String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth))
    }()

    /// About 1 MiB of base64 holding 130,000 sibling elements (over the 20,000-node limit).
    static let wideBlob: String = base64("<r>" + String(repeating: "<a/>", count: 190_000) + "</r>")

    @Test(arguments: [("deep", deepBlob), ("wide", wideBlob)])
    func nestedElementBlobIsRejectedQuickly(_ name: String, _ blob: String) async throws {
        #expect(blob.utf8.count > 900_000 && blob.utf8.count <= 1 << 20, "\(name) blob is \(blob.utf8.count) bytes")
        let validator = try Fixtures.validator()
        await #expect(throws: SAMLError(.malformed, "")) {
            _ = try await validator.validate(base64Response: blob, expectedRequestID: nil, now: Fixtures.now)
        }
        let (code, seconds) = Self.rejectionCost(blob, validator)
        #expect(code == "malformed")
        #expect(seconds < 1, "\(name): \(seconds) s CPU")
    }

    @Test func oversizedFormValueIsRefusedBeforeDecoding() async throws {
        let blob = String(repeating: "PGE+", count: 400_000)  // 1.6 MB of base64 ("<a>" repeated)
        let validator = try Fixtures.validator()
        do {
            _ = try await validator.validate(base64Response: blob, expectedRequestID: nil, now: Fixtures.now)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .malformed)
            #expect(error.message.contains("exceeds"), "\(error.message)")
        }
        let (code, seconds) = Self.rejectionCost(blob, validator)
        #expect(code == "malformed")
        #expect(seconds < 0.1, "\(seconds) s CPU")
    }

    // MARK: Attribute limits

    /// `assertion-signed` carries 4 attributes with 5 values in total.
    @Test(arguments: [
        (XMLLimits(maxAttributes: 3), "more than 3 attributes"),
        (XMLLimits(maxAttributeValues: 4), "more than 4 attribute values"),
    ])
    func attributeCountsAreBounded(_ limits: XMLLimits, _ message: String) async throws {
        var configuration = try Fixtures.configuration()
        configuration.limits = limits
        let validator = try SAMLResponseValidator(configuration: configuration, replayCache: InMemoryReplayCache())
        let xml = try Fixtures.response("assertion-signed")
        #expect(throws: SAMLError(.malformed, "")) {
            _ = try validator.evaluate(xml: Array(xml.utf8), expectedRequestID: nil, now: Fixtures.now)
        }
        do {
            _ = try validator.evaluate(xml: Array(xml.utf8), expectedRequestID: nil, now: Fixtures.now)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
        // The defaults accept it.
        let accepted = try Fixtures.validator().evaluate(xml: Array(xml.utf8), expectedRequestID: nil, now: Fixtures.now)
        #expect(accepted.attributes.count == 4)
    }

    @Test func defaultLimitsAreDocumentedValues() {
        let limits = XMLLimits()
        #expect(limits.maxBytes == 1_048_576)
        #expect(limits.maxDepth == 64)
        #expect(limits.maxNodes == 20_000)
        #expect(limits.maxAttributes == 256)
        #expect(limits.maxAttributeValues == 1024)
    }

    // MARK: Fuzzing regression: libxml2 wrote parser errors to stderr

    /// `encrypted-aes128-cbc` with one base64 character of the EncryptedData's ciphertext changed: CBC garbles
    /// one plaintext block, so xmlsec's parse of the decrypted assertion fails. libxml2 used to print that parse
    /// error ("Entity: line 1: parser error …") to stderr, from the library. Found by FuzzSAMLResponse.
    static func corruptedCiphertext() throws -> String {
        let xml = try Fixtures.response("encrypted-aes128-cbc")
        let open = "<xenc:CipherValue>"
        let last = try #require(xml.range(of: open, options: .backwards))
        let end = try #require(xml.range(of: "</xenc:CipherValue>", range: last.upperBound..<xml.endIndex))
        let value = xml[last.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        #expect(value.count > 200)
        var characters = Array(value)
        let middle = characters.count / 3
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        return xml.replacingCharacters(in: last.upperBound..<end.lowerBound, with: String(characters))
    }

    /// Runs `body` with file descriptor 2 sent into a pipe and returns what was written meanwhile.
    static func capturingStandardError(_ body: () throws -> Void) throws -> String {
        fflush(nil)
        let saved = dup(2)
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        dup2(fds[1], 2)
        close(fds[1])
        var failure: (any Error)?
        do { try body() } catch { failure = error }
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        var captured: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            captured += buffer[0..<count]
        }
        close(fds[0])
        if let failure { throw failure }
        return String(decoding: captured, as: UTF8.self)
    }

    /// libxmlsec1 would fetch a CipherReference's URI (SAMLCore leaves libxmlsec1's global input callbacks alone):
    /// refused before any decryption, and the contexts allow no URI at all.
    @Test(arguments: ["file:///etc/hostname", "http://127.0.0.1:9/cipher", "#x"])
    func cipherReferenceIsRefusedBeforeDecryption(uri: String) async throws {
        let xml = try Fixtures.response("encrypted-aes128-cbc")
        let last = try #require(xml.range(of: "<xenc:CipherValue>", options: .backwards))
        let end = try #require(xml.range(of: "</xenc:CipherValue>", range: last.upperBound..<xml.endIndex))
        let hostile = xml.replacingCharacters(in: last.lowerBound..<end.upperBound, with: #"<xenc:CipherReference URI="\#(uri)"/>"#)
        let outcome = try await Fixtures.outcome(hostile)
        guard case .failure(let error) = outcome else { Issue.record("accepted"); return }
        #expect(error.code.rawValue == "decryption_failed")
        #expect(error.message.contains("CipherReference"), "\(error.message)")
    }

    @Test func corruptedCiphertextIsRejectedWithoutWritingToStderr() throws {
        let xml = try Self.corruptedCiphertext()
        let validator = try Fixtures.validator()
        var code: String?
        let captured = try Self.capturingStandardError {
            do {
                _ = try validator.evaluate(xml: Array(xml.utf8), expectedRequestID: nil, now: Fixtures.now)
            } catch let error as SAMLError {
                code = error.code.rawValue
            }
        }
        #expect(code == "decryption_failed" || code == "malformed", "\(code ?? "accepted")")
        // Other tests may write to stderr concurrently; libxml2's messages are recognisable.
        #expect(!captured.contains("parser error"), "\(captured)")
        #expect(!captured.contains("Entity: line"), "\(captured)")
    }
}

/// Regression from FuzzSAMLResponse (2026-11-29): a Reference listing exclusive c14n before the
/// enveloped-signature transform made libxmlsec1 1.2.37 leak 24 bytes per response (its c14n output buffer is not
/// freed when pushing into the XML-typed enveloped transform fails) — a slow memory leak any poster could drive.
/// Such orders are refused before libxmlsec1 runs (the fixtures, all enveloped-then-c14n, still verify).
@Suite struct ReferenceTransformOrderTests {
    static let enveloped = #"<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>"#
    static let c14n = #"<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>"#

    /// The signed fixture with its Reference's transforms replaced (the signature then no longer matches, but the
    /// order check comes first).
    static func withTransforms(_ transforms: String) throws -> String {
        let xml = try Fixtures.response("assertion-signed")
        let start = try #require(xml.range(of: "<ds:Transforms>"))
        let end = try #require(xml.range(of: "</ds:Transforms>"))
        return String(xml[..<start.upperBound]) + transforms + String(xml[end.lowerBound...])
    }

    @Test(arguments: [
        ("c14n, enveloped", c14n + enveloped), ("c14n twice", c14n + c14n),
        ("enveloped, c14n, enveloped", enveloped + c14n + enveloped), ("enveloped twice", enveloped + enveloped),
    ])
    func disallowedOrdersAreRefusedBeforeXMLSec(name: String, transforms: String) async throws {
        let xml = try Self.withTransforms(transforms)
        let outcome = try await Fixtures.outcome(xml, validator: try Fixtures.validator(), expectedRequestID: nil, now: Fixtures.now)
        guard case .failure(let error) = outcome else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(error.code == .signatureInvalid)
        #expect(error.message.contains("enveloped-signature then exclusive c14n"), "\(name): \(error.message)")
    }
}
