import Foundation
public import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat

extension SalesforceSandbox {
    public func addRoutes(to router: Router<BasicRequestContext>) {
        // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
        router.post("services/oauth2/token") { request, _ in await self.token(request) }
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
        router.get("services/data/{version}/query") { request, context in
            await self.dataCall(request, context) { version throws(SalesforceSandboxError) in try self.query(request, version: version) }
        }
        router.get("services/data/{version}/query/{locator}") { request, context in
            await self.dataCall(request, context) { version throws(SalesforceSandboxError) in
                try self.queryMore(context.parameters.get("locator") ?? "", version: version)
            }
        }
        router.get("services/data/{version}/sobjects/{object}/{id}") { request, context in
            await self.dataCall(request, context) { version throws(SalesforceSandboxError) in
                let fields = request.uri.queryParameters["fields"].map(String.init)
                return try self.get(context.parameters.get("object") ?? "", id: context.parameters.get("id") ?? "", fields: fields, version: version)
            }
        }
        router.get("services/data/{version}/sobjects/{object}/{id}/{value}") { request, context in
            await self.dataCall(request, context) { version throws(SalesforceSandboxError) in
                let fields = request.uri.queryParameters["fields"].map(String.init)
                let object = context.parameters.get("object") ?? ""
                let id = try self.externalID(object, field: context.parameters.get("id") ?? "", value: context.parameters.get("value") ?? "")
                guard let id else { throw .notFound }
                return try self.get(object, id: id, fields: fields, version: version)
            }
        }
        router.post("services/data/{version}/sobjects/{object}") { request, context in
            let body = await Self.body(request)
            return await self.dataCall(request, context) { _ throws(SalesforceSandboxError) in
                let id = try self.locked { store throws(SalesforceSandboxError) in
                    try store.create(context.parameters.get("object") ?? "", body: body, now: Date(), userID: Self.integrationUserID)
                }
                return Self.response(201, ["id": .string(id), "success": true, "errors": []])
            }
        }
        router.patch("services/data/{version}/sobjects/{object}/{id}") { request, context in
            let body = await Self.body(request)
            return await self.dataCall(request, context) { _ throws(SalesforceSandboxError) in
                let (object, id, now) = (context.parameters.get("object") ?? "", context.parameters.get("id") ?? "", Date())
                let change = try self.locked { store throws(SalesforceSandboxError) in try store.update(object, id: id, body: body, now: now) }
                if let change { self.emitOrderChange(orderID: id, status: change, at: now) }
                return Self.response(204, nil)
            }
        }
        // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
        router.patch("services/data/{version}/sobjects/{object}/{id}/{value}") { request, context in
            let body = await Self.body(request)
            return await self.dataCall(request, context) { _ throws(SalesforceSandboxError) in
                try self.upsert(
                    context.parameters.get("object") ?? "", field: context.parameters.get("id") ?? "",
                    value: context.parameters.get("value") ?? "", body: body
                )
            }
        }
    }

    // MARK: Plumbing

    /// Runs a data call: API version and bearer token checked, errors answered as Salesforce error arrays.
    private func dataCall(
        _ request: Request, _ context: BasicRequestContext, _ body: (String) async throws(SalesforceSandboxError) -> Response
    ) async -> Response {
        do throws(SalesforceSandboxError) {
            let version = context.parameters.get("version") ?? ""
            let parts = version.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            guard version.hasPrefix("v"), parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
                throw SalesforceSandboxError.notFound
            }
            let header = request.headers[.authorization] ?? ""
            let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header.hasPrefix("OAuth ") ? String(header.dropFirst(6)) : ""
            guard state.withLockedValue({ $0.tokens.contains(token) }) else { throw SalesforceSandboxError.invalidSession }
            return try await body(version)
        } catch {
            return Self.response(error.status, error.body)
        }
    }

    func locked<T>(_ body: (inout SalesforceSandboxStore) throws(SalesforceSandboxError) -> T) throws(SalesforceSandboxError) -> T {
        let result: Result<T, SalesforceSandboxError> = state.withLockedValue { store in
            do throws(SalesforceSandboxError) { return .success(try body(&store)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The request body as JSON (`.null` when it is not JSON, which the write then refuses).
    static func body(_ request: Request) async -> JSONValue {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else { return .null }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))) ?? .null
    }

    static func response(_ status: Int, _ body: JSONValue?) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body, let data = try? encoder.encode(body) else { return Response(status: .init(code: status)) }
        return Response(
            status: .init(code: status),
            headers: [.contentType: "application/json;charset=UTF-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }

    // MARK: Token

    private func token(_ request: Request) async -> Response {
        var request = request
        let buffer = (try? await request.collectBody(upTo: 64 * 1024)) ?? ByteBuffer()
        var form: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        guard form["grant_type"] == "client_credentials" else { return Self.oauthError("unsupported_grant_type", "grant type not supported") }
        guard form["client_id"] == sandboxCredentials.clientID else { return Self.oauthError("invalid_client_id", "client identifier invalid") }
        guard form["client_secret"] == sandboxCredentials.clientSecret else {
            return Self.oauthError("invalid_client", "invalid client credentials")
        }
        let token = "00DDM0000000001!" + Self.randomToken(96)
        state.withLockedValue { _ = $0.tokens.insert(token) }
        let instance = "http://" + (request.head.authority ?? "127.0.0.1")
        let id = "\(instance)/id/00DDM0000000001EAA/\(Self.integrationUserID)"
        let issuedAt = String(Int64(Date().timeIntervalSince1970 * 1000))
        let signature = SandboxSigning.hmacSHA256Base64(secret: sandboxCredentials.clientSecret, message: Data((id + issuedAt).utf8))
        return Self.response(200, [
            "access_token": .string(token), "instance_url": .string(instance), "id": .string(id), "token_type": "Bearer",
            "issued_at": .string(issuedAt), "signature": .string(signature),
        ])
    }

    private static func oauthError(_ error: String, _ description: String) -> Response {
        response(400, ["error": .string(error), "error_description": .string(description)])
    }
}
