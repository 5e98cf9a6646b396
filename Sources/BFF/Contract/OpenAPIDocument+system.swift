/// The system routes: `/health`, `/ready`, `/openapi.json`, `/docs`, `/metrics` (HealthController, ContractRoutes, MetricsRoutes).
extension OpenAPIDocument {
    static var systemOperations: [APIOperation] {
        [
            APIOperation(
                "GET", "/health",
                id: "getHealth", tag: "system",
                summary: "Liveness",
                description: "Answers 200 while the process serves requests. Checks no dependency (see `/ready`).",
                access: .anonymous,
                responses: [.ok("Health", "The process is alive.")]
            ),
            APIOperation(
                "GET", "/ready",
                id: "getReadiness", tag: "system",
                summary: "Readiness, one entry per dependency",
                description: """
                    Checks Redis, PostgreSQL (or their memory stand-ins) and each upstream system concurrently, each within 2 s. \
                    Answers 503 when a required dependency (Redis, PostgreSQL) is down; an upstream being down is reported \
                    but does not fail readiness.
                    """,
                access: .anonymous,
                responses: [
                    .success(status: 200, description: "Every required dependency is up.", schema: "ReadinessReport", headers: [.cacheControl]),
                    .success(status: 503, description: "A required dependency is down; `failing` names it.", schema: "ReadinessReport", headers: [.cacheControl]),
                ]
            ),
            APIOperation(
                "GET", "/openapi.json",
                id: "getOpenAPIDocument", tag: "system",
                summary: "This contract (OpenAPI 3.1)",
                description: "The OpenAPI 3.1 document of every route. Revalidate with `If-None-Match`; it changes only with a new server version.",
                access: .anonymous,
                parameters: [.header("If-None-Match", description: "The `ETag` of a copy you hold.", schema: .string())],
                responses: [
                    .ok("OpenAPIDocument", "The document.", headers: [.eTag, .cacheControl]),
                    .success(status: 304, description: "Your copy (named by `If-None-Match`) is current.", schema: nil, headers: [.eTag, .cacheControl]),
                ]
            ),
            APIOperation(
                "GET", "/docs",
                id: "getDocs", tag: "system",
                summary: "This contract for people (HTML)",
                description: "A self-contained HTML page rendered from `/openapi.json`: operations by tag, parameters, bodies and responses. Needs no JavaScript.",
                access: .anonymous,
                responses: [
                    .success(status: 200, description: "The page.", schema: "HTMLPage", headers: [.eTag, .cacheControl], mediaType: "text/html")
                ]
            ),
            APIOperation(
                "GET", "/metrics",
                id: "getMetrics", tag: "system",
                summary: "Prometheus metrics (text exposition 0.0.4)",
                description: """
                    This process's metrics in the Prometheus text format: `atrium_http_requests_total` and \
                    `atrium_http_request_duration_seconds` (by method, route template and status), `atrium_upstream_calls_total`, \
                    `atrium_upstream_call_duration_seconds` and `atrium_upstream_circuit_state` (by provider, operation, outcome), \
                    `atrium_cache_lookups_total` (hit, miss, stale), `atrium_queue_jobs` (by queue and state, read at each scrape), \
                    `atrium_queue_job_wait_seconds`, `atrium_queue_job_run_seconds`, `atrium_queue_runs_total`, \
                    `atrium_webhooks_received_total` and `atrium_webhooks_rejected_total`. Needs no token and is not rate limited: \
                    keep it off the public edge.
                    """,
                access: .anonymous,
                responses: [
                    .success(
                        status: 200, description: "The exposition.", schema: "PrometheusText", headers: [.cacheControl],
                        mediaType: "text/plain"
                    )
                ]
            ),
        ]
    }

    static var systemSchemas: [String: JSONSchema] {
        [
            "Problem": problemSchema,
            "Health": .object(["status": .required(.constant("ok"))], closed: true).describe("Liveness."),
            "ReadinessReport": .object(
                [
                    "status": .required(.enumeration(["ready", "not_ready"])),
                    "failing": .required(.array(.string()), "The required dependencies that are not up."),
                    "checks": .required(.array(.ref("ReadinessCheck")), "One entry per dependency, in a fixed order."),
                ],
                closed: true
            ).describe("The readiness of this process and of each dependency."),
            "ReadinessCheck": .object(
                [
                    "name": .required(.string(), "`redis`, `postgres`, or an upstream: `stripe`, `whmcs`, `salesforce`, `sim`, `supplier`."),
                    "status": .required(.enumeration(["up", "down", "not_configured"])),
                    "required": .required(.boolean, "Whether this dependency being down makes the process not ready."),
                    "backend": .required(.string(), "The implementation checked: `redis`, `postgres`, `memory`, `sandbox`, `http`, `none`."),
                    "latency_ms": .required(.number, "How long the check took, in milliseconds."),
                    "detail": .optional(.string(), "Why the dependency is down or not configured."),
                ],
                closed: true
            ).describe("One dependency's check."),
            "OpenAPIDocument": JSONSchema(
                [
                    "type": "object",
                    "required": ["openapi", "info", "paths"],
                    "properties": ["openapi": ["type": "string"], "info": ["type": "object"], "paths": ["type": "object"]],
                ]
            ).describe("An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0)."),
            "HTMLPage": JSONSchema.string().describe("An HTML document."),
            "PrometheusText": JSONSchema.string().describe("Prometheus text exposition format 0.0.4."),
        ]
    }
}
