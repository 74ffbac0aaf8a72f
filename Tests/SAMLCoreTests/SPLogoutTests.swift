import Foundation
@testable import SAMLCore
import Testing

@Suite struct SPLogoutTests {
    @Test func logoutRequestRedirectRoundTrip() throws {
        let credential = try SPTestSupport.fixtureCredential()
        let request = LogoutRequest(
            id: "_lo-1", issueInstant: Fixtures.now, destination: "https://idp.example/slo", issuer: Fixtures.spEntityID,
            nameID: "alice@example.com", nameIDFormat: SPMetadata.emailAddressFormat, sessionIndexes: ["_session-1"],
            notOnOrAfter: Fixtures.now.addingTimeInterval(300))
        let url = try request.redirectURL(relayState: "bye", signer: credential)
        #expect(url.hasPrefix("https://idp.example/slo?SAMLRequest="))
        let message = try RedirectBinding.decode(
            query: try SPTestSupport.query(of: url), parameter: .request,
            trustedCertificates: [credential.certificate.derBytes], requireSignature: true)
        #expect(message.isSignatureVerified)
        #expect(message.relayState == "bye")
        #expect(try LogoutRequest.parse(xml: message.xml) == request)
    }

    @Test func logoutResponseRedirectRoundTrip() throws {
        let response = LogoutResponse(
            id: "_lr-1", issueInstant: Fixtures.now, destination: "https://idp.example/slo", inResponseTo: "_lo-9",
            issuer: Fixtures.spEntityID)
        #expect(response.isSuccess)
        let url = try response.redirectURL()
        #expect(url.hasPrefix("https://idp.example/slo?SAMLResponse="))
        let message = try RedirectBinding.decode(
            query: try SPTestSupport.query(of: url), parameter: .response, trustedCertificates: [], requireSignature: false)
        #expect(try LogoutResponse.parse(xml: message.xml) == response)
        // A SAMLResponse is not read as a SAMLRequest.
        #expect(throws: SAMLError(.malformed, "")) {
            try RedirectBinding.decode(query: try SPTestSupport.query(of: url), parameter: .request,
                                       trustedCertificates: [], requireSignature: false)
        }
    }

    @Test func failedStatusIsReported() throws {
        let response = LogoutResponse(
            issueInstant: Fixtures.now, destination: nil, inResponseTo: nil, issuer: "idp",
            statusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder")
        let parsed = try LogoutResponse.parse(xml: Array(response.xml.utf8))
        #expect(!parsed.isSuccess)
        #expect(parsed.destination == nil)
        #expect(throws: SAMLError(.invalidConfiguration, "")) { try response.redirectURL() }
    }

    @Test(arguments: [
        "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_x\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\"/>",
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
        "<!DOCTYPE x [<!ENTITY e \"e\">]><x>&e;</x>",
        "not xml",
    ])
    func malformedLogoutRequests(_ xml: String) {
        #expect(throws: SAMLError(.malformed, "")) { try LogoutRequest.parse(xml: Array(xml.utf8)) }
        #expect(throws: SAMLError(.malformed, "")) { try LogoutResponse.parse(xml: Array(xml.utf8)) }
    }

    @Test func idpSignedLogoutRequestVerifiesWithIdPMetadataCertificates() throws {
        // An IdP-sent LogoutRequest signed with the IdP key (idp.key + idp.crt play the IdP here).
        let idpCredential = try SPCredential(
            privateKeyPEM: try Fixtures.text("keys/idp.key"), certificatePEM: try Fixtures.text("keys/idp.crt"))
        let request = LogoutRequest(
            issueInstant: Fixtures.now, destination: "https://kisi.example/saml/slo", issuer: Fixtures.idpEntityID,
            nameID: "alice@example.com")
        let query = try SPTestSupport.query(of: try request.redirectURL(signer: idpCredential))
        let trusted = try Fixtures.metadata().signingCertificates.map(\.derBytes)
        let message = try RedirectBinding.decode(query: query, parameter: .request, trustedCertificates: trusted, requireSignature: true)
        #expect(try LogoutRequest.parse(xml: message.xml).issuer == Fixtures.idpEntityID)
        let attacker = [try IdPCertificate(pem: try Fixtures.text("keys/attacker.crt")).derBytes]
        #expect(throws: SAMLError(.signatureInvalid, "")) {
            try RedirectBinding.decode(query: query, parameter: .request, trustedCertificates: attacker, requireSignature: true)
        }
    }
}
