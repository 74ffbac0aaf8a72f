#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import Logging

/// The SP key material of one tenant: the current credential and, during rollover, the next one.
///
/// Both decrypt (an IdP may switch to the new certificate at any moment) and both are published in SP metadata;
/// the current one signs AuthnRequests. Rollover: add `next`, have the owner re-upload the metadata or the new
/// certificate to the IdP, then promote `next` to `current` with ``promoted()``.
public struct SPKeyRollover: Sendable {
    /// The credential in use.
    public var current: SPCredential
    /// The credential staged for rollover, if any.
    public var next: SPCredential?

    /// Creates the key material.
    public init(current: SPCredential, next: SPCredential? = nil) {
        self.current = current
        self.next = next
    }

    /// Every active credential, current first.
    public var all: [SPCredential] { [current] + (next.map { [$0] } ?? []) }

    /// `next` becomes `current` (no-op without a `next`).
    public func promoted() -> SPKeyRollover {
        guard let next else { return self }
        return SPKeyRollover(current: next)
    }
}

/// A tenant's SSO policy.
public struct SSOPolicy: Sendable {
    /// How responses are judged (clock skew, algorithms, limits, key sizes, attribute mapping, opt-ins): the
    /// ``SAMLValidationPolicy`` of ``ServiceProvider/validatorConfiguration``, as is.
    public var validation: SAMLValidationPolicy
    /// Sign AuthnRequests with the current SP key (needs ``ServiceProvider/keys``). Default `false`: JumpCloud
    /// declares `WantAuthnRequestsSigned="false"`. Requests are signed anyway when the IdP's metadata asks.
    public var signAuthnRequests: Bool
    /// The `NameIDPolicy` format requested, or `nil` to let the IdP choose. Default emailAddress.
    public var nameIDFormat: String?
    /// How long an AuthnRequest stays answerable, in seconds. Default 600.
    public var requestLifetime: TimeInterval

    /// Creates a policy with secure defaults.
    public init(
        validation: SAMLValidationPolicy = SAMLValidationPolicy(), signAuthnRequests: Bool = false,
        nameIDFormat: String? = SPMetadata.emailAddressFormat, requestLifetime: TimeInterval = 600
    ) {
        self.validation = validation
        self.signAuthnRequests = signAuthnRequests
        self.nameIDFormat = nameIDFormat
        self.requestLifetime = requestLifetime
    }
}

/// One organization's SAML service-provider configuration: everything the "SSO & SCIM" screen sets up.
///
/// The host keeps one value per tenant and picks it from its own routing — for example the organization's domain
/// in the ACS URL (`https://acme.kisi.example/saml/acs`) — **never** from the response's Issuer: JumpCloud lets
/// admins type any IdP entity ID, and many tenants type "JumpCloud".
public struct ServiceProvider: Sendable {
    /// The host's identifier for the tenant (organization); recorded with every pending AuthnRequest.
    public var tenantID: String
    /// Our SP entity ID for this tenant (the Audience).
    public var entityID: String
    /// Our ACS URL for this tenant (Destination and Recipient).
    public var acsURL: String
    /// The IdP metadata the owner uploaded.
    public var idp: IdPMetadata
    /// SP keys, if generated (needed for encrypted assertions and signed requests).
    public var keys: SPKeyRollover?
    /// The tenant's policy.
    public var policy: SSOPolicy
    /// Our Single Logout URL, if the host serves one (JumpCloud has no SLO).
    public var singleLogoutURL: String?

    /// Creates a tenant configuration.
    public init(
        tenantID: String, entityID: String, acsURL: String, idp: IdPMetadata, keys: SPKeyRollover? = nil,
        policy: SSOPolicy = SSOPolicy(), singleLogoutURL: String? = nil
    ) {
        self.tenantID = tenantID
        self.entityID = entityID
        self.acsURL = acsURL
        self.idp = idp
        self.keys = keys
        self.policy = policy
        self.singleLogoutURL = singleLogoutURL
    }

    /// The validator configuration this tenant implies (every active SP key decrypts).
    public var validatorConfiguration: SAMLValidatorConfiguration {
        SAMLValidatorConfiguration(
            spEntityID: entityID, acsURL: acsURL, idp: idp, spDecryptionKeys: keys?.all.map(\.privateKey) ?? [],
            policy: policy.validation)
    }

