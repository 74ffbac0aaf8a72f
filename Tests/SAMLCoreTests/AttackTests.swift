import Foundation
import SAMLCore
import Testing

/// Known attack classes against SAML service providers, built by editing validly signed fixtures.
@Suite struct AttackTests {
    // MARK: Text helpers over the fixtures' known layout

    static func block(_ xml: String, from open: String, to close: String) -> String {
        let start = xml.range(of: open)!.lowerBound
        let end = xml.range(of: close, range: start..<xml.endIndex)!.upperBound
        return String(xml[start..<end])
    }

    static var signed: String { try! Fixtures.response("assertion-signed") }
    static var responseSigned: String { try! Fixtures.response("response-signed") }
    static var assertion: String { block(signed, from: "<saml:Assertion", to: "</saml:Assertion>") }
    static var signature: String { block(assertion, from: "<ds:Signature", to: "</ds:Signature>") }
    /// The signed assertion with the signature removed, ID changed and the user swapped for mallory.
    static func evil(id: String = "_evil", keepSignature: String? = nil) -> String {
        var e = assertion.replacingOccurrences(of: signature, with: keepSignature ?? "")
        e = e.replacingOccurrences(of: "alice@example.com", with: "mallory@evil.example")
        return e.replacingOccurrences(of: "ID=\"_assert-1\"", with: "ID=\"\(id)\"")
    }
    static func response(with body: String) -> String {
        signed.replacingOccurrences(of: assertion, with: body)
    }

    struct Attack: CustomTestStringConvertible, Sendable {
        var name: String
        var xml: @Sendable () -> String
        var expected: String
        var testDescription: String { name }
    }

