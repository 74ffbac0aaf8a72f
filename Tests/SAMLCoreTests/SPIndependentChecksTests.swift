import Foundation
import SAMLCore
import Testing

/// Tools for the independent checks; each suite runs only when its tool is installed (CI installs them: apt
/// `openssl xmlsec1`, pip `pysaml2`).
enum InteropTools {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("Tests/SAMLCoreTests/Scripts/sp_interop.py").path
    static let fixtures = Fixtures.directory.path

    static let openssl = SPTestSupport.which("openssl")
    static let xmlsec1 = SPTestSupport.which("xmlsec1")

    /// A Python with pysaml2: `$KISI_PYTHON`, the repository's `.venv`, or `python3` on PATH.
    static let pythonWithPySAML2: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["KISI_PYTHON"] { candidates.append(configured) }
        candidates.append(packageRoot.appendingPathComponent(".venv/bin/python").path)
        if let python = SPTestSupport.which("python3") { candidates.append(python) }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            if (try? SPTestSupport.run(candidate, ["-c", "import saml2"]).status) == 0 { return candidate }
        }
        return nil
    }()

    static var pysaml2Usable: Bool { pythonWithPySAML2 != nil && xmlsec1 != nil }

    /// Runs the pysaml2 script; returns its JSON output, or `nil` (with the output recorded) when it failed.
    static func pysaml2(_ arguments: [String]) throws -> (status: Int32, json: [String: Any]?, output: String) {
        let python = try #require(pythonWithPySAML2)
        let result = try SPTestSupport.run(python, ["-W", "ignore", script] + arguments)
        let lastLine = result.output.split(separator: "\n").last.map(String.init) ?? ""
        let json = try? JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any]
        return (result.status, json, result.output)
    }

    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

@Suite(.enabled(if: InteropTools.openssl != nil, "openssl is not installed"))
struct SPOpenSSLChecksTests {
    @Test func opensslAcceptsTheGeneratedCertificateAndKey() throws {
        let openssl = try #require(InteropTools.openssl)
        let credential = try SPCredential.generate(commonName: "Acme Inc", organization: "Acme", now: Date())
        let directory = try SPTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cert = try InteropTools.write(credential.certificate.pemRepresentation, "cert.pem", in: directory)
        let key = try InteropTools.write(credential.privateKeyPEM, "key.pem", in: directory)

        let text = try SPTestSupport.run(openssl, ["x509", "-in", cert, "-noout", "-text"])
        #expect(text.status == 0)
        for needle in ["Version: 3 (0x2)", "Signature Algorithm: sha256WithRSAEncryption", "Public-Key: (2048 bit)",
                       "X509v3 Basic Constraints: critical", "CA:FALSE", "X509v3 Key Usage: critical",
                       "Digital Signature, Key Encipherment", "X509v3 Subject Key Identifier",
                       "Subject: CN = Acme Inc, O = Acme"] {
            #expect(text.output.contains(needle), "openssl x509 -text lacks \(needle)")
        }
        #expect(!text.output.contains("Certificate Sign"))

        let certModulus = try SPTestSupport.run(openssl, ["x509", "-in", cert, "-noout", "-modulus"])
        let keyModulus = try SPTestSupport.run(openssl, ["rsa", "-in", key, "-noout", "-modulus"])
        #expect(certModulus.status == 0 && keyModulus.status == 0)
        #expect(certModulus.output == keyModulus.output)
        #expect(try SPTestSupport.run(openssl, ["pkey", "-in", key, "-noout", "-check"]).status == 0)

        let verify = try SPTestSupport.run(openssl, ["verify", "-CAfile", cert, cert])
        #expect(verify.status == 0, "\(verify.output)")

        let fingerprint = try SPTestSupport.run(openssl, ["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.output.trimmingCharacters(in: .whitespacesAndNewlines)
                .hasSuffix("=" + credential.certificate.sha256Fingerprint))
        let serial = try SPTestSupport.run(openssl, ["x509", "-in", cert, "-noout", "-serial"])
        #expect(serial.output.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
                .hasSuffix(credential.certificate.serialNumber.uppercased()))
    }

