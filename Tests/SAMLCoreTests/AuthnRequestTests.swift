import Foundation
@testable import SAMLCore
import Testing

@Suite struct AuthnRequestTests {
    @Test func xmlCarriesEveryRequiredField() throws {
        let request = SPTestSupport.request(id: "_abc")
        let document = try SPTestSupport.document(Array(request.xml.utf8))
        let root = try #require(document.root)
        #expect(root.is(XMLNamespace.samlp, "AuthnRequest"))
        #expect(root.attribute("ID") == "_abc")
        #expect(root.attribute("Version") == "2.0")
        #expect(root.attribute("IssueInstant") == "2026-01-01T00:01:00Z")
        #expect(root.attribute("Destination") == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(root.attribute("AssertionConsumerServiceURL") == Fixtures.acsURL)
        #expect(root.attribute("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
        #expect(root.attribute("ForceAuthn") == nil)
        #expect(root.firstChild(XMLNamespace.saml, "Issuer")?.text == Fixtures.spEntityID)
        let policy = try #require(root.firstChild(XMLNamespace.samlp, "NameIDPolicy"))
        #expect(policy.attribute("Format") == SPMetadata.emailAddressFormat)
        #expect(policy.attribute("AllowCreate") == "true")
    }

    @Test func valuesAreEscaped() throws {
        var request = SPTestSupport.request()
        request.acsURL = "https://kisi.example/acs?a=1&b=\"2\"<"
        let parsed = try AuthnRequest.parse(xml: Array(request.xml.utf8))
        #expect(parsed.acsURL == request.acsURL)
    }

    @Test func parseRoundTrip() throws {
        var request = SPTestSupport.request()
        request.forceAuthn = true
        request.allowCreate = false
        #expect(try AuthnRequest.parse(xml: Array(request.xml.utf8)) == request)
    }

    @Test func idsAreFreshUnguessableNCNames() {
        let ids = (0..<1000).map { _ in SAMLID.generate() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(20) {
            #expect(id.count == 41)
            #expect(id.first == "_")
            #expect(id.dropFirst().allSatisfy { $0.isHexDigit })
        }
        #expect(AuthnRequest(issueInstant: Fixtures.now, destination: "d", issuer: "i", acsURL: "a").id
                != AuthnRequest(issueInstant: Fixtures.now, destination: "d", issuer: "i", acsURL: "a").id)
    }

    @Test func unsignedRedirectRoundTrips() throws {
        let request = SPTestSupport.request()
        let url = try request.redirectURL(relayState: "/doors?x=1 2")
        #expect(url.hasPrefix("https://sso.jumpcloud.com/saml2/kisi?SAMLRequest="))
        #expect(!url.contains("Signature="))
        let message = try RedirectBinding.decode(
            query: try SPTestSupport.query(of: url), parameter: .request, trustedCertificates: [], requireSignature: false)
        #expect(message.relayState == "/doors?x=1 2")
        #expect(!message.isSignatureVerified)
        #expect(String(decoding: message.xml, as: UTF8.self) == request.xml)
    }

    @Test func redirectUsesRawDeflateWithoutZlibHeader() throws {
        let url = try SPTestSupport.request().redirectURL()
        let value = try #require(FormURLEncoding.decode(Substring(try SPTestSupport.query(of: url).dropFirst("SAMLRequest=".count))))
        let bytes = try #require(Data(base64Encoded: value))
        // A zlib stream starts with 0x78; raw DEFLATE of this text starts with a block header instead.
        #expect(bytes.first != 0x78)
        #expect(try RawDeflate.decompress(Array(bytes), maxBytes: 10_000) == Array(SPTestSupport.request().xml.utf8))
    }

    @Test func signedRedirectVerifiesOverTheExactQueryOctets() throws {
        let credential = try SPTestSupport.fixtureCredential()
        let url = try SPTestSupport.request().redirectURL(relayState: "state-1", signer: credential)
        let query = try SPTestSupport.query(of: url)
        // Order required by SAML Bindings §3.4.4.1.
        let names = query.split(separator: "&").map { $0.split(separator: "=")[0] }
        #expect(names == ["SAMLRequest", "RelayState", "SigAlg", "Signature"])
        #expect(query.contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256"))
        let message = try RedirectBinding.decode(
            query: query, parameter: .request, trustedCertificates: [credential.certificate.derBytes],
            requireSignature: true)
        #expect(message.isSignatureVerified)
        #expect(message.relayState == "state-1")
    }

