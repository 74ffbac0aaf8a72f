import Foundation
internal import Hummingbird
internal import HTTPTypes
internal import IdentityPostgres
internal import Licensing
internal import Logging
internal import NIOCore

/// The admin API under `/admin/orgs/{org}`, authenticated by the organization owner's admin token
/// (`Authorization: Bearer kisi_admin_…`, from `kisi-identity org create`).
///
/// A missing or unknown token is 401; another organization's token is 403 with the reason `not_owner` (whether the
/// organization exists is not revealed). Errors are `{"error":{"code","message","reasons":[…]}}`.
struct AdminRoutes: Sendable {
    let stores: ServerStores
    let logger: Logger

    func register(on router: Router<some RequestContext>) {
        let routes = self
        router.get("/admin/orgs/:org") { request, context -> Response in
            await routes.organization(request, id: context.parameters.get("org") ?? "")
        }
    }

    /// `GET /admin/orgs/{org}`: the organization as its owner sees it.
    func organization(_ request: Request, id: String) async -> Response {
        await withOwner(request, of: id) { record in
            Self.json(.ok, OrganizationBody(record))
        }
    }

    /// Authenticates the owner of `id` and runs `body`, or answers 401/403/503.
    private func withOwner(
        _ request: Request, of id: String, _ body: (OrganizationRecord) async -> Response
    ) async -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return Self.error(.unauthorized, code: "unauthorized", message: "An admin token is required.")
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        let owner: OrganizationRecord?
        do { owner = try await stores.organizations.organization(authenticatedBy: token) } catch {
            logger.error("admin token lookup failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.error(.serviceUnavailable, code: "unavailable", message: "Try again in a moment.")
        }
        guard let owner else {
            return Self.error(.unauthorized, code: "unauthorized", message: "The admin token is not valid.")
        }
        guard owner.id == id else {
            return Self.error(
                .forbidden, code: "forbidden", message: "Only the organization's owner may do this.",
                reasons: [ReasonCode.notOwner.rawValue])
        }
        return await body(owner)
    }

    private struct OrganizationBody: Encodable {
        var id: String
        var name: String
        var ownerEmail: String
        var created: Date

        enum CodingKeys: String, CodingKey {
            case id, name, created
            case ownerEmail = "owner_email"
        }

        init(_ record: OrganizationRecord) {
            id = record.id
            name = record.name
            ownerEmail = record.ownerEmail
            created = record.createdAt
        }
    }

    private struct ErrorEnvelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var reasons: [String]
        }
        var error: Body
    }

    static func error(
        _ status: HTTPResponse.Status, code: String, message: String, reasons: [String] = []
    ) -> Response {
        var response = json(status, ErrorEnvelope(error: .init(code: code, message: message, reasons: reasons)))
        if status == .unauthorized { response.headers[.wwwAuthenticate] = #"Bearer realm="kisi-identity-admin""# }
        return response
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
