@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Queue
import Testing

/// Every admin route of the full production router × every staff role, a customer token and no token, against the
/// declarations of ``AdminRoutes/guards``: a route without a declared guard fails, a denied role gets exactly 403,
/// an allowed one never 401/403. Routes are read from the router, so new admin routes are covered as they land.
@Suite("Admin role matrix")
struct AdminRoleMatrixTests {
    static let staffRoles: [Role] = [.admin, .finance, .sales, .ops, .security, .product]

    /// The admin routes the router serves, as `(method, /api/v1/admin/... with {name} parameters)`.
    static func adminRoutes(_ router: Router<AppRequestContext>) -> [(method: HTTPRequest.Method, path: String)] {
        router.routes.compactMap { route in
            let path = ContractRouteCoverageTests.normalise(method: route.method.rawValue, path: route.path.description)
                .split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
            return path.hasPrefix("/api/v1/admin/") ? (route.method, path) : nil
        }
    }

    /// The path with its parameters filled: a queue name for `{name}`, a random UUID for any other.
    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("{") else { return String(segment) }
            return segment == "{name}" ? "fulfillment" : UUID().uuidString.lowercased()
        }.joined(separator: "/")
    }

    static func guarded(_ method: HTTPRequest.Method, _ path: String) -> AdminRouteGuard? {
        AdminRoutes.guards.first { $0.method == method && $0.path == path }
    }

    @Test func everyAdminRouteHasAGuardAndEveryGuardARoute() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            let routes = Self.adminRoutes(router)
            #expect(routes.count >= 13, "the operations routes and the approval at least: \(routes.count)")
            let unguarded = routes.filter { Self.guarded($0.method, $0.path) == nil }.map { "\($0.method) \($0.path)" }
            #expect(unguarded.isEmpty, "admin routes without a declared guard: \(unguarded)")
            let served = Set(routes.map { "\($0.method) \($0.path)" })
            let phantom = AdminRoutes.guards.map { "\($0.method) \($0.path)" }.filter { !served.contains($0) }
            #expect(phantom.isEmpty, "guards for routes the router does not serve: \(phantom)")
            // No guard allows everybody: a route open to every staff role would not need one.
            let open = AdminRoutes.guards.filter { Set(Self.staffRoles).isSubset(of: $0.roles) }.map(\.path)
            #expect(open.isEmpty, "guards allowing every staff role: \(open)")
        }
    }

    @Test func everyRouteAnswersEachRoleAsDeclared() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            let routes = Self.adminRoutes(router)
            try await Application(router: router).test(.router) { client in
                let customer = try await harness.token(harness.alice)
                var tokens: [Role: String] = [:]
                for role in Self.staffRoles { tokens[role] = try await harness.staffToken([role]) }
                var failures: [String] = []
                for route in routes {
                    guard let guardEntry = Self.guarded(route.method, route.path) else {
                        failures.append("\(route.method) \(route.path): no guard")
                        continue
                    }
                    let json: String? = route.method == .post ? "{}" : nil
                    for role in Self.staffRoles {
                        let status = try await client.send(route.method, Self.concrete(route.path), token: tokens[role], json: json).status
                        let allowed = guardEntry.roles.contains(role)
                        if allowed, status == .forbidden || status == .unauthorized {
                            failures.append("\(route.method) \(route.path) as \(role): \(status.code), declared allowed")
                        }
                        if !allowed, status != .forbidden {
                            failures.append("\(route.method) \(route.path) as \(role): \(status.code), declared denied")
                        }
                    }
                    let asCustomer = try await client.send(route.method, Self.concrete(route.path), token: customer, json: json).status
                    if asCustomer != .forbidden && asCustomer != .unauthorized {
                        failures.append("\(route.method) \(route.path) as a customer: \(asCustomer.code)")
                    }
                    let anonymous = try await client.send(route.method, Self.concrete(route.path), token: nil, json: json).status
                    if anonymous != .unauthorized { failures.append("\(route.method) \(route.path) without a token: \(anonymous.code)") }
                }
                #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            }
        }
    }

    @Test func aDeniedCallLeavesADenialAuditRow() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            try await Application(router: router).test(.router) { client in
                let staff = UUID()
                let response = try await client.send(.post, "/api/v1/admin/queues/fulfillment/pause", token: try await harness.staffToken([.finance], user: staff))
                #expect(response.status == .forbidden)
                let denials = try await harness.services.store.audit.entries(matching: AuditFilter(action: "admin.denied"), before: nil, limit: 10)
                #expect(denials.contains { $0.actorID == staff && $0.subject == "/api/v1/admin/queues/fulfillment/pause" })
                #expect(try await harness.services.jobs["fulfillment"]?.counts().paused == false)
            }
        }
    }
}
