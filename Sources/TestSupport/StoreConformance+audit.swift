public import BFF
import Foundation

extension StoreConformance {
    static func entry(
        _ action: String,
        at second: Int = 0,
        tenant: String? = "acme",
        actor: UUID? = nil,
        subject: String? = nil,
        details: [String: String] = [:]
    ) -> AuditEntry {
        AuditEntry(
            at: at(second),
            tenant: tenant,
            actorID: actor,
            actorKind: actor == nil ? "anonymous" : "customer",
            action: action,
            subject: subject,
            outcome: "success",
            clientIP: "203.0.113.7",
            userAgent: "curl/8.5 (ünïcode ✓)",
            requestID: "req-\(action)",
            details: details
        )
    }

    static let auditChecks: [StoreCheck] = [
        StoreCheck(description: "append assigns increasing ids and keeps every field") { make in
            let audit = try await make().audit
            let actor = UUID()
            var stored: [AuditEntry] = []
            stored.append(try await audit.append(entry("auth.login", actor: actor, subject: "user:\(actor)", details: ["mfa": "true", "ü": "✓ \"quoted\""])))
            stored.append(try await audit.append(entry("auth.login_failed", at: 1, tenant: nil, details: [:])))
            var minimal = entry("case.create", at: 2)
            minimal.clientIP = nil
            minimal.userAgent = nil
            minimal.requestID = nil
            stored.append(try await audit.append(minimal))
            try expect(stored.allSatisfy { $0.id > 0 }, "ids must be positive: \(stored.map(\.id))")
            try expect(zip(stored, stored.dropFirst()).allSatisfy { $0.id < $1.id }, "ids must increase: \(stored.map(\.id))")
            var expected = [entry("auth.login", actor: actor, subject: "user:\(actor)", details: ["mfa": "true", "ü": "✓ \"quoted\""]), entry("auth.login_failed", at: 1, tenant: nil), minimal]
            for index in expected.indices { expected[index].id = stored[index].id }
            try expect(stored == expected, "append changed the entries")
            let listed = try await audit.entries(matching: AuditFilter(), before: nil, limit: 10)
            try expect(listed == expected.reversed(), "listing: \(listed.map(\.action))")
        },
        StoreCheck(description: "filters combine with AND; from is inclusive, until exclusive") { make in
            let audit = try await make().audit
            let alice = UUID()
            let bob = UUID()
            try await audit.append(entry("auth.login", at: 0, tenant: "a", actor: alice, subject: "user:alice"))
            try await audit.append(entry("auth.login", at: 10, tenant: "a", actor: bob, subject: "user:bob"))
            try await audit.append(entry("case.create", at: 20, tenant: "a", actor: alice, subject: "case:1"))
            try await audit.append(entry("auth.login", at: 30, tenant: "b", actor: alice, subject: "user:alice"))
            try await audit.append(entry("auth.login_failed", at: 40, tenant: nil))
            func actions(_ filter: AuditFilter) async throws -> [String] {
                try await audit.entries(matching: filter, before: nil, limit: 100).map { "\($0.action)@\(Int($0.at.timeIntervalSince(t0)))" }
            }
            try expect(try await actions(AuditFilter(tenant: "a")) == ["case.create@20", "auth.login@10", "auth.login@0"], "tenant")
            try expect(try await actions(AuditFilter(actorID: alice)) == ["auth.login@30", "case.create@20", "auth.login@0"], "actor")
            try expect(try await actions(AuditFilter(tenant: "a", actorID: alice, action: "auth.login")) == ["auth.login@0"], "tenant+actor+action")
            try expect(try await actions(AuditFilter(subject: "user:alice")) == ["auth.login@30", "auth.login@0"], "subject")
            try expect(try await actions(AuditFilter(from: at(10), until: at(30))) == ["case.create@20", "auth.login@10"], "time window")
            try expect(try await actions(AuditFilter(action: "auth.login_failed")) == ["auth.login_failed@40"], "action")
            try expect(try await actions(AuditFilter(tenant: "c")).isEmpty, "unknown tenant")
        },
        StoreCheck(description: "pages run newest first, each starting before the last id of the previous page") { make in
            let audit = try await make().audit
            var ids: [Int64] = []
            for index in 0..<7 { ids.append(try await audit.append(entry("event.\(index)", at: index)).id) }
            try await audit.append(entry("other", at: 8, tenant: "other"))
            var pages: [[Int64]] = []
            var before: Int64? = nil
            while pages.count < 10 {
                let page = try await audit.entries(matching: AuditFilter(tenant: "acme"), before: before, limit: 3)
                if page.isEmpty { break }
                pages.append(page.map(\.id))
                before = page.last?.id
            }
            let newestFirst = Array(ids.reversed())
            try expect(pages == [Array(newestFirst[0..<3]), Array(newestFirst[3..<6]), [newestFirst[6]]], "pages: \(pages) of \(ids)")
            try expect(try await audit.entries(matching: AuditFilter(), before: nil, limit: 0).isEmpty, "limit 0 listed entries")
        },
    ]
}
