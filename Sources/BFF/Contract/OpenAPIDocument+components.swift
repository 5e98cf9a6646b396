/// The shared pieces under `components`: schemas, problem responses, parameters, headers, security schemes.
extension OpenAPIDocument {
    var components: JSONNode {
        [
            "schemas": .object(schemas.mapValues { .object($0.node) }),
            "responses": .object(Dictionary(uniqueKeysWithValues: ProblemResponse.allCases.map { ($0.rawValue, Self.render($0)) })),
            "parameters": .object(Dictionary(uniqueKeysWithValues: APIParameter.SharedParameter.allCases.map { ($0.rawValue, Self.render($0)) })),
            "headers": .object(Dictionary(uniqueKeysWithValues: APIResponse.SharedHeader.allCases.map { ($0.rawValue, Self.render($0)) })),
            "securitySchemes": Self.securitySchemes,
        ]
    }

    /// What a frontend developer reads first (`info.description`, Markdown).
    static let overview = """
        The customer-portal API of Atrium. All portal routes live under `/api/v1`.

        **Authentication.** `POST /api/v1/auth/login` answers an access token (a JWT, 15 minutes) and a refresh token \
        (opaque, 7 days, rotated on every use). Send the access token as `Authorization: Bearer <token>`. Customer \
        tokens (`portalBearer`) and staff tokens (`adminBearer`) have different audiences and are never interchangeable. \
        Browsers also receive the refresh token as an `HttpOnly; Secure; SameSite=Strict` cookie.

        **Errors** are `application/problem+json` (RFC 9457) with a stable `type` URN (`urn:atrium:problem:<slug>`); \
        switch on `type`, never on `title` or `detail`. Every response carries `X-Request-ID`; every problem repeats \
        it as `request_id`.

        **Lists** take an opaque `cursor` and a `limit` (1 to 100) and answer `{"data": [...], "next_cursor": "…" | null}`; \
        pass `next_cursor` back as `cursor` for the next page.

        **Mutations** accept `Idempotency-Key` (scoped per user, kept 24 h): the same key with the same body replays \
        the stored response; with another body it is 422; while the first request is in flight it is 409.

        **Rate limits** (token bucket per client IP and per user): 429 with `Retry-After`, `RateLimit` and `RateLimit-Policy`.

        **Caching.** Portal reads are served through a per-customer cache and say `X-Cache: HIT`, `MISS` or `STALE` \
        (a stale copy is served while an upstream system fails).
        """

    /// The ``Problem`` body, shared by every error response.
    static var problemSchema: JSONSchema {
        .object(
            [
                "type": .required(.string(format: "uri"), "A stable URN naming the kind of problem, e.g. `urn:atrium:problem:not-found`."),
                "title": .required(.string(), "A short summary of the kind of problem; the same for every occurrence of `type`."),
                "status": .required(.integer(minimum: 100, maximum: 599, format: "int32"), "The HTTP status code."),
                "detail": .optional(.string(), "What went wrong in this occurrence, for people; never contains secrets or upstream bodies."),
                "instance": .required(.string(), "The request path."),
                "request_id": .required(.string(), "The request's `X-Request-ID`; quote it when reporting a problem."),
            ],
            closed: true
        ).describe("An RFC 9457 problem.")
    }

    private static func render(_ problem: ProblemResponse) -> JSONNode {
        [
            "description": .string(problem.description),
            // Every answer on an `/api/` route reports its rate-limit bucket, errors included.
            "headers": headerRefs([.requestID] + problem.headers + [.rateLimit, .rateLimitPolicy].filter { !problem.headers.contains($0) }),
            "content": [
                Problem.mediaType: [
                    "schema": .object(JSONSchema.ref("Problem").node),
                    "example": [
                        "type": .string(problem.kinds.first?.type ?? ""),
                        "title": .string(problem.kinds.first?.title ?? ""),
                        "status": .integer(problem.status),
                        "detail": .string(problem.summary),
                        "instance": "/api/v1/invoices",
                        "request_id": "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f",
                    ],
                ]
            ],
        ]
    }

