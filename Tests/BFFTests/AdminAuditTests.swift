@testable import BFF
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Foundation
import Testing

/// `GET /admin/audit`: filters, paging, tenant scope and roles.
@Suite struct AdminAuditTests {
    @Test func filtersByActorActionSubjectAndTime() async throws {
        try await OrderHarness.withAdmin { harness, client in
            let audit = harness.services.store.audit
            let actor = UUID()
            let base = Date(timeIntervalSince1970: 1_900_000_000)
            for index in 0..<5 {
                try await audit.append(
                    AuditEntry(at: base.addingTimeInterval(Double(index) * 60), tenant: OrderHarness.tenant, actorID: actor, actorKind: "staff", action: "order.cancel", subject: "order:\(index)", outcome: "success")
                )
            }
            try await audit.append(AuditEntry(at: base, tenant: OrderHarness.tenant, actorID: UUID(), actorKind: "customer", action: "case.create", subject: "case:1", outcome: "success"))
            try await audit.append(AuditEntry(at: base, tenant: "other", actorID: actor, actorKind: "staff", action: "order.cancel", subject: "order:9", outcome: "success"))
            let token = try await harness.staffToken([.security])

            var subjects: [String] = []
            var path = "/api/v1/admin/audit?actor=\(actor)&limit=2"
            for _ in 0..<5 {
                let body = try jsonObject(try await client.send(.get, path, token: token))
                subjects += (body["data"] as? [[String: Any]] ?? []).compactMap { $0["subject"] as? String }
                guard let next = body["next_cursor"] as? String else { break }
                path = "/api/v1/admin/audit?actor=\(actor)&limit=2&cursor=\(next)"
            }
            #expect(subjects == ["order:4", "order:3", "order:2", "order:1", "order:0"])
            let bySubject = try jsonObject(try await client.send(.get, "/api/v1/admin/audit?action=order.cancel&subject=order:2", token: token))
            #expect((bySubject["data"] as? [Any])?.count == 1)
            let from = ISO8601DateFormatter().string(from: base.addingTimeInterval(60))
            let until = ISO8601DateFormatter().string(from: base.addingTimeInterval(180))
            let window = try jsonObject(try await client.send(.get, "/api/v1/admin/audit?action=order.cancel&from=\(from)&until=\(until)", token: token))
            #expect((window["data"] as? [[String: Any]])?.compactMap { $0["subject"] as? String } == ["order:2", "order:1"])
            #expect(try await client.send(.get, "/api/v1/admin/audit", token: try await harness.staffToken([.ops])).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/admin/audit?actor=x", token: token).status == .badRequest)
        }
    }
}
