#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The checks of one validation, in order, over one parsed document.
struct ResponseChecks {
    let configuration: SAMLValidatorConfiguration
    let document: SecureXMLDocument
    let now: Date

    private static let success = "urn:oasis:names:tc:SAML:2.0:status:Success"
    private static let bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
    private static let emailAddressFormat = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

    init(configuration: SAMLValidatorConfiguration, document: SecureXMLDocument, now: Date) {
        self.configuration = configuration
        self.document = document
        self.now = now
    }

    private var skew: TimeInterval { configuration.clockSkew }

    // MARK: Envelope and structure

    /// Root, version, IDs, placement of every assertion and signature, status, assertion count.
    mutating func checkEnvelope() throws(SAMLError) -> XMLElementRef {
        guard let response = document.root, response.is(XMLNamespace.samlp, "Response") else {
            throw SAMLError(.malformed, "the root element is not samlp:Response")
        }
        guard response.attribute("Version") == "2.0" else {
            throw SAMLError(.malformed, "the Response is not SAML 2.0")
        }
        try document.registerID(of: response, attribute: "ID")
        guard response.attribute("ID") != nil else { throw SAMLError(.malformed, "the Response has no ID") }
        try requireInstant(of: response)

        try checkPlacementAndRegisterIDs(under: response)

        try checkStatus(response)

        let assertions = response.children.filter {
            $0.is(XMLNamespace.saml, "Assertion") || $0.is(XMLNamespace.saml, "EncryptedAssertion")
        }
        guard assertions.count <= 1 else {
            throw SAMLError(.multipleAssertions, "the Response holds \(assertions.count) assertions; exactly one is allowed")
        }
        guard assertions.count == 1 else {
            throw SAMLError(.malformed, "the Response holds no assertion")
        }
        return response
    }

    /// Every `Assertion`/`EncryptedAssertion` must be a direct child of the Response and every `Signature` a
    /// direct child of the Response or of such an Assertion — wrapped copies (XSW) have nowhere to hide.
    /// Registers each Assertion's ID on the way (duplicates are refused). One walk over the tree.
    private func checkPlacementAndRegisterIDs(under response: XMLElementRef) throws(SAMLError) {
        let saml = XMLNamespace.saml
        try response.forEachDescendant { (element) throws(SAMLError) in
            if element.is(saml, "Assertion") || element.is(saml, "EncryptedAssertion") {
                guard element.parent == response else {
                    throw SAMLError(.malformed, "a saml:\(element.localName) appears outside the Response's direct children")
                }
                if element.is(saml, "Assertion") { try document.registerID(of: element, attribute: "ID") }
            } else if element.is(XMLNamespace.ds, "Signature") {
                guard let parent = element.parent,
                    parent == response || (parent.is(saml, "Assertion") && parent.parent == response)
                else {
                    throw SAMLError(.malformed, "a ds:Signature appears where SAML does not allow one")
                }
            }
        }
    }

    private func checkStatus(_ response: XMLElementRef) throws(SAMLError) {
        let samlp = XMLNamespace.samlp
        guard let status = response.firstChild(samlp, "Status"), let code = status.firstChild(samlp, "StatusCode"),
            let value = code.attribute("Value")
        else {
            throw SAMLError(.malformed, "the Response has no Status/StatusCode")
        }
        guard value == Self.success else {
            let nested = code.firstChild(samlp, "StatusCode")?.attribute("Value")
            let shown = ([value] + (nested.map { [$0] } ?? [])).map { String($0.prefix(120)) }.joined(separator: " / ")
            throw SAMLError(.statusNotSuccess, "the IdP answered with status \(shown)")
        }
    }

    // MARK: Signatures and decryption

