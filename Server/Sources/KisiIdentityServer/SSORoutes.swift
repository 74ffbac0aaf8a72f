import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import Logging
internal import NIOCore
internal import SAMLCore
internal import IdentityPostgres

/// The SAML SP endpoints: `GET /saml/metadata`, `GET /saml/login`, `POST /saml/acs`.
///
/// The stored configuration is read from the database on each request, so `kisi-identity sso configure` takes effect
/// without a restart (on every instance); it is parsed, and the validator's keys loaded, only when it changed
/// (``SSOTenantCache``). Responses never echo the posted SAMLResponse; errors carry only SAMLError's code and message.
struct SSORoutes: Sendable {
    let stores: ServerStores
    let now: @Sendable () -> Date
    let logger: Logger
    let tenants: SSOTenantCache

    init(stores: ServerStores, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.stores = stores
        self.now = now
        self.logger = logger
        tenants = SSOTenantCache(stores: stores)
    }

    /// The largest form body accepted at the ACS (a base64 response of SAMLCore's default limit, plus RelayState).
    static let maxFormBytes = 2 * 1024 * 1024

    func register(on router: Router<some RequestContext>) {
        let routes = self
        router.get("/saml/metadata") { request, _ -> Response in
            await routes.metadata(request)
        }
        router.get("/saml/login") { request, _ -> Response in
            await routes.login(request)
        }
        router.post("/saml/acs") { request, _ -> Response in
            await routes.acs(request)
        }
    }

    private func loadTenant() async -> Result<SSOTenantCache.Tenant, SAMLError>? {
        do {
            guard let record = try await stores.sso.record() else { return nil }
            return await tenants.tenant(for: record)
        } catch let error as SAMLError {
            return .failure(error)
        } catch let error as IdentityPostgresError where error.isTransient {
            return .failure(SAMLError(.storeUnavailable, "the SSO configuration cannot be read now", detail: "\(error)"))
        } catch {
            return .failure(SAMLError(.invalidConfiguration, "the SSO configuration is unavailable", detail: "\(error)"))
        }
    }

    private func withTenant(
        _ request: Request, _ body: (SSOTenantCache.Tenant) async -> Response
    ) async -> Response {
        switch await loadTenant() {
        case nil:
            return Self.error(
                status: .serviceUnavailable, code: "sso_not_configured",
                message: "SAML SSO is not configured; run `kisi-identity sso configure`.", html: Self.prefersHTML(request))
        case .failure(let error)? where error.code == .storeUnavailable:
            return unavailable(error, request)
        case .failure(let error)?:
            logger.error("SSO configuration unusable", metadata: ["saml.error": "\(error.code.rawValue)", "saml.detail": "\(error.detail ?? "")"])
            return Self.error(
                status: .internalServerError, code: "sso_misconfigured", message: "The SSO configuration cannot be used.",
                html: Self.prefersHTML(request))
        case .success(let tenant)?:
            return await body(tenant)
        }
    }

    func metadata(_ request: Request) async -> Response {
        await withTenant(request) { tenant in
            do {
                let xml = try tenant.serviceProvider.metadata().xml()
                return Response(
                    status: .ok, headers: [.contentType: "application/samlmetadata+xml"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
            } catch {
                return failure(error, request)
            }
        }
    }

    func login(_ request: Request) async -> Response {
        await withTenant(request) { tenant in
            let relayState = request.uri.queryParameters["RelayState"].map(String.init)
            do {
                let start = try await tenant.serviceProvider.startLogin(
                    relayState: relayState, pendingRequests: stores.pendingRequests, now: now(),
                    logger: logger)
                guard let url = start.redirectURL else {
                    throw SAMLError(.metadataNoSSOService, "the IdP declares no HTTP-Redirect endpoint")
                }
                return Response(status: .found, headers: [.location: url, .cacheControl: "no-store"])
            } catch {
                return failure(error, request)
            }
        }
    }

    func acs(_ request: Request) async -> Response {
        let html = Self.prefersHTML(request)
        let form: [String: String]
        do {
            let buffer = try await request.body.collect(upTo: Self.maxFormBytes)
            form = Self.parseForm(String(buffer: buffer))
        } catch {
            return Self.error(status: .contentTooLarge, code: "malformed", message: "The form body is too large.", html: html)
        }
        guard let posted = form["SAMLResponse"], !posted.isEmpty else {
            return Self.error(status: .badRequest, code: "malformed", message: "The form has no SAMLResponse.", html: html)
        }
        return await withTenant(request) { tenant in
            do {
                let outcome = try await tenant.consumer.consume(
                    base64Response: posted, postedRelayState: form["RelayState"], now: now(), logger: logger)
                return Self.success(outcome.assertion, html: html)
            } catch {
                return failure(error, request)
            }
        }
    }

    /// Maps an error to a response: SAMLError's code and message only (its detail goes to the log at most).
    private func failure(_ error: any Error, _ request: Request) -> Response {
        let html = Self.prefersHTML(request)
        guard let error = error as? SAMLError else {
            logger.error("SSO request failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.error(status: .internalServerError, code: "internal_error", message: "The request failed.", html: html)
        }
        switch error.code {
        case .storeUnavailable:
            return unavailable(error, request)
        case .invalidConfiguration, .invalidKey:
            logger.error("SSO configuration unusable", metadata: ["saml.error": "\(error.code.rawValue)"])
            return Self.error(
                status: .internalServerError, code: error.code.rawValue, message: "The SSO configuration cannot be used.",
                html: html)
        default:
            return Self.error(status: .badRequest, code: error.code.rawValue, message: error.message, html: html)
        }
    }

    /// The database behind the SSO stores is down: 503 and a page asking to try again; nothing was accepted.
    private func unavailable(_ error: SAMLError, _ request: Request) -> Response {
        logger.error("SSO store unavailable", metadata: ["saml.error": "\(error.code.rawValue)", "saml.detail": "\(error.detail ?? "")"])
        var response = Self.error(
            status: .serviceUnavailable, code: error.code.rawValue,
            message: "Sign-in is temporarily unavailable; try again in a moment.", html: Self.prefersHTML(request))
        response.headers[.retryAfter] = "5"
        return response
    }

    private struct LoginBody: Encodable {
        var email: String
        var firstName: String?
        var lastName: String?
        var nameID: String
    }

    private static func success(_ assertion: ValidatedAssertion, html: Bool) -> Response {
        if html {
            let name = [assertion.firstName, assertion.lastName].compactMap { $0 }.joined(separator: " ")
            let page = """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed in</title></head><body>\
                <h1>Signed in</h1><p>\(escape(name.isEmpty ? assertion.email : name)) &lt;\(escape(assertion.email))&gt;</p>\
                </body></html>
                """
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        let body = LoginBody(
            email: assertion.email, firstName: assertion.firstName, lastName: assertion.lastName,
            nameID: assertion.nameID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct ErrorEnvelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
        }
        var error: Body
    }

    static func error(status: HTTPResponse.Status, code: String, message: String, html: Bool) -> Response {
        if html {
            let page = """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body>\
                <h1>Sign-in failed</h1><p>\(escape(message))</p><p><code>\(escape(code))</code></p></body></html>
                """
            return Response(
                status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(ErrorEnvelope(error: .init(code: code, message: message)))) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Whether the client prefers HTML: `text/html` appears in Accept before any JSON type.
    static func prefersHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased(), let html = accept.range(of: "text/html") else {
            return false
        }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }

    /// Parses `application/x-www-form-urlencoded` (`+` is a space; first value of a name wins).
    static func parseForm(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