    /// SP metadata for this tenant: every active SP certificate, `AuthnRequestsSigned` per policy.
    public func metadata(validUntil: Date? = nil) -> SPMetadata {
        SPMetadata(
            entityID: entityID, acsURL: acsURL, certificates: keys?.all.map(\.certificate) ?? [],
            authnRequestsSigned: signsAuthnRequests,
            nameIDFormats: policy.nameIDFormat.map { [$0] } ?? [SPMetadata.emailAddressFormat],
            singleLogoutURL: singleLogoutURL, validUntil: validUntil)
    }

    /// Whether AuthnRequests are signed: when the policy says so or the IdP wants it, and a key exists.
    public var signsAuthnRequests: Bool {
        keys != nil && (policy.signAuthnRequests || idp.wantAuthnRequestsSigned)
    }

    /// A new AuthnRequest to the IdP's SSO endpoint for `binding`.
    /// - Throws: ``SAMLError`` `metadata_no_sso_service` when the IdP declares no endpoint for `binding`.
    public func makeAuthnRequest(
        binding: SAMLBinding = .httpRedirect, now: Date, id: String = SAMLID.generate()
    ) throws(SAMLError) -> AuthnRequest {
        guard let service = idp.ssoService(for: binding) else {
            throw SAMLError(.metadataNoSSOService, "the IdP declares no SingleSignOnService for \(binding.rawValue)")
        }
        return AuthnRequest(
            id: id, issueInstant: now, destination: service.location, issuer: entityID, acsURL: acsURL,
            nameIDFormat: policy.nameIDFormat)
    }

    /// Starts an SP-initiated login: builds the AuthnRequest, records it in `pendingRequests`, and encodes it.
    ///
    /// - Parameters:
    ///   - binding: HTTP-Redirect (a URL to send the browser to) or HTTP-POST (an HTML page to serve).
    ///   - relayState: at most 80 bytes; kept in the store and handed back by ``SAMLAssertionConsumer``.
    ///   - pendingRequests: where the request is remembered until ``SSOPolicy/requestLifetime`` passes.
    ///   - now: the current time.
    ///   - id: the request ID; defaults to a fresh ``SAMLID/generate()``.
    ///   - logger: receives one line with the tenant and request ID (never the RelayState or keys).
    public func startLogin(
        binding: SAMLBinding = .httpRedirect, relayState: String? = nil, pendingRequests: any PendingRequestStore,
        now: Date, id: String = SAMLID.generate(), logger: Logger? = nil
    ) async throws(SAMLError) -> LoginStart {
        let request = try makeAuthnRequest(binding: binding, now: now, id: id)
        let signer = signsAuthnRequests ? keys?.current : nil
        let start: LoginStart
        switch binding {
        case .httpRedirect:
            start = LoginStart(requestID: request.id, redirectURL: try request.redirectURL(relayState: relayState, signer: signer), html: nil)
        case .httpPost:
            start = LoginStart(requestID: request.id, redirectURL: nil, html: try request.postForm(relayState: relayState, signer: signer))
        }
        do {
            try await pendingRequests.save(
                PendingRequest(id: request.id, tenantID: tenantID, relayState: relayState,
                               expiresAt: now.addingTimeInterval(policy.requestLifetime)),
                now: now)
        } catch let error as SAMLError {
            throw error
        } catch {
            throw SAMLError(.storeUnavailable, "the pending-request store is unavailable", detail: "\(error)")
        }
        logger?.info(
            "SAML AuthnRequest started",
            metadata: ["saml.tenant": "\(tenantID)", "saml.request_id": "\(request.id)",
                       "saml.binding": "\(binding == .httpRedirect ? "redirect" : "post")",
                       "saml.signed": "\(signer != nil)"])
        return start
    }