    @Test func signedRedirectWithoutRelayState() throws {
        let credential = try SPTestSupport.fixtureCredential()
        let url = try SPTestSupport.request().redirectURL(signer: credential)
        let message = try RedirectBinding.decode(
            query: try SPTestSupport.query(of: url), parameter: .request,
            trustedCertificates: [credential.certificate.derBytes], requireSignature: true)
        #expect(message.isSignatureVerified)
        #expect(message.relayState == nil)
    }

    /// Each tampering of a signed query and the exact code it must produce.
    @Test(arguments: [
        ("relay", "signature_invalid"),
        ("request", "signature_invalid"),
        ("wrong-key", "signature_invalid"),
        ("sha1", "unsupported_algorithm"),
        ("unsigned", "signature_missing"),
        ("duplicate", "malformed"),
        ("no-sigalg", "malformed"),
        ("other-parameter", "malformed"),
    ])
    func tamperedRedirectIsRejected(_ tampering: String, _ code: String) throws {
        let credential = try SPTestSupport.fixtureCredential()
        let url = try SPTestSupport.request().redirectURL(relayState: "state-1", signer: credential)
        var query = try SPTestSupport.query(of: url)
        var trusted = [credential.certificate.derBytes]
        switch tampering {
        case "relay": query = query.replacingOccurrences(of: "RelayState=state-1", with: "RelayState=state-2")
        case "request":
            let other = try SPTestSupport.query(of: try SPTestSupport.request(id: "_other").redirectURL())
            let otherValue = other.split(separator: "&")[0]
            query = ([String(otherValue)] + query.split(separator: "&").dropFirst().map(String.init)).joined(separator: "&")
        case "wrong-key": trusted = [try IdPCertificate(pem: try Fixtures.text("keys/attacker.crt")).derBytes]
        case "sha1":
            query = query.replacingOccurrences(of: "xmldsig-more%23rsa-sha256", with: "xmldsig%23rsa-sha1")
                .replacingOccurrences(of: "2001%2F04%2Fxmldsig", with: "2000%2F09%2Fxmldsig")
        case "unsigned": query = try SPTestSupport.query(of: try SPTestSupport.request().redirectURL())
        case "duplicate": query += "&RelayState=again"
        case "no-sigalg": query = query.split(separator: "&").filter { !$0.hasPrefix("SigAlg=") }.joined(separator: "&")
        case "other-parameter": query += "&SAMLResponse=abc"
        default: Issue.record("unknown tampering")
        }
        #expect(throws: SAMLError(.init(rawValue: code), "")) {
            try RedirectBinding.decode(query: query, parameter: .request, trustedCertificates: trusted, requireSignature: true)
        }
    }

    @Test func inflateIsCappedAgainstDeflateBombs() throws {
        let bomb = try RawDeflate.compress([UInt8](repeating: 0x41, count: 1_000_000))
        #expect(bomb.count < 5_000)
        let query = "SAMLRequest=" + FormURLEncoding.encode(Data(bomb).base64EncodedString())
        #expect(throws: SAMLError(.malformed, "")) {
            try RedirectBinding.decode(query: query, parameter: .request, trustedCertificates: [], requireSignature: false)
        }
    }

    @Test func relayStateOver80BytesIsRefused() throws {
        let long = String(repeating: "r", count: 81)
        #expect(throws: SAMLError(.invalidConfiguration, "")) { try SPTestSupport.request().redirectURL(relayState: long) }
        #expect(throws: SAMLError(.invalidConfiguration, "")) { try SPTestSupport.request().postForm(relayState: long) }
        _ = try SPTestSupport.request().redirectURL(relayState: String(repeating: "r", count: 80))
    }

    @Test func destinationWithQueryGetsAnAmpersand() throws {
        var request = SPTestSupport.request()
        request.destination = "https://idp.example/sso?tenant=acme"
        #expect(try request.redirectURL().hasPrefix("https://idp.example/sso?tenant=acme&SAMLRequest="))
    }

    @Test func unsignedPostFormAutoSubmits() throws {
        let request = SPTestSupport.request()
        let fields = try request.postFormFields(relayState: "rs")
        #expect(fields.map(\.name) == ["SAMLRequest", "RelayState"])
        #expect(Data(base64Encoded: fields[0].value) == Data(request.xml.utf8))
        let html = try request.postForm(relayState: "rs")
        #expect(html.contains("<form method=\"post\" action=\"https://sso.jumpcloud.com/saml2/kisi\">"))
        #expect(html.contains("onload=\"document.forms[0].submit()\""))
        #expect(html.contains("name=\"SAMLRequest\" value=\"\(fields[0].value)\""))
        #expect(html.contains("name=\"RelayState\" value=\"rs\""))
    }

    @Test func postFormEscapesRelayState() throws {
        let html = try SPTestSupport.request().postForm(relayState: "\"><script>")
        #expect(!html.contains("<script>"))
        #expect(html.contains("&quot;&gt;&lt;script&gt;"))
    }

    @Test func signedPostCarriesAVerifiableEnvelopedSignatureAfterTheIssuer() throws {
        let credential = try SPTestSupport.fixtureCredential()
        let fields = try SPTestSupport.request(id: "_signed-1").postFormFields(signer: credential)
        let xml = try #require(Data(base64Encoded: fields[0].value))
        let document = try SPTestSupport.document(Array(xml))
        let root = try #require(document.root)
        #expect(root.children.map(\.localName) == ["Issuer", "Signature", "NameIDPolicy"])
        try document.registerID(of: root, attribute: "ID")
        let signature = try #require(root.firstChild(XMLNamespace.ds, "Signature"))
        let keys = try XMLSecKeySet(
            publicKeysDER: [try IdPCertificate(derEncoded: credential.certificate.derBytes).subjectPublicKeyInfoDER])
        try SignatureVerifier(keys: keys, algorithms: AlgorithmPolicy()).verify(
            signature: signature, of: root, in: document)
        // Another key must not verify it.
        let attacker = try XMLSecKeySet(
            publicKeysDER: [try IdPCertificate(pem: try Fixtures.text("keys/attacker.crt")).subjectPublicKeyInfoDER])
        #expect(throws: SAMLError(.signatureInvalid, "")) {
            try SignatureVerifier(keys: attacker, algorithms: AlgorithmPolicy()).verify(
                signature: signature, of: root, in: document)
        }
        #expect(try AuthnRequest.parse(xml: Array(xml)).id == "_signed-1")
    }
}

