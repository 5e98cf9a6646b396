import BFF
import Foundation
import Hummingbird
import Logging
import Testing

/// The contract and the router describe the same routes: a route the contract does not name fails, and so does
/// a contract entry no route serves.
@Suite("OpenAPI route coverage")
struct ContractRouteCoverageTests {
    /// The full router of `buildApplication`, on memory backends and without upstreams.
    static func fullRouter() -> Router<AppRequestContext> {
        let logger = Logger(label: "test")
        let services = AppServices(
            config: AtriumConfig(upstreams: .live([:])),
            store: .memory(),
            cache: Cache(store: MemoryCacheStore(), logger: logger),
            providers: ProviderRegistry(),
            jobs: .memory(),
            redis: nil,
            jwtSecret: Secret(String(repeating: "contract-test-jwt-secret-", count: 3)),
            passwordPepper: Secret(String(repeating: "contract-test-pepper-", count: 3)),
            logger: logger
        )
        return buildRouter(services: services, health: HealthController(checks: []))
    }

    /// `GET /api/v1/sims/{id}`, whichever way the path spells its parameters (`:id`, `{id}`), without a trailing `/`.
    static func normalise(method: String, path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment -> String in
            if segment.hasPrefix(":") { return "{\(segment.dropFirst())}" }
            return String(segment)
        }
        return "\(method.uppercased()) /\(segments.joined(separator: "/"))"
    }

    static var routed: Set<String> {
        Set(fullRouter().routes.map { normalise(method: $0.method.rawValue, path: $0.path.description) })
    }

    static var documented: Set<String> {
        let paths = OpenAPIDocument.atrium.json["paths"]?.objectValue ?? [:]
        return Set(paths.flatMap { path, item in (item.objectValue ?? [:]).keys.map { normalise(method: $0, path: path) } })
    }

    @Test func everyRouteIsInTheContract() {
        let missing = Self.routed.subtracting(Self.documented)
        #expect(missing.isEmpty, "routes without a contract entry:\n\(missing.sorted().joined(separator: "\n"))")
    }

    @Test func everyContractEntryIsARoute() {
        let extra = Self.documented.subtracting(Self.routed)
        #expect(extra.isEmpty, "contract entries without a route:\n\(extra.sorted().joined(separator: "\n"))")
    }

    @Test func theRouterIsNotEmptyAndNormalisingWorks() {
        // Guards the two tests above against passing because both sides are empty or normalised differently.
        #expect(Self.routed.isSuperset(of: ["GET /health", "GET /ready", "GET /openapi.json", "GET /docs"]))
        #expect(Self.normalise(method: "get", path: "/api/v1/sims/:id/") == "GET /api/v1/sims/{id}")
        #expect(Self.normalise(method: "POST", path: "api/v1/cases/{id}/comments") == "POST /api/v1/cases/{id}/comments")
    }
}