    /// Verifies the Response signature (if present), decrypts an `EncryptedAssertion`, verifies the Assertion
    /// signature (if present), and requires at least one verified signature covering the assertion.
    mutating func verifyAndDecrypt(
        response: XMLElementRef, verifier: SignatureVerifier, decryptor: AssertionDecryptor
    ) throws(SAMLError) -> (assertion: XMLElementRef, responseSigned: Bool) {
        let ds = XMLNamespace.ds
        let saml = XMLNamespace.saml
        let responseSignatures = response.children(ds, "Signature")
        guard responseSignatures.count <= 1 else {
            throw SAMLError(.signatureInvalid, "the Response carries more than one Signature")
        }
        if let signature = responseSignatures.first {
            try verifier.verify(signature: signature, of: response, in: document)
        }
        let responseSigned = !responseSignatures.isEmpty

        var assertion: XMLElementRef
        if let encrypted = response.firstChild(saml, "EncryptedAssertion") {
            assertion = try decryptor.decrypt(encrypted, in: document)
            try document.recheckShape(limits: configuration.limits)
            try document.registerID(of: assertion, attribute: "ID")
            for name in ["Assertion", "EncryptedAssertion"] where !assertion.descendants(saml, name).isEmpty {
                throw SAMLError(.malformed, "the decrypted assertion contains another saml:\(name)")
            }
            for signature in assertion.descendants(ds, "Signature") where signature.parent != assertion {
                throw SAMLError(.malformed, "a ds:Signature appears where SAML does not allow one")
            }
        } else if let plain = response.firstChild(saml, "Assertion") {
            assertion = plain
        } else {
            throw SAMLError(.malformed, "the Response holds no assertion")
        }

        let assertionSignatures = assertion.children(ds, "Signature")
        guard assertionSignatures.count <= 1 else {
            throw SAMLError(.signatureInvalid, "the Assertion carries more than one Signature")
        }
        if let signature = assertionSignatures.first {
            try verifier.verify(signature: signature, of: assertion, in: document)
        }
        guard responseSigned || !assertionSignatures.isEmpty else {
            throw SAMLError(.signatureMissing, "neither the Response nor the Assertion is signed")
        }
        if configuration.requireSignedAssertion, assertionSignatures.isEmpty {
            throw SAMLError(.signatureMissing, "the Assertion is not signed and the policy requires it")
        }
        return (assertion, responseSigned)
    }

    // MARK: Protocol checks

    func checkProtocol(
        response: XMLElementRef, assertion: XMLElementRef, responseSigned: Bool, expectedRequestID: String?
    ) throws(SAMLError) -> ValidatedAssertion {
        let saml = XMLNamespace.saml
        let idpEntityID = configuration.idp.entityID

        guard assertion.attribute("Version") == "2.0" else { throw SAMLError(.malformed, "the Assertion is not SAML 2.0") }
        guard let assertionID = assertion.attribute("ID"), !assertionID.isEmpty else {
            throw SAMLError(.malformed, "the Assertion has no ID")
        }
        try requireInstant(of: assertion)

        // Issuer
        if let issuer = response.firstChild(saml, "Issuer"), issuer.text.trimmedXMLWhitespace != idpEntityID {
            throw SAMLError(.issuerMismatch, "the Response Issuer is not the IdP entity ID")
        }
        guard let assertionIssuer = assertion.firstChild(saml, "Issuer") else {
            throw SAMLError(.issuerMismatch, "the Assertion has no Issuer")
        }
        guard assertionIssuer.text.trimmedXMLWhitespace == idpEntityID else {
            throw SAMLError(.issuerMismatch, "the Assertion Issuer is not the IdP entity ID")
        }

        // Destination
        if let destination = response.attribute("Destination"), destination != configuration.acsURL {
            throw SAMLError(.destinationMismatch, "the Response Destination is not this ACS URL")
        }

        // InResponseTo on the Response
        let inResponseTo = response.attribute("InResponseTo")
        if expectedRequestID == nil, !configuration.allowIdPInitiated {
            throw SAMLError(.inResponseToMismatch, "IdP-initiated logins are not allowed for this tenant")
        }
        if let expectedRequestID, inResponseTo != expectedRequestID {
            throw SAMLError(
                .inResponseToMismatch,
                inResponseTo == nil
                    ? "the Response has no InResponseTo but a request was expected"
                    : "the Response's InResponseTo is not the expected request")
        }

        // Conditions
        let conditions = assertion.firstChild(saml, "Conditions")
        let conditionsEnd = try checkConditions(conditions)

        // Subject
        guard let subject = assertion.firstChild(saml, "Subject") else {
            throw SAMLError(.malformed, "the Assertion has no Subject")
        }
        guard let nameIDElement = subject.firstChild(saml, "NameID") else {
            throw SAMLError(.malformed, "the Subject has no NameID (EncryptedID is not supported)")
        }
        guard !nameIDElement.hasElementChildren else { throw SAMLError(.malformed, "the NameID contains elements") }
        let nameID = nameIDElement.text.trimmedXMLWhitespace
        guard !nameID.isEmpty else { throw SAMLError(.malformed, "the NameID is empty") }
        let confirmationEnd = try checkBearer(subject: subject, expectedRequestID: expectedRequestID)
        let notOnOrAfter = min(conditionsEnd ?? confirmationEnd, confirmationEnd)

        // AuthnStatement
        var sessionIndex: String?
        for statement in assertion.children(saml, "AuthnStatement") {
            if sessionIndex == nil { sessionIndex = statement.attribute("SessionIndex") }
            if let end = statement.attribute("SessionNotOnOrAfter") {
                let date = try parseTime(end, what: "SessionNotOnOrAfter")
                guard now.addingTimeInterval(-skew) < date else {
                    throw SAMLError(.expired, "the authentication session has ended (SessionNotOnOrAfter)")
                }
            }
        }

        // Attributes
        let attributes = try readAttributes(assertion)
        let names = configuration.attributeNames
        func first(_ name: String) -> String? {
            attributes[name]?.lazy.map(\.trimmedXMLWhitespace).first { !$0.isEmpty }
        }
        var email = names.emails.lazy.compactMap(first).first
        let nameIDFormat = nameIDElement.attribute("Format")
        if email == nil, configuration.allowNameIDAsEmail, nameIDFormat == Self.emailAddressFormat, nameID.contains("@") {
            email = nameID
        }
        guard let email else {
            let expected = names.emails.map { "'\($0)'" }.joined(separator: ", ")
            throw SAMLError(.missingEmail, "the assertion has no non-empty e-mail attribute (looked for \(expected))")
        }
        return ValidatedAssertion(
            nameID: nameID, nameIDFormat: nameIDFormat, email: email,
            firstName: first(names.firstName), lastName: first(names.lastName), sessionIndex: sessionIndex,
            issuer: idpEntityID, assertionID: assertionID, notOnOrAfter: notOnOrAfter, inResponseTo: inResponseTo,
            attributes: attributes)
    }