    private static func render(_ parameter: APIParameter.SharedParameter) -> JSONNode {
        switch parameter {
        case .cursor:
            [
                "name": "cursor", "in": "query", "required": false,
                "description": "The opaque `next_cursor` of the previous page; leave out for the first page.",
                "schema": .object(JSONSchema.string(maxLength: 512).node),
            ]
        case .limit:
            [
                "name": "limit", "in": "query", "required": false,
                "description": "Items per page, 1 to 100 (values outside are clamped).",
                "schema": .object(JSONSchema(["type": "integer", "format": "int32", "minimum": 1, "maximum": 100, "default": 20]).node),
            ]
        case .idempotencyKey:
            [
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": """
                    A client-chosen unique key (a UUID is a good choice). Retrying with the same key and body replays \
                    the first response; another body answers 422; while the first is in flight 409. Kept 24 hours, per user.
                    """,
                "schema": .object(JSONSchema.string(minLength: 1, maxLength: 255).node),
            ]
        case .idempotencyKeyValidated:
            [
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "Accepted on every mutation and checked (1 to 255 printable ASCII characters, else 400), but not replayed here: these answers carry credentials, which are never stored.",
                "schema": .object(JSONSchema.string(minLength: 1, maxLength: 255).node),
            ]
        case .requestID:
            [
                "name": "X-Request-ID", "in": "header", "required": false,
                "description": "Your id for this request (1–128 of `A-Z a-z 0-9 - _ . :`); anything else is replaced by a new id.",
                "schema": .object(JSONSchema(["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"]).node),
            ]
        }
    }

    private static func render(_ header: APIResponse.SharedHeader) -> JSONNode {
        let (description, schema): (String, JSONSchema) =
            switch header {
            case .requestID: ("The request's id: the one sent, if sane, or a new one. Also in every problem body.", .string())
            case .cache: ("How the cache served this read: `HIT`, `MISS`, or `STALE` (an upstream failed; a stale copy was served).", .enumeration(["HIT", "MISS", "STALE"]))
            case .rateLimit:
                ("The bucket's state (draft-ietf-httpapi-ratelimit-headers): `\"default\";r=19;t=1`, `r` tokens left, `t` seconds until full.", .string())
            case .rateLimitPolicy:
                ("The bucket's policy: `\"default\";q=20;w=1`, `q` the burst, `w` the seconds an empty bucket takes to refill.", .string())
            case .retryAfter: ("Seconds to wait before retrying.", .integer(minimum: 0, format: "int32"))
            case .setCookie:
                (
                    "Login and refresh set `atrium_refresh` (the refresh token; `HttpOnly; Secure; SameSite=Strict; Path=/api/v1/auth`) and `atrium_csrf` (readable; echo it as `X-CSRF-Token`); logout, password change and a refused refresh clear both.",
                    .string()
                )
            case .eTag: ("The entity tag of this representation; send it back in `If-None-Match`.", .string())
            case .cacheControl: ("How long clients and proxies may reuse the response.", .string())
            case .idempotencyReplayed: ("`true` when this is the stored answer of an earlier request with the same `Idempotency-Key`.", .constant("true"))
            case .wwwAuthenticate: ("The authentication scheme to use (`Bearer`), with `error=\"invalid_token\"` for a bad access token.", .string())
            }
        return ["description": .string(description), "schema": .object(schema.node)]
    }

    static var securitySchemes: JSONNode {
        [
            "portalBearer": [
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A customer access token from `POST /api/v1/auth/login` (JWT, audience `atrium-portal`, 15 minutes).",
            ],
            "adminBearer": [
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A staff access token (JWT, audience `atrium-admin`, 15 minutes). Never accepted on portal routes.",
            ],
            "refreshCookie": [
                "type": "apiKey", "in": "cookie", "name": .string(AuthCookies.refreshName),
                "description": "The refresh token as browsers hold it: an `HttpOnly; Secure; SameSite=Strict` cookie set at login. A request authenticated by it must also send `X-CSRF-Token` equal to the `atrium_csrf` cookie (403 `csrf` otherwise).",
            ],
        ]
    }
}