    /// Warnings for IdP signing certificates and SP certificates expiring within the policy's thresholds.
    public func certificateExpiryWarnings(
        now: Date, policy expiry: CertificateExpiryPolicy = CertificateExpiryPolicy()
    ) -> [CertificateExpiryWarning] {
        var warnings = expiry.warnings(for: idp, now: now)
        if let keys {
            if let warning = expiry.warning(for: keys.current.certificate, role: .spCurrent, now: now) {
                warnings.append(warning)
            }
            if let next = keys.next, let warning = expiry.warning(for: next.certificate, role: .spNext, now: now) {
                warnings.append(warning)
            }
        }
        return warnings
    }
}

/// What ``ServiceProvider/startLogin(binding:relayState:pendingRequests:now:id:logger:)`` produced.
public struct LoginStart: Sendable, Hashable, Codable {
    /// The AuthnRequest ID (recorded as pending).
    public var requestID: String
    /// For HTTP-Redirect: where to send the browser (302).
    public var redirectURL: String?
    /// For HTTP-POST: the auto-submitting page to serve.
    public var html: String?
}

/// The ACS side of one tenant: validates posted responses, matching SP-initiated ones to their pending request.
///
/// Create one per tenant configuration and reuse it (keys are loaded once); a host that reads the configuration
/// from a database rebuilds it only when the stored configuration changes. Each posted response is decoded and
/// parsed once: the validator reads `InResponseTo` from the document it then validates, and logs every decision.
public struct SAMLAssertionConsumer: Sendable {
    /// The tenant.
    public let serviceProvider: ServiceProvider
    /// The underlying validator (built from ``ServiceProvider/validatorConfiguration``).
    public let validator: SAMLResponseValidator
    private let pendingRequests: any PendingRequestStore

    /// Creates the consumer and loads the tenant's keys.
    /// - Throws: ``SAMLError`` `invalid_configuration` or `invalid_key`.
    public init(
        serviceProvider: ServiceProvider, replayCache: any SAMLReplayCache, pendingRequests: any PendingRequestStore
    ) throws(SAMLError) {
        self.serviceProvider = serviceProvider
        self.validator = try SAMLResponseValidator(
            configuration: serviceProvider.validatorConfiguration, replayCache: replayCache)
        self.pendingRequests = pendingRequests
    }

    /// A validated login and the RelayState to continue with.
    public struct Outcome: Sendable, Hashable {
        /// The validated assertion.
        public var assertion: ValidatedAssertion
        /// For SP-initiated logins the RelayState stored with the request (trusted); for IdP-initiated ones the
        /// posted RelayState (untrusted: check it before redirecting anywhere).
        public var relayState: String?
        /// The AuthnRequest this answered, `nil` for an IdP-initiated login.
        public var requestID: String?
    }

    /// Validates a posted `SAMLResponse`.
    ///
    /// If the Response carries `InResponseTo`, that request is consumed from the pending store first (once:
    /// a second response to it, or one to an unknown, expired or other tenant's request, fails with
    /// `in_response_to_mismatch`) and the response must answer it. Without `InResponseTo` the login is
    /// IdP-initiated and allowed only if the policy allows it. Then every check of ``SAMLResponseValidator`` runs,
    /// including the replay cache (`replayed`).
    public func consume(
        base64Response: String, postedRelayState: String? = nil, now: Date, logger: Logger? = nil
    ) async throws(SAMLError) -> Outcome {
        // One parse: the validator hands over InResponseTo from the document it then validates.
        let (assertion, pending) = try await validator.validate(
            base64Response: base64Response, now: now, logger: logger
        ) { (inResponseTo) throws(SAMLError) -> (String?, PendingRequest?) in
            guard let inResponseTo else { return (nil, nil) }
            let pending: PendingRequest?
            do { pending = try await pendingRequests.consume(id: inResponseTo, now: now) } catch {
                throw SAMLError(.storeUnavailable, "the pending-request store is unavailable", detail: "\(error)")
            }
            guard let pending, pending.tenantID == serviceProvider.tenantID else {
                throw SAMLError(
                    .inResponseToMismatch,
                    "the response answers no outstanding request of this tenant (unknown, expired or already used)")
            }
            return (pending.id, pending)
        }
        return Outcome(
            assertion: assertion, relayState: pending.map(\.relayState) ?? postedRelayState, requestID: pending?.id)
    }
}
