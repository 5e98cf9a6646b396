@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /admin/cache/invalidate` on the Redis cache: a HIT becomes a MISS, by tag or by customer, the tenant's
/// global catalog by tag; another tenant's staff cannot reach a customer; every call leaves an audit row.
@Suite("Admin cache invalidation on Redis")
struct AdminCacheInvalidationTests {
    static func withAdmin(_ body: @Sendable (OrderHarness, any TestClientProtocol) async throws -> Void) async throws {
        try await OrderHarness.run(.redis) { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            try await Application(router: router).test(.router) { client in try await body(harness, client) }
        }
    }

    /// Reads `path` as `token` until it is cached (HIT) and returns nothing; fails if it never becomes a HIT.
    static func warm(_ client: some TestClientProtocol, _ path: String, token: String) async throws {
        _ = try await client.send(.get, path, token: token)
        let second = try await client.send(.get, path, token: token)
        #expect(second.status == .ok, "\(second.text)")
        #expect(second.xCache == "HIT", "\(path) not cached")
    }

    @Test func invalidatingACustomersTagTurnsAHitIntoAMiss() async throws {
        try await Self.withAdmin { harness, client in
            let alice = try await harness.token(harness.alice)
            let bob = try await harness.token(harness.bob)
            let staff = UUID()
            let ops = try await harness.staffToken([.ops], user: staff)
            try await Self.warm(client, "/api/v1/invoices", token: alice)
            try await Self.warm(client, "/api/v1/invoices", token: bob)

            let body = #"{"customer_id": "\#(harness.alice.uuidString.lowercased())", "tag": "invoices"}"#
            let response = try await client.send(.post, "/api/v1/admin/cache/invalidate", token: ops, json: body)
            #expect(response.status == .ok, "\(response.text)")
            let result = try response.decode(AdminCacheInvalidationDTO.self)
            #expect(result.removed >= 1 && result.scope == "customer" && result.tag == "invoices")

            #expect(try await client.send(.get, "/api/v1/invoices", token: alice).xCache == "MISS")
            #expect(try await client.send(.get, "/api/v1/invoices", token: bob).xCache == "HIT", "another customer's entries stay")

            let rows = try await harness.services.store.audit.entries(matching: AuditFilter(action: "cache.invalidate"), before: nil, limit: 10)
            #expect(rows.contains {
                $0.actorID == staff && $0.outcome == "success" && $0.subject == "customer:\(harness.alice.uuidString.lowercased())"
                    && $0.details["removed"] == "\(result.removed)"
            })
        }
    }

    @Test func invalidatingAWholeCustomerAndTheCatalog() async throws {
        try await Self.withAdmin { harness, client in
            let alice = try await harness.token(harness.alice)
            let admin = try await harness.staffToken([.admin])
            // The catalog is tenant-global: an earlier test's entry (written on another test clock) must not be
            // what this test reads.
            _ = try await harness.services.cache.invalidate(CacheTag.all(.global(tenant: OrderHarness.tenant)))
            try await Self.warm(client, "/api/v1/invoices", token: alice)
            try await Self.warm(client, "/api/v1/catalog", token: alice)

            let whole = try await client.send(
                .post, "/api/v1/admin/cache/invalidate", token: admin, json: #"{"customer_id": "\#(harness.alice.uuidString)"}"#
            )
            #expect(try whole.decode(AdminCacheInvalidationDTO.self).removed >= 1)
            #expect(try await client.send(.get, "/api/v1/invoices", token: alice).xCache == "MISS")
            #expect(try await client.send(.get, "/api/v1/catalog", token: alice).xCache == "HIT", "the catalog is tenant-global, not the customer's")

            let catalog = try await client.send(.post, "/api/v1/admin/cache/invalidate", token: admin, json: #"{"tag": "catalog"}"#)
            let result = try catalog.decode(AdminCacheInvalidationDTO.self)
            #expect(result.scope == "tenant" && result.removed >= 1)
            #expect(try await client.send(.get, "/api/v1/catalog", token: alice).xCache == "MISS")
        }
    }

    @Test func badRequestsAndOtherTenants() async throws {
        try await Self.withAdmin { harness, client in
            let alice = try await harness.token(harness.alice)
            try await Self.warm(client, "/api/v1/invoices", token: alice)
            let ops = try await harness.staffToken([.ops])
            let elsewhere = try await harness.staffToken([.admin], tenant: "other-tenant")
            let body = #"{"customer_id": "\#(harness.alice.uuidString.lowercased())"}"#
            #expect(try await client.send(.post, "/api/v1/admin/cache/invalidate", token: elsewhere, json: body).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/invoices", token: alice).xCache == "HIT", "another tenant's staff removed nothing")
            #expect(try await client.send(.post, "/api/v1/admin/cache/invalidate", token: ops, json: "{}").status == .badRequest)
            #expect(try await client.send(.post, "/api/v1/admin/cache/invalidate", token: ops, json: #"{"tag": "nope"}"#).status == .badRequest)
            #expect(
                try await client.send(.post, "/api/v1/admin/cache/invalidate", token: ops, json: #"{"customer_id": "\#(UUID().uuidString)"}"#).status
                    == .notFound
            )
            #expect(try await client.send(.post, "/api/v1/admin/cache/invalidate", token: try await harness.staffToken([.finance]), json: body).status == .forbidden)
        }
    }
}
