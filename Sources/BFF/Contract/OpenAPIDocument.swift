/// Atrium's OpenAPI 3.1 contract: every route, parameter, body, response and error, built from typed pieces.
///
/// Each area contributes its operations and component schemas (`OpenAPIDocument+system.swift`, `+auth`,
/// `+portal`); this type adds what operations share (see ``APIOperation``) and renders the JSON document that
/// `GET /openapi.json` serves and `GET /docs` renders.
package struct OpenAPIDocument: Sendable {
    /// The API's version (`info.version`); raise it when the contract changes.
    package static let apiVersion = "1.0.0"

    package struct Tag: Sendable {
        package let name: String
        package let description: String
    }

    package let tags: [Tag]
    package let operations: [APIOperation]
    package let schemas: [String: JSONSchema]

    package init(tags: [Tag], operations: [APIOperation], schemas: [String: JSONSchema]) {
        self.tags = tags
        self.operations = operations
        self.schemas = schemas
    }

    /// The whole contract of this server.
    package static let atrium = OpenAPIDocument(
        tags: areaTags,
        operations: systemOperations + authOperations + portalOperations + orderOperations + webhookOperations + adminOperations,
        schemas: systemSchemas.merging(authSchemas) { first, _ in first }.merging(portalSchemas) { first, _ in first }
            .merging(orderSchemas) { first, _ in first }.merging(webhookSchemas) { first, _ in first }
            .merging(adminSchemas) { first, _ in first }
    )

    package static let areaTags: [Tag] = [
        Tag(name: "auth", description: "Register, sign in, refresh and revoke tokens, change the password, enrol and verify TOTP MFA."),
        Tag(name: "customer", description: "The signed-in customer: profile and the dashboard (billing, CRM and SIM in one call)."),
        Tag(name: "billing", description: "Invoices, subscriptions and payment methods from the customer's billing system."),
        Tag(name: "sim", description: "SIM cards, their data usage, and plan changes."),
        Tag(name: "catalog", description: "The product catalog: search, filters, facets and single products."),
        Tag(name: "support", description: "Support cases: list, open, read and comment."),
        Tag(name: "orders", description: "Orders: place, list, read with their timeline, and follow live (Server-Sent Events)."),
        Tag(name: "admin", description: "Staff operations (staff tokens; each operation names the roles it allows)."),
        Tag(name: "webhooks", description: "Signed webhook receivers of the upstream systems (no bearer token: the signature authenticates)."),
        Tag(name: "system", description: "Liveness, readiness and this contract."),
    ]

    /// `#/components/schemas/<name>`.
    package static func schemaPointer(_ name: String) -> String { "#/components/schemas/\(name)" }

    /// The OpenAPI document as JSON.
    package var json: JSONNode {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Atrium",
                "version": .string(Self.apiVersion),
                "summary": "The backend-for-frontend of the customer and admin portals.",
                "description": .string(Self.overview),
            ],
            "servers": [
                ["url": "/", "description": "The server that serves this document"],
                ["url": "http://127.0.0.1:8080", "description": "`atrium serve` with its defaults (embedded, demo data)"],
            ],
            "tags": .array(tags.map { ["name": .string($0.name), "description": .string($0.description)] }),
            "paths": paths,
            "components": components,
        ]
    }

    private var paths: JSONNode {
        var paths: [String: JSONNode] = [:]
        for operation in operations {
            var item = paths[operation.path]?.objectValue ?? [:]
            item[operation.method.lowercased()] = render(operation)
            paths[operation.path] = .object(item)
        }
        return .object(paths)
    }

    private func render(_ operation: APIOperation) -> JSONNode {
        var node: [String: JSONNode] = [
            "operationId": .string(operation.id),
            "summary": .string(operation.summary),
            "description": .string(operation.description),
            "tags": [.string(operation.tag)],
            "security": Self.security(operation.access),
            "parameters": .array(Self.parameters(of: operation).map(Self.render)),
            "responses": .object(
                Dictionary(Self.responses(of: operation).map { (String($0.status), Self.render($0, of: operation)) }) { first, _ in first }
            ),
        ]
        if let body = operation.requestBody {
            node["requestBody"] = [
                "description": .string(body.description),
                "required": .bool(body.isRequired),
                "content": ["application/json": ["schema": .object(JSONSchema.ref(body.schema).node)]],
            ]
        }
        return .object(node)
    }

    private static func security(_ access: APIOperation.Access) -> JSONNode {
        switch access {
        case .anonymous: []
        case .portal: [["portalBearer": []]]
        case .admin: [["adminBearer": []]]
        // The refresh token travels in the JSON body or, for browsers, in the HttpOnly cookie.
        case .refreshToken: [["refreshCookie": []], [:]]
        case .user: [["portalBearer": []], ["adminBearer": []]]
        case .session: [["refreshCookie": []], ["portalBearer": []], ["adminBearer": []], [:]]
        }
    }

    /// The operation's own parameters plus the shared ones: `X-Request-ID` always, `Idempotency-Key` on mutations
    /// of the API (webhook receivers de-duplicate by the upstream's event id instead).
    package static func parameters(of operation: APIOperation) -> [APIParameter] {
        var parameters = operation.parameters
        parameters.append(.shared(.requestID))
        if operation.takesIdempotencyKey {
            parameters.append(.shared(operation.replaysIdempotently ? .idempotencyKey : .idempotencyKeyValidated))
        }
        return parameters
    }

    /// The operation's own responses plus the errors every operation of its kind can give, sorted by status.
    package static func responses(of operation: APIOperation) -> [APIResponse] {
        var responses = operation.responses
        var implied: [ProblemResponse] = [.internalError]
        if operation.isRateLimited { implied.append(.tooManyRequests) }
        // A missing credential where one is needed, or an invalid access token on any route but the exchanges.
        if operation.access != .anonymous || !operation.ignoresInvalidAccessToken { implied.append(.unauthorized) }
        if operation.access == .portal || operation.access == .admin { implied.append(.forbidden) }
        // The edge refuses an oversized or non-JSON body before the handler; the handler a malformed one.
        if operation.requestBody != nil { implied += [.badRequest, .payloadTooLarge, .unsupportedMediaType] }
        if operation.parameters.contains(where: { if case .query = $0 { true } else { $0 == .shared(.cursor) || $0 == .shared(.limit) } }) {
            implied.append(.badRequest)
        }
        // A malformed Idempotency-Key is 400 everywhere; where keys replay, the same key in flight is 409 and
        // with another request 422, and a failing idempotency store 503.
        if operation.takesIdempotencyKey { implied.append(.badRequest) }
        if operation.replaysIdempotently { implied += [.conflict, .unprocessable, .serviceUnavailable] }
        for problem in implied where !responses.contains(where: { $0.status == problem.status }) {
            responses.append(.problem(problem))
        }
        return responses.sorted { $0.status < $1.status }
    }

    private static func render(_ parameter: APIParameter) -> JSONNode {
        switch parameter {
        case .shared(let shared):
            return ["$ref": .string("#/components/parameters/\(shared.rawValue)")]
        case .path(let name, let description, let schema):
            return ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": .object(schema.node)]
        case .query(let name, let description, let schema, let required):
            return ["name": .string(name), "in": "query", "required": .bool(required), "description": .string(description), "schema": .object(schema.node)]
        case .header(let name, let description, let schema):
            return ["name": .string(name), "in": "header", "required": false, "description": .string(description), "schema": .object(schema.node)]
        }
    }

    private static func render(_ response: APIResponse, of operation: APIOperation) -> JSONNode {
        switch response {
        case .problem(let problem):
            return ["$ref": .string("#/components/responses/\(problem.rawValue)")]
        case .success(let status, let description, let schema, let headers, let mediaType):
            var all = [APIResponse.SharedHeader.requestID] + headers
            if operation.cached && (200..<300).contains(status) && !all.contains(.cache) { all.append(.cache) }
            // Rate-limited routes report the bucket on every answer, not only on a 429.
            if operation.isRateLimited { all += [.rateLimit, .rateLimitPolicy].filter { !all.contains($0) } }
            if operation.replaysIdempotently && (200..<300).contains(status) { all.append(.idempotencyReplayed) }
            var node: [String: JSONNode] = [
                "description": .string(description),
                "headers": headerRefs(all),
            ]
            if let schema {
                node["content"] = [mediaType: ["schema": .object(JSONSchema.ref(schema).node)]]
            }
            return .object(node)
        }
    }

    static func headerRefs(_ headers: [APIResponse.SharedHeader]) -> JSONNode {
        .object(Dictionary(headers.map { ($0.rawValue, ["$ref": .string("#/components/headers/\($0.rawValue)")]) }) { first, _ in first })
    }
}
