import BFF
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every portal mutation leaves one audit row naming the customer, the route and the outcome; reads leave none.
@Suite("Portal audit")
struct PortalAuditTests {
    @Test func mutationsAreAuditedReadsAreNot() async throws {
        try await PortalHarness.with { harness, client in
            let audit = harness.services.store.audit
            let before = try await audit.entries(matching: AuditFilter(actorID: harness.alice), before: nil, limit: 100)
            #expect(try await client.call(.get, "/api/v1/cases?limit=3", as: harness.alice).status == .ok)

            let created = try await client.call(.post, "/api/v1/cases", as: harness.alice, json: #"{"subject":"Audit me","description":"x","priority":"low"}"#)
            #expect(created.status == .created)
            let refused = try await client.call(.post, "/api/v1/cases", as: harness.alice, json: #"{"subject":"   "}"#)
            #expect(refused.status == .badRequest)
            let foreign = try await client.call(.post, "/api/v1/sims/does-not-exist/plan-change", as: harness.bob, json: #"{"plan":"SIM-20GB"}"#)
            #expect(foreign.status == .notFound)

            let rows = try await audit.entries(matching: AuditFilter(actorID: harness.alice), before: nil, limit: 100)
            let new = rows.filter { row in !before.contains { $0.id == row.id } }
            // Newest first: the refused create, then the successful one; the GET left nothing.
            #expect(new.map(\.action) == ["portal.POST /api/v1/cases", "portal.POST /api/v1/cases"])
            #expect(new.map(\.outcome) == ["failure", "success"])
            #expect(new.allSatisfy { $0.actorKind == "customer" && $0.tenant == PortalHarness.tenant && $0.subject == "/api/v1/cases" })
            #expect(new.map { $0.details["status"] } == ["400", "201"])

            let bobs = try await audit.entries(matching: AuditFilter(actorID: harness.bob), before: nil, limit: 10)
            #expect(bobs.first?.action == "portal.POST /api/v1/sims/{id}/plan-change")
            #expect(bobs.first?.outcome == "denied")
            #expect(bobs.first?.subject == "/api/v1/sims/does-not-exist/plan-change")
        }
    }
}
