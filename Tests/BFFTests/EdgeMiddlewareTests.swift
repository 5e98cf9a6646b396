import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Security headers, CORS, the body limit and the JSON content type, through a small router of our own.
@Suite("Edge: security headers, CORS, body limits")
struct EdgeMiddlewareTests {
    static let portal = "https://portal.example.com"

    static func router(_ config: AtriumConfig = AtriumConfig(upstreams: .live([:])), calls: EdgeTestCounter = EdgeTestCounter()) -> Router<
        AppRequestContext
    > {
        EdgeTestRouter.make(config: config) { router in
            router.get("api/v1/ping") { _, _ in #"{"ok":true}"# }
            router.get("api/v1/forbidden") { _, _ -> String in throw Problem(.forbidden, status: .forbidden, detail: "no") }
            router.get("api/v1/cached") { _, _ in
                Response(status: .ok, headers: [.cacheControl: "private, max-age=30"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
            }
            router.post("api/v1/echo") { request, context -> String in
                calls.next()
                var request = request
                return String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
            }
            router.post("webhooks/test") { _, _ in "ok" }
            router.get("api/v1/meta") { _, context in "\(context.maxUploadSize) \(context.requestMeta.clientIP ?? "nil")" }
            router.get("docs") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html></html>")))
            }
            router.get("docs/own-policy") { _, _ in
                Response(status: .ok, headers: [.contentSecurityPolicy: "default-src 'none'; style-src 'sha256-abc'"])
            }
        }
    }

    static func cors(_ origins: [String] = [portal]) -> AtriumConfig {
        var config = AtriumConfig(upstreams: .live([:]))
        config.corsOrigins = origins
        return config
    }

    /// The headers every response must carry, whatever its status.
    static func expectSecurityHeaders(_ headers: HTTPFields, api: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(headers[EdgeHeaders.xFrameOptions] == "DENY", sourceLocation: sourceLocation)
        #expect(headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        #expect(headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains", sourceLocation: sourceLocation)
        #expect(headers[EdgeHeaders.referrerPolicy] == "no-referrer", sourceLocation: sourceLocation)
        let permissions = headers[EdgeHeaders.permissionsPolicy] ?? ""
        #expect(["camera=()", "microphone=()", "geolocation=()"].allSatisfy(permissions.contains), sourceLocation: sourceLocation)
        if api {
            #expect(
                headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; frame-ancestors 'none'") == true,
                sourceLocation: sourceLocation
            )
        }
    }

    // MARK: - Security headers

    @Test func securityHeadersOnASuccess() async throws {
        try await EdgeTestRouter.application(Self.router()).test(.router) { client in
            try await client.execute(uri: "/api/v1/ping", method: .get) { response in
                #expect(response.status == .ok)
                Self.expectSecurityHeaders(response.headers)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func securityHeadersOnANotFound() async throws {
        try await EdgeTestRouter.application(Self.router()).test(.router) { client in
            try await client.execute(uri: "/api/v1/nope", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:not-found")
                Self.expectSecurityHeaders(response.headers)
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                Self.expectSecurityHeaders(response.headers)
                #expect(response.headers[.cacheControl] == nil)
            }
        }
    }

    @Test func securityHeadersOnAThrownProblem() async throws {
        try await EdgeTestRouter.application(Self.router()).test(.router) { client in
            try await client.execute(uri: "/api/v1/forbidden", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:forbidden")
                Self.expectSecurityHeaders(response.headers)
            }
        }
    }

    @Test func docsGetAPolicyForASelfContainedPageAndRoutesKeepTheirCacheControl() async throws {
        try await EdgeTestRouter.application(Self.router()).test(.router) { client in
            try await client.execute(uri: "/docs", method: .get) { response in
                #expect(response.status == .ok)
                Self.expectSecurityHeaders(response.headers, api: false)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("style-src 'self' 'unsafe-inline'") && csp.contains("default-src 'none'"))
                #expect(csp.contains("frame-ancestors 'none'") && !csp.contains("http") && !csp.contains("script-src"))
            }
            try await client.execute(uri: "/docs/own-policy", method: .get) { response in
                #expect(
                    response.headers[.contentSecurityPolicy] == "default-src 'none'; style-src 'sha256-abc'",
                    "a route's own policy is kept"
                )
            }
            try await client.execute(uri: "/api/v1/cached", method: .get) { response in
                #expect(response.headers[.cacheControl] == "private, max-age=30")
            }
        }
    }

    @Test func theFullApplicationSendsSecurityHeadersOnHealth() async throws {
        let app = try await buildApplication(config: AtriumConfig(), logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                Self.expectSecurityHeaders(response.headers)
                #expect(response.headers[.xRequestID]?.isEmpty == false)
            }
        }
    }

    // MARK: - CORS

    @Test func preflightFromAnAllowedOrigin() async throws {
        try await EdgeTestRouter.application(Self.router(Self.cors())).test(.router) { client in
            let headers: HTTPFields = [
                .origin: Self.portal, .accessControlRequestMethod: "POST",
                .accessControlRequestHeaders: "content-type, idempotency-key, x-csrf-token",
            ]
            try await client.execute(uri: "/api/v1/echo", method: .options, headers: headers) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == Self.portal)
                #expect(response.headers[.accessControlAllowCredentials] == "true")
                let methods = response.headers[.accessControlAllowMethods] ?? ""
                #expect(["GET", "POST", "PUT", "PATCH", "DELETE"].allSatisfy(methods.contains))
                let allowed = response.headers[.accessControlAllowHeaders] ?? ""
                for name in ["Authorization", "Content-Type", "Idempotency-Key", "X-CSRF-Token", "X-Request-ID"] {
                    #expect(allowed.contains(name), "\(name) not allowed")
                }
                #expect(response.headers[values: .vary].contains("Origin"))
                Self.expectSecurityHeaders(response.headers)
            }
        }
    }

    @Test func preflightFromARefusedOrigin() async throws {
        try await EdgeTestRouter.application(Self.router(Self.cors())).test(.router) { client in
            let headers: HTTPFields = [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
            try await client.execute(uri: "/api/v1/echo", method: .options, headers: headers) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
                #expect(response.headers[.accessControlAllowCredentials] == nil)
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:forbidden")
                Self.expectSecurityHeaders(response.headers)
            }
        }
    }

    @Test func actualRequestsEchoOnlyAllowedOriginsWithCredentials() async throws {
        try await EdgeTestRouter.application(Self.router(Self.cors())).test(.router) { client in
            try await client.execute(uri: "/api/v1/ping", method: .get, headers: [.origin: Self.portal]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == Self.portal)
                #expect(response.headers[.accessControlAllowCredentials] == "true")
                let exposed = response.headers[.accessControlExposeHeaders] ?? ""
                for name in ["X-Request-ID", "X-Cache", "RateLimit", "RateLimit-Policy", "Retry-After"] {
                    #expect(exposed.contains(name), "\(name) not exposed")
                }
                #expect(response.headers[values: .vary].contains("Origin"))
            }
            for origin in ["https://evil.example", "null", "https://portal.example.com.evil.example"] {
                try await client.execute(uri: "/api/v1/ping", method: .get, headers: [.origin: origin]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.accessControlAllowOrigin] == nil, "\(origin) allowed")
                    #expect(response.headers[values: .vary].contains("Origin"))
                }
            }
        }
    }

    @Test func aWildcardNeverCarriesCredentials() async throws {
        try await EdgeTestRouter.application(Self.router(Self.cors(["*", Self.portal]))).test(.router) { client in
            try await client.execute(uri: "/api/v1/ping", method: .get, headers: [.origin: "https://any.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
            try await client.execute(uri: "/api/v1/ping", method: .get, headers: [.origin: Self.portal]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == Self.portal)
                #expect(response.headers[.accessControlAllowCredentials] == "true")
            }
        }
    }

    // MARK: - Body limit and content type

    @Test func anOversizedBodyIsRefusedBeforeTheHandlerRuns() async throws {
        var config = AtriumConfig(upstreams: .live([:]))
        config.maxBodyBytes = 1024
        let calls = EdgeTestCounter()
        try await EdgeTestRouter.application(Self.router(config, calls: calls)).test(.router) { client in
            let big = ByteBuffer(string: "{\"pad\":\"" + String(repeating: "x", count: 2000) + "\"}")
            try await client.execute(uri: "/api/v1/echo", method: .post, headers: [.contentType: "application/json"], body: big) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:payload-too-large")
                Self.expectSecurityHeaders(response.headers)
            }
            let small = ByteBuffer(string: #"{"a":1}"#)
            try await client.execute(uri: "/api/v1/echo", method: .post, headers: [.contentType: "application/json"], body: small) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"a":1}"#)
            }
            try await client.execute(uri: "/api/v1/meta", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("1024 "), "maxUploadSize follows the configured limit")
            }
        }
        #expect(calls.value == 1)
    }

    @Test func aNonJSONBodyOnAnAPIRouteIs415() async throws {
        let calls = EdgeTestCounter()
        try await EdgeTestRouter.application(Self.router(calls: calls)).test(.router) { client in
            let body = ByteBuffer(string: "a=1")
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"] {
                try await client.execute(uri: "/api/v1/echo", method: .post, headers: [.contentType: contentType], body: body) { response in
                    #expect(response.status == .unsupportedMediaType, "\(contentType)")
                    #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:unsupported-media-type")
                }
            }
            try await client.execute(uri: "/api/v1/echo", method: .post, body: body) { response in
                #expect(response.status == .unsupportedMediaType, "a body without a content type")
            }
            for contentType in ["application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"] {
                try await client.execute(
                    uri: "/api/v1/echo",
                    method: .post,
                    headers: [.contentType: contentType],
                    body: ByteBuffer(string: "{}")
                ) { response in
                    #expect(response.status == .ok, "\(contentType)")
                }
            }
            // No body, no content type needed; webhooks (outside /api/) take whatever their sender posts.
            try await client.execute(uri: "/api/v1/echo", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/webhooks/test",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: body
            ) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(calls.value == 4)
    }

    // MARK: - Client address

    @Test func forwardedForIsTrustedOnlyWhenConfigured() async throws {
        let forwarded: HTTPFields = [EdgeHeaders.xForwardedFor: "203.0.113.5, 10.0.0.1"]
        try await EdgeTestRouter.application(Self.router()).test(.router) { client in
            try await client.execute(uri: "/api/v1/meta", method: .get, headers: forwarded) { response in
                #expect(!String(buffer: response.body).contains("203.0.113.5"))
            }
        }
        var config = AtriumConfig(upstreams: .live([:]))
        config.trustProxy = true
        try await EdgeTestRouter.application(Self.router(config)).test(.router) { client in
            try await client.execute(uri: "/api/v1/meta", method: .get, headers: forwarded) { response in
                #expect(String(buffer: response.body).hasSuffix(" 203.0.113.5"))
            }
            try await client.execute(uri: "/api/v1/meta", method: .get, headers: [EdgeHeaders.xForwardedFor: "2001:DB8::7"]) { response in
                #expect(String(buffer: response.body).hasSuffix(" 2001:db8::7"))
            }
            try await client.execute(uri: "/api/v1/meta", method: .get, headers: [EdgeHeaders.xForwardedFor: "evil}:key, 1.2.3.4"]) {
                response in
                #expect(String(buffer: response.body).hasSuffix(" nil"), "a non-address entry is ignored")
            }
        }
    }
}