    @Test func redirectSignatureVerifiesWithOpenSSL() throws {
        // openssl dgst checks the RSA-SHA256 PKCS#1 v1.5 signature over the exact SAMLRequest=…&RelayState=…&SigAlg=… octets.
        let openssl = try #require(InteropTools.openssl)
        let credential = try SPTestSupport.generatedCredential()
        let url = try SPTestSupport.request().redirectURL(relayState: "r s", signer: credential)
        let query = try SPTestSupport.query(of: url)
        let signedPart = try #require(query.range(of: "&Signature=")).lowerBound
        let signature = try #require(FormURLEncoding_decode(String(query[query.index(signedPart, offsetBy: 11)...])))
        let directory = try SPTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try InteropTools.write(String(query[..<signedPart]), "signed.txt", in: directory)
        let signatureFile = directory.appendingPathComponent("sig.bin")
        try Data(base64Encoded: signature)!.write(to: signatureFile)
        let publicKey = try InteropTools.write(credential.certificate.pemRepresentation, "cert.pem", in: directory)
        let pub = try SPTestSupport.run(openssl, ["x509", "-in", publicKey, "-noout", "-pubkey", "-out", directory.appendingPathComponent("pub.pem").path])
        #expect(pub.status == 0)
        let result = try SPTestSupport.run(openssl, [
            "dgst", "-sha256", "-verify", directory.appendingPathComponent("pub.pem").path, "-signature",
            signatureFile.path, data,
        ])
        #expect(result.output.contains("Verified OK"), "\(result.output)")
    }

    /// `%XX`/`+` decoding for the test (kept separate from the library's decoder on purpose).
    private func FormURLEncoding_decode(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

@Suite(.enabled(if: InteropTools.xmlsec1 != nil, "xmlsec1 is not installed"))
struct SPXMLSecEndToEndTests {
    /// Generate an SP certificate → the xmlsec1 CLI (as the IdP) signs a fixture assertion and encrypts it to
    /// that certificate → our ACS decrypts and accepts it; another SP key cannot.
    @Test func xmlsec1EncryptsToAGeneratedCertificateAndWeDecrypt() async throws {
        let xmlsec1 = try #require(InteropTools.xmlsec1)
        let credential = try SPCredential.generate(commonName: "Acme SSO", now: Fixtures.now)
        let directory = try SPTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixtures = InteropTools.fixtures
        let cert = try InteropTools.write(credential.certificate.pemRepresentation, "sp.crt", in: directory)
        let signed = directory.appendingPathComponent("signed.xml").path
        let encrypted = directory.appendingPathComponent("encrypted.xml").path
        let sign = try SPTestSupport.run(xmlsec1, [
            "--sign", "--privkey-pem", "\(fixtures)/keys/idp.key,\(fixtures)/keys/idp.crt",
            "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
            "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "--node-xpath", "//*[local-name()='Assertion' and @ID='_assert-1']/*[local-name()='Signature']",
            "--output", signed, "\(fixtures)/templates/responses/encrypted-aes128-cbc.xml",
        ])
        #expect(sign.status == 0, "\(sign.output)")
        let encrypt = try SPTestSupport.run(xmlsec1, [
            "--encrypt", "--pubkey-cert-pem", cert, "--session-key", "aes-256", "--xml-data", signed,
            "--node-name", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion", "--output", encrypted,
            "\(fixtures)/templates/encryption/aes128-cbc-oaep.xml",
        ])
        #expect(encrypt.status == 0, "\(encrypt.output)")
        let xml = try Data(contentsOf: URL(fileURLWithPath: encrypted))
        #expect(String(decoding: xml, as: UTF8.self).contains("EncryptedAssertion"))
        #expect(!String(decoding: xml, as: UTF8.self).contains("alice@example.com"))

        let provider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: credential))
        let acs = try SAMLAssertionConsumer(
            serviceProvider: provider, replayCache: InMemoryReplayCache(), pendingRequests: InMemoryPendingRequestStore())
        let outcome = try await acs.consume(base64Response: xml.base64EncodedString(), now: Fixtures.now)
        #expect(outcome.assertion.email == "alice@example.com")

        let otherProvider = try SPTestSupport.serviceProvider(keys: SPKeyRollover(current: try SPTestSupport.fixtureCredential()))
        let other = try SAMLAssertionConsumer(
            serviceProvider: otherProvider, replayCache: InMemoryReplayCache(), pendingRequests: InMemoryPendingRequestStore())
        await #expect(throws: SAMLError(.decryptionFailed, "")) {
            try await other.consume(base64Response: xml.base64EncodedString(), now: Fixtures.now)
        }
    }
}