    /// NotBefore/NotOnOrAfter with skew; at least one AudienceRestriction and each naming our entity ID.
    /// Returns the Conditions' NotOnOrAfter, if any. `OneTimeUse` needs nothing more: every assertion is
    /// consumed once through the replay cache.
    private func checkConditions(_ conditions: XMLElementRef?) throws(SAMLError) -> Date? {
        let saml = XMLNamespace.saml
        guard let conditions else {
            throw SAMLError(.audienceMismatch, "the assertion has no Conditions and so no AudienceRestriction")
        }
        if let value = conditions.attribute("NotBefore") {
            let notBefore = try parseTime(value, what: "Conditions NotBefore")
            guard now.addingTimeInterval(skew) >= notBefore else {
                throw SAMLError(.notYetValid, "the assertion is not valid yet (Conditions NotBefore)")
            }
        }
        var end: Date?
        if let value = conditions.attribute("NotOnOrAfter") {
            let notOnOrAfter = try parseTime(value, what: "Conditions NotOnOrAfter")
            guard now.addingTimeInterval(-skew) < notOnOrAfter else {
                throw SAMLError(.expired, "the assertion has expired (Conditions NotOnOrAfter)")
            }
            end = notOnOrAfter
        }
        let restrictions = conditions.children(saml, "AudienceRestriction")
        guard !restrictions.isEmpty else {
            throw SAMLError(.audienceMismatch, "the assertion has no AudienceRestriction")
        }
        for restriction in restrictions {
            let audiences = restriction.children(saml, "Audience").map { $0.text.trimmedXMLWhitespace }
            guard audiences.contains(configuration.spEntityID) else {
                throw SAMLError(.audienceMismatch, "an AudienceRestriction does not include this SP's entity ID")
            }
        }
        return end
    }