@Suite struct SPEncodingTests {
    @Test(arguments: [
        ("abc-._~XYZ09", "abc-._~XYZ09"),
        ("a b", "a+b"),
        ("a+b/c=", "a%2Bb%2Fc%3D"),
        ("é", "%C3%A9"),
        ("&?#%", "%26%3F%23%25"),
    ])
    func formEncoding(_ plain: String, _ encoded: String) {
        #expect(FormURLEncoding.encode(plain) == encoded)
        #expect(FormURLEncoding.decode(Substring(encoded)) == plain)
    }

    @Test(arguments: ["%", "%4", "%zz", "%FF"])
    func malformedPercentEncoding(_ text: String) {
        #expect(FormURLEncoding.decode(Substring(text)) == nil)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"),
        (1_767_225_600.0, "2026-01-01T00:00:00Z"),
        (1_767_225_659.999, "2026-01-01T00:00:59Z"),
        (951_782_400.0, "2000-02-29T00:00:00Z"),
        (4_107_542_399.0, "2100-02-28T23:59:59Z"),
        (-1.0, "1969-12-31T23:59:59Z"),
    ])
    func timestampFormat(_ seconds: Double, _ expected: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(SAMLTime.format(date) == expected)
        // Round trip through the validator's parser (whole seconds).
        #expect(SAMLTime.parse(expected) == Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    @Test func timestampFormatAgreesWithFoundationAcrossYears() {
        var seconds = -86_400.0 * 365 * 30
        while seconds < 86_400.0 * 365 * 200 {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(SAMLTime.format(date) == date.formatted(Date.ISO8601FormatStyle()))
            seconds += 86_400 * 37 + 3_611
        }
    }

    @Test func xmlEscape() {
        #expect(XMLEscape.escape("plain") == "plain")
        #expect(XMLEscape.escape("a&b<c>d\"e\tf\ng\u{1}") == "a&amp;b&lt;c&gt;d&quot;e&#x9;f&#xA;g")
    }

    @Test func pooledDeflateStreamsAreSafeUnderConcurrency() async throws {
        // Many concurrent encodings share the pooled zlib streams; each must round-trip to its own input.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let input = Array(String(repeating: "request \(index) ", count: 10 + index).utf8)
                    let compressed = try RawDeflate.compress(input)
                    return try RawDeflate.decompress(compressed, maxBytes: 100_000) == input
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func truncatedDeflateIsMalformed() throws {
        let compressed = try RawDeflate.compress(Array("hello hello hello".utf8))
        #expect(throws: SAMLError(.malformed, "")) {
            try RawDeflate.decompress(Array(compressed.dropLast(3)), maxBytes: 1000)
        }
        #expect(throws: SAMLError(.malformed, "")) { try RawDeflate.decompress([0xFF, 0xFF, 0xFF], maxBytes: 1000) }
    }
}