@Suite(.enabled(if: InteropTools.pysaml2Usable, "python3 with pysaml2, or xmlsec1, is not installed"))
struct SPPySAML2Tests {
    /// A tenant with a generated key, its metadata written for pysaml2.
    private func setUp(signRequests: Bool) throws -> (ServiceProvider, URL, String) {
        let credential = try SPTestSupport.generatedCredential()
        let provider = try SPTestSupport.serviceProvider(
            keys: SPKeyRollover(current: credential, next: try SPTestSupport.fixtureCredential()),
            policy: SSOPolicy(signAuthnRequests: signRequests))
        let directory = try SPTestSupport.temporaryDirectory()
        let metadata = try InteropTools.write(try provider.metadata().xml(), "sp-metadata.xml", in: directory)
        return (provider, directory, metadata)
    }

    private var idpKeyArguments: [String] {
        ["\(InteropTools.fixtures)/keys/idp.key", "\(InteropTools.fixtures)/keys/idp.crt"]
    }

    @Test func pysaml2ReadsOurMetadata() throws {
        let (_, directory, metadata) = try setUp(signRequests: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try InteropTools.pysaml2(["metadata", metadata])
        let json = try #require(result.json, "\(result.output)")
        #expect(json["entity_id"] as? String == Fixtures.spEntityID)
        #expect(json["signing_certs"] as? Int == 2)
        #expect(json["encryption_certs"] as? Int == 2)
        #expect(json["authn_requests_signed"] as? String == "true")
        #expect(json["want_assertions_signed"] as? String == "true")
        #expect(json["name_id_formats"] as? [String] == [SPMetadata.emailAddressFormat])
        #expect(json["encryption_methods"] as? [String] == SPMetadata.encryptionMethods + SPMetadata.encryptionMethods)
        let acs = try #require(json["acs"] as? [[String: Any]])
        #expect(acs.count == 1)
        #expect(acs.first?["location"] as? String == Fixtures.acsURL)
        #expect(acs.first?["index"] as? String == "0")
    }

    @Test(arguments: [false, true])
    func pysaml2DecodesOurRedirectRequest(signed: Bool) async throws {
        let (provider, directory, metadata) = try setUp(signRequests: signed)
        defer { try? FileManager.default.removeItem(at: directory) }
        let start = try await provider.startLogin(
            binding: .httpRedirect, relayState: "/doors/42 x", pendingRequests: InMemoryPendingRequestStore(), now: Date())
        let url = try #require(start.redirectURL)
        let result = try InteropTools.pysaml2(["redirect", metadata] + idpKeyArguments + [url])
        let json = try #require(result.json, "\(result.output)")
        #expect(json["id"] as? String == start.requestID)
        #expect(json["issuer"] as? String == Fixtures.spEntityID)
        #expect(json["acs_url"] as? String == Fixtures.acsURL)
        #expect(json["destination"] as? String == "https://sso.jumpcloud.com/saml2/kisi")
        #expect(json["protocol_binding"] as? String == SAMLBinding.httpPost.rawValue)
        #expect(json["relay_state"] as? String == "/doors/42 x")
        #expect(json["signature_verified"] as? Bool == signed)
        if signed {
            // pysaml2 must refuse the same query with a changed RelayState.
            let tampered = url.replacingOccurrences(of: "RelayState=%2Fdoors%2F42+x", with: "RelayState=%2Fdoors%2F43+x")
            #expect(tampered != url)
            let rejected = try InteropTools.pysaml2(["redirect", metadata] + idpKeyArguments + [tampered])
            #expect(rejected.status != 0)
        }
    }

    @Test func pysaml2VerifiesOurSignedPostRequest() async throws {
        let (provider, directory, metadata) = try setUp(signRequests: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let request = try provider.makeAuthnRequest(binding: .httpPost, now: Date())
        let fields = try request.postFormFields(signer: try #require(provider.keys?.current))
        let result = try InteropTools.pysaml2(["post", metadata] + idpKeyArguments + [fields[0].value])
        let json = try #require(result.json, "\(result.output)")
        #expect(json["id"] as? String == request.id)
        #expect(json["signature_verified"] as? Bool == true)
        // An unsigned POST request is refused by an IdP that wants signed requests.
        let unsigned = try request.postFormFields()
        #expect(try InteropTools.pysaml2(["post", metadata] + idpKeyArguments + [unsigned[0].value]).status != 0)
    }
}