    /// A bearer confirmation for our ACS URL, within its time window, answering the expected request.
    /// Returns its NotOnOrAfter.
    private func checkBearer(subject: XMLElementRef, expectedRequestID: String?) throws(SAMLError) -> Date {
        let saml = XMLNamespace.saml
        let bearers = subject.children(saml, "SubjectConfirmation").filter { $0.attribute("Method") == Self.bearer }
        guard !bearers.isEmpty else {
            throw SAMLError(.recipientMismatch, "the Subject has no bearer SubjectConfirmation")
        }
        let forUs = bearers.compactMap { $0.firstChild(saml, "SubjectConfirmationData") }
            .filter { $0.attribute("Recipient") == configuration.acsURL }
        guard !forUs.isEmpty else {
            throw SAMLError(.recipientMismatch, "no bearer SubjectConfirmation names this ACS URL as Recipient")
        }
        var firstError: SAMLError?
        for data in forUs {
            do throws(SAMLError) {
                guard let value = data.attribute("NotOnOrAfter") else {
                    throw SAMLError(.malformed, "the bearer SubjectConfirmationData has no NotOnOrAfter")
                }
                let end = try parseTime(value, what: "SubjectConfirmationData NotOnOrAfter")
                guard now.addingTimeInterval(-skew) < end else {
                    throw SAMLError(.expired, "the bearer confirmation has expired")
                }
                if let value = data.attribute("NotBefore") {
                    let start = try parseTime(value, what: "SubjectConfirmationData NotBefore")
                    guard now.addingTimeInterval(skew) >= start else {
                        throw SAMLError(.notYetValid, "the bearer confirmation is not valid yet")
                    }
                }
                if let expectedRequestID, data.attribute("InResponseTo") != expectedRequestID {
                    throw SAMLError(.inResponseToMismatch,
                                    "the bearer confirmation's InResponseTo is not the expected request")
                }
                return end
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? SAMLError(.recipientMismatch, "no usable bearer SubjectConfirmation")
    }

    /// All attributes by exact name (NameFormat ignored), values as full text; `xsi:nil` values skipped.
    /// A structured value (an element inside `AttributeValue`, such as the `saml:NameID` Shibboleth IdPs send as
    /// `eduPersonTargetedID`) counts as one value: its full text content without surrounding whitespace, i.e. the
    /// NameID's value. It never merges with, hides or truncates a sibling value.
    private func readAttributes(_ assertion: XMLElementRef) throws(SAMLError) -> [String: [String]] {
        let saml = XMLNamespace.saml
        var result: [String: [String]] = [:]
        let limits = configuration.limits
        var attributeCount = 0
        var valueCount = 0
        for statement in assertion.children(saml, "AttributeStatement") {
            for attribute in statement.children(saml, "Attribute") {
                attributeCount += 1
                guard attributeCount <= limits.maxAttributes else {
                    throw SAMLError(.malformed, "the assertion has more than \(limits.maxAttributes) attributes")
                }
                guard let name = attribute.attribute("Name"), !name.isEmpty else {
                    throw SAMLError(.malformed, "an Attribute has no Name")
                }
                var values = result[name] ?? []
                for value in attribute.children(saml, "AttributeValue") {
                    valueCount += 1
                    guard valueCount <= limits.maxAttributeValues else {
                        throw SAMLError(
                            .malformed, "the assertion has more than \(limits.maxAttributeValues) attribute values")
                    }
                    if value.isXSINil { continue }
                    values.append(value.hasElementChildren ? value.text.trimmedXMLWhitespace : value.text)
                }
                result[name] = values
            }
        }
        return result
    }

    // MARK: Helpers

    private func parseTime(_ text: String, what: String) throws(SAMLError) -> Date {
        guard let date = SAMLTime.parse(text) else { throw SAMLError(.malformed, "\(what) is not a valid dateTime") }
        return date
    }

    /// `IssueInstant` is required and must not lie in the future beyond the skew.
    private func requireInstant(of element: XMLElementRef) throws(SAMLError) {
        guard let value = element.attribute("IssueInstant") else {
            throw SAMLError(.malformed, "the \(element.localName) has no IssueInstant")
        }
        let instant = try parseTime(value, what: "\(element.localName) IssueInstant")
        guard instant <= now.addingTimeInterval(skew) else {
            throw SAMLError(.notYetValid, "the \(element.localName) was issued in the future")
        }
    }
}
