/// One operation of the contract (a method on a path), in the shape the document builder turns into OpenAPI.
///
/// Operations name only what is particular to them; ``OpenAPIDocument`` adds what every operation of a kind
/// shares (the `X-Request-ID` header, `Idempotency-Key` and its 409/422 on mutations, 401/403 on protected
/// routes, 429 and 500 everywhere), so no operation can forget them.
package struct APIOperation: Sendable {
    /// Who may call the operation, and how they prove it.
    package enum Access: Sendable, Hashable {
        /// No credentials.
        case anonymous
        /// A customer access token (`aud` `atrium-portal`).
        case portal
        /// A staff access token (`aud` `atrium-admin`).
        case admin
        /// An access token of either audience (a customer's or a staff member's own account).
        case user
        /// A refresh token, in the body or (browsers) the `HttpOnly` refresh cookie.
        case refreshToken
        /// A refresh token (body or cookie) or an access token of either audience: whatever names the session.
        case session
    }

    package let method: String
    /// The path as OpenAPI writes it, with `{name}` parameters, e.g. `/api/v1/sims/{id}`.
    package let path: String
    /// Unique and camelCase: client generators turn it into a method name.
    package let id: String
    package let tag: String
    package let summary: String
    package let description: String
    package var access: Access
    package var parameters: [APIParameter]
    package var requestBody: APIRequestBody?
    package var responses: [APIResponse]
    /// Reads served through the cache answer `X-Cache: HIT|MISS|STALE` on success.
    package var cached: Bool

    package init(
        _ method: String,
        _ path: String,
        id: String,
        tag: String,
        summary: String,
        description: String,
        access: Access,
        parameters: [APIParameter] = [],
        requestBody: APIRequestBody? = nil,
        responses: [APIResponse],
        cached: Bool = false
    ) {
        self.method = method
        self.path = path
        self.id = id
        self.tag = tag
        self.summary = summary
        self.description = description
        self.access = access
        self.parameters = parameters
        self.requestBody = requestBody
        self.responses = responses
        self.cached = cached
    }

    /// POST, PUT, PATCH and DELETE: they accept `Idempotency-Key`.
    package var isMutating: Bool { ["POST", "PUT", "PATCH", "DELETE"].contains(method) }

    /// Whether a repeated `Idempotency-Key` replays the stored answer (`IdempotencyMiddleware`): every mutation of
    /// a signed-in user outside `/api/v1/auth/`. Auth answers carry tokens and are never stored; the key is only
    /// validated there.
    package var replaysIdempotently: Bool {
        isMutating && path.hasPrefix("/api/v1/") && !path.hasPrefix("/api/v1/auth/") && access != .anonymous
    }

    /// Routes that ignore a stale `Authorization` header (they exchange credentials); everywhere else an invalid
    /// access token is 401, even on routes that need none (`AuthenticationMiddleware`).
    package var ignoresInvalidAccessToken: Bool {
        ["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh", "/api/v1/auth/logout"].contains(path)
    }

    /// Whether `Idempotency-Key` is honoured: every mutation under `/api/` (the middleware looks nowhere else).
    package var takesIdempotencyKey: Bool { isMutating && path.hasPrefix("/api/") }

    /// Whether the rate limits apply: every `/api/` route; probes, the contract and webhooks are never limited
    /// (`RateLimitPolicy.forPath`).
    package var isRateLimited: Bool { RateLimitPolicy.forPath(path) != nil }

    /// The names of the `{…}` parameters in ``path``.
    package var pathParameterNames: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }
}

/// A parameter: a shared one from `components/parameters`, or one of the operation's own.
package enum APIParameter: Sendable, Hashable {
    /// `#/components/parameters/<name>`.
    case shared(SharedParameter)
    case path(String, description: String, schema: JSONSchema = .string(minLength: 1, maxLength: 128))
    case query(String, description: String, schema: JSONSchema, required: Bool = false)
    case header(String, description: String, schema: JSONSchema)

    /// Parameters many operations take, declared once under `components/parameters`.
    package enum SharedParameter: String, Sendable, CaseIterable {
        case cursor = "Cursor"
        case limit = "Limit"
        case idempotencyKey = "IdempotencyKey"
        /// The same header on routes that validate it but never replay (the auth routes).
        case idempotencyKeyValidated = "IdempotencyKeyValidated"
        case requestID = "RequestID"
    }
}

/// A JSON request body, always a named component schema.
package struct APIRequestBody: Sendable, Hashable {
    package let schema: String
    package let description: String
    package var isRequired: Bool = true

    package init(_ schema: String, _ description: String, isRequired: Bool = true) {
        self.schema = schema
        self.description = description
        self.isRequired = isRequired
    }
}

/// One response an operation can give.
package enum APIResponse: Sendable, Hashable {
    /// A success with a JSON body of a named component schema, and extra headers from `components/headers`.
    case success(status: Int, description: String, schema: String?, headers: [SharedHeader] = [], mediaType: String = "application/json")
    /// A problem+json error, referenced from `components/responses`.
    case problem(ProblemResponse)

    package static func ok(_ schema: String, _ description: String, headers: [SharedHeader] = []) -> APIResponse {
        .success(status: 200, description: description, schema: schema, headers: headers)
    }

    package static func created(_ schema: String, _ description: String, headers: [SharedHeader] = []) -> APIResponse {
        .success(status: 201, description: description, schema: schema, headers: headers)
    }

    package static func accepted(_ schema: String, _ description: String) -> APIResponse {
        .success(status: 202, description: description, schema: schema)
    }

    package static func noContent(_ description: String, headers: [SharedHeader] = []) -> APIResponse {
        .success(status: 204, description: description, schema: nil, headers: headers)
    }

    package var status: Int {
        switch self {
        case .success(let status, _, _, _, _): status
        case .problem(let problem): problem.status
        }
    }

    /// Response headers declared once under `components/headers`.
    package enum SharedHeader: String, Sendable, CaseIterable {
        case requestID = "X-Request-ID"
        case cache = "X-Cache"
        case rateLimit = "RateLimit"
        case rateLimitPolicy = "RateLimit-Policy"
        case retryAfter = "Retry-After"
        case setCookie = "Set-Cookie"
        case eTag = "ETag"
        case cacheControl = "Cache-Control"
        case wwwAuthenticate = "WWW-Authenticate"
        case idempotencyReplayed = "Idempotency-Replayed"
    }
}