    static let attacks: [Attack] = [
        // Signature wrapping, after "On Breaking SAML" (Somorovsky et al., 2012).
        Attack(name: "XSW1 original Response inside the Signature of a forged one", xml: {
            let sig = block(responseSigned, from: "<ds:Signature", to: "</ds:Signature>")
            let original = responseSigned.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
            let wrapped = sig.replacingOccurrences(of: "</ds:Signature>", with: "<ds:Object>\(original)</ds:Object></ds:Signature>")
            return responseSigned.replacingOccurrences(of: sig, with: wrapped)
                .replacingOccurrences(of: "ID=\"_resp-1\" IssueInstant", with: "ID=\"_evil\" IssueInstant")
                .replacingOccurrences(of: "<saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\">alice@example.com",
                                      with: "<saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\">mallory@evil.example")
        }, expected: "malformed"),
        Attack(name: "XSW2 original Response as a sibling before the Signature of a forged one", xml: {
            let sig = block(responseSigned, from: "<ds:Signature", to: "</ds:Signature>")
            let original = responseSigned.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
            return responseSigned.replacingOccurrences(of: sig, with: original + sig)
                .replacingOccurrences(of: "ID=\"_resp-1\" IssueInstant=\"2026-01-01T00:00:00Z\" Version=\"2.0\">\n  <saml:Issuer>",
                                      with: "ID=\"_evil\" IssueInstant=\"2026-01-01T00:00:00Z\" Version=\"2.0\">\n  <saml:Issuer>")
        }, expected: "malformed"),
        Attack(name: "XSW3 forged assertion before the signed one", xml: {
            response(with: evil() + assertion)
        }, expected: "multiple_assertions"),
        Attack(name: "XSW3 forged assertion with the same ID before the signed one", xml: {
            response(with: evil(id: "_assert-1") + assertion)
        }, expected: "malformed"),
        Attack(name: "XSW4 signed assertion wrapped inside a forged one", xml: {
            let e = evil()
            return response(with: e.replacingOccurrences(of: "</saml:Assertion>", with: assertion + "</saml:Assertion>"))
        }, expected: "malformed"),
        Attack(name: "XSW5 forged assertion carries the signature, signed one appended", xml: {
            response(with: evil(id: "_assert-1", keepSignature: signature) + assertion)
        }, expected: "malformed"),
        Attack(name: "XSW6 forged assertion carries the signature, signed one inside ds:Object", xml: {
            let sigWithOriginal = signature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>\(assertion)</ds:Object></ds:Signature>")
            return response(with: evil(keepSignature: sigWithOriginal))
        }, expected: "malformed"),
        Attack(name: "XSW7 signed assertion hidden in Extensions, forged one in its place", xml: {
            response(with: evil()).replacingOccurrences(
                of: "<samlp:Status>", with: "<samlp:Extensions>\(assertion)</samlp:Extensions><samlp:Status>")
        }, expected: "malformed"),
        Attack(name: "XSW8 forged assertion with the signature, unsigned original in ds:Object", xml: {
            let stripped = assertion.replacingOccurrences(of: signature, with: "")
            let sig = signature.replacingOccurrences(
                of: "</ds:Signature>", with: "<ds:Object>\(stripped)</ds:Object></ds:Signature>")
            return response(with: evil(id: "_assert-1", keepSignature: sig))
        }, expected: "malformed"),
        // Signatures moved, duplicated, tampered.
        Attack(name: "assertion signature moved to the Response", xml: {
            response(with: assertion.replacingOccurrences(of: signature, with: ""))
                .replacingOccurrences(of: "</saml:Issuer>\n  <samlp:Status>", with: "</saml:Issuer>\(signature)<samlp:Status>")
        }, expected: "signature_invalid"),
        Attack(name: "assertion signature duplicated", xml: {
            response(with: assertion.replacingOccurrences(of: signature, with: signature + signature))
        }, expected: "signature_invalid"),
        Attack(name: "signed assertion's email changed", xml: {
            response(with: assertion.replacingOccurrences(
                of: ">alice@example.com</saml:AttributeValue>", with: ">mallory@evil.example</saml:AttributeValue>"))
        }, expected: "signature_invalid"),
        Attack(name: "signed Response's assertion changed", xml: {
            responseSigned.replacingOccurrences(of: ">alice@example.com</saml:NameID>", with: ">mallory@evil.example</saml:NameID>")
        }, expected: "signature_invalid"),
        Attack(name: "signed assertion's NameID extended by a comment-free edit", xml: {
            response(with: assertion.replacingOccurrences(of: "alice@example.com</saml:NameID>", with: "alice@example.com.evil.example</saml:NameID>"))
        }, expected: "signature_invalid"),
        // Parser attacks.
        Attack(name: "DOCTYPE with an internal entity", xml: {
            signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                        with: "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response [<!ENTITY x \"alice\">]>")
        }, expected: "malformed"),
        Attack(name: "XXE external entity in the NameID", xml: {
            signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                        with: "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>")
                .replacingOccurrences(of: "persistent\">alice@example.com", with: "persistent\">&xxe;")
        }, expected: "malformed"),
        Attack(name: "billion laughs", xml: {
            var entities = "<!ENTITY a0 \"lol\">"
            for i in 1...10 { entities += "<!ENTITY a\(i) \"" + String(repeating: "&a\(i - 1);", count: 10) + "\">" }
            return "<?xml version=\"1.0\"?><!DOCTYPE r [\(entities)]><r>&a10;</r>"
        }, expected: "malformed"),
        Attack(name: "external DTD", xml: {
            signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                                        with: "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response SYSTEM \"http://127.0.0.1:9/x.dtd\">")
        }, expected: "malformed"),
        Attack(name: "duplicate IDs on Response and Assertion", xml: {
            signed.replacingOccurrences(of: "ID=\"_resp-1\"", with: "ID=\"_assert-1\"")
        }, expected: "malformed"),
        Attack(name: "xml:id decoy with the assertion's ID", xml: {
            signed.replacingOccurrences(of: "<samlp:Status>", with: "<samlp:Status xml:id=\"_assert-1\">")
        }, expected: "malformed"),
        Attack(name: "assertion hidden in Advice", xml: {
            let stripped = assertion.replacingOccurrences(of: signature, with: "").replacingOccurrences(of: "_assert-1", with: "_inner")
            return response(with: assertion.replacingOccurrences(
                of: "<saml:Subject>", with: "<saml:Advice>\(stripped)</saml:Advice><saml:Subject>"))
        }, expected: "malformed"),
        Attack(name: "root is a bare Assertion", xml: { assertion }, expected: "malformed"),
        Attack(name: "not XML", xml: { "{\"SAMLResponse\": true}" }, expected: "malformed"),
        Attack(name: "deep nesting", xml: {
            let deep = String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)
            return signed.replacingOccurrences(of: "<samlp:Status>", with: "<samlp:Extensions>\(deep)</samlp:Extensions><samlp:Status>")
        }, expected: "malformed"),
        Attack(name: "over 1 MiB", xml: {
            signed.replacingOccurrences(of: "<samlp:Status>", with: "<!--" + String(repeating: "x", count: 1 << 20) + "--><samlp:Status>")
        }, expected: "malformed"),
        Attack(name: "processing a signature with an Object element", xml: {
            response(with: assertion.replacingOccurrences(
                of: "</ds:KeyInfo>", with: "</ds:KeyInfo><ds:Object>x</ds:Object>"))
        }, expected: "signature_invalid"),
    ]

    @Test(arguments: attacks)
    func attackIsRejected(_ attack: Attack) async throws {
        let outcome = try await Fixtures.outcome(attack.xml())
        switch outcome {
        case .success(let assertion):
            Issue.record("accepted an attack; email \(assertion.email)")
        case .failure(let error):
            #expect(error.code.rawValue == attack.expected, "\(error.message)")
        }
    }

    @Test func keyInfoInTheMessageIsIgnored() async throws {
        // Replacing the embedded certificate with the attacker's changes nothing: the key comes from metadata.
        let attackerCert = try Fixtures.text("keys/attacker.crt")
            .split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined(separator: "\n")
        let certificate = Self.block(Self.assertion, from: "<ds:X509Certificate>", to: "</ds:X509Certificate>")
        let swapped = Self.signed.replacingOccurrences(
            of: certificate, with: "<ds:X509Certificate>\(attackerCert)</ds:X509Certificate>")
        #expect(try await Fixtures.code(swapped) == nil)
    }

    @Test func namespacedIDAttributeIsNotAnID() async throws {
        // Only the unqualified `ID` is registered; a decoy `foo:ID` with the assertion's ID neither hijacks
        // the reference nor blocks the real assertion.
        let decoy = Self.signed.replacingOccurrences(
            of: "<samlp:Response ", with: "<samlp:Response xmlns:foo=\"urn:decoy\" foo:ID=\"_assert-1\" ")
        #expect(try await Fixtures.code(decoy) == nil)
    }

    @Test func pathologicalInputIsRejectedFast() async throws {
        let clock = ContinuousClock()
        let nested = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        let start = clock.now
        let code = try await Fixtures.code(nested)
        let elapsed = clock.now - start
        #expect(code == "malformed")
        #expect(elapsed < .seconds(1))
    }
}
