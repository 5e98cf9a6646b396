public import BFF
import Foundation

extension WebhookInboxConformance {
    /// Newest first: by receipt time, then by id (PostgreSQL's uuid order is the order of the lower-case text).
    static func newestFirst(_ rows: [StoredWebhook]) -> [UUID] {
        rows.sorted { left, right in
            if left.receivedAt != right.receivedAt { return left.receivedAt > right.receivedAt }
            return left.id.uuidString.lowercased() > right.id.uuidString.lowercased()
        }.map(\.id)
    }

    /// Every page of a listing, following each page's last row, until an empty page.
    static func allPages(
        _ inbox: any WebhookInbox, _ filter: WebhookFilter, limit: Int
    ) async throws -> [[StoredWebhook]] {
        var pages: [[StoredWebhook]] = []
        var key: WebhookPageKey?
        while true {
            let page = try await inbox.webhooks(filter: filter, after: key, limit: limit)
            guard let last = page.last else { return pages }
            try expect(page.count <= limit, "a page of \(page.count) over the limit \(limit)")
            pages.append(page)
            key = WebhookPageKey(receivedAt: last.receivedAt, id: last.id)
            try expect(pages.count <= 50, "paging does not end")
        }
    }

    static let listingChecks: [StoreCheck] = [
        StoreCheck(description: "the inbox pages newest first by (received_at, id), ties included, filtered by provider, status and type") {
            make in
            let inbox = try await make().webhooks
            var rows: [String: StoredWebhook] = [:]
            for (name, provider, type, seconds) in [
                ("s1", "stripe", "invoice.paid", 10), ("s2", "stripe", "invoice.paid", 20), ("s3", "stripe", "customer.updated", 20),
                ("s4", "stripe", "invoice.paid", 20), ("w1", "whmcs", "InvoicePaid", 15), ("w2", "whmcs", "InvoicePaid", 30),
                ("f1", "salesforce", "Order_Approved__e", 5),
            ] {
                rows[name] = try stored(try await inbox.receive(event(provider, "evt_\(name)", type: type, at: seconds)))
            }
            let expected = newestFirst(Array(rows.values))
            let pages = try await allPages(inbox, WebhookFilter(), limit: 2)
            try expect(pages.map(\.count) == [2, 2, 2, 1], "page sizes: \(pages.map(\.count))")
            try expect(pages.flatMap { $0 }.map(\.id) == expected, "paged order differs from newest first")
            func names(_ filter: WebhookFilter) async throws -> [String] {
                try await allPages(inbox, filter, limit: 2).flatMap { $0 }.map { row in rows.first { $0.value.id == row.id }?.key ?? "?" }
            }
            let stripeTies = newestFirst(["s2", "s3", "s4"].compactMap { rows[$0] }).map { id in
                rows.first { $0.value.id == id }?.key ?? "?"
            }
            try expect(try await names(WebhookFilter(provider: "stripe")) == stripeTies + ["s1"], "stripe")
            try expect(try await names(WebhookFilter(provider: "whmcs")) == ["w2", "w1"], "whmcs")
            try expect(try await names(WebhookFilter(eventType: "customer.updated")) == ["s3"], "type")
            try expect(try await names(WebhookFilter(provider: "whmcs", eventType: "invoice.paid")).isEmpty, "provider and type")

            let w1 = try required(rows["w1"], "w1")
            let s1 = try required(rows["s1"], "s1")
            try await inbox.markProcessed(id: w1.id, at: at(100))
            try await inbox.markFailed(id: s1.id, error: "boom", at: at(100))
            try expect(try await names(WebhookFilter(status: .processed)) == ["w1"], "processed")
            try expect(try await names(WebhookFilter(provider: "stripe", status: .failed)) == ["s1"], "stripe failed")
            try expect(try await names(WebhookFilter(status: .received)).count == 5, "received")
            try expect(try await inbox.webhooks(filter: WebhookFilter(), after: nil, limit: 0).isEmpty, "limit 0")
        },
        StoreCheck(description: "unprocessed lists events not processed, received before a time, oldest first, up to the limit") { make in
            let inbox = try await make().webhooks
            var ids: [String: UUID] = [:]
            for (name, seconds) in [("a", 10), ("b", 20), ("c", 30), ("d", 40), ("e", 50)] {
                ids[name] = try stored(try await inbox.receive(event("evt_\(name)", at: seconds))).id
            }
            func names(before seconds: Int, limit: Int = 10) async throws -> [String] {
                try await inbox.unprocessed(receivedBefore: at(seconds), limit: limit).map { row in
                    ids.first { $0.value == row.id }?.key ?? "?"
                }
            }
            try expect(try await names(before: 50) == ["a", "b", "c", "d"], "before 50 s (exclusive)")
            try await inbox.markProcessed(id: try required(ids["b"], "b"), at: at(60))
            _ = try await inbox.markProcessing(id: try required(ids["c"], "c"), at: at(60))
            try await inbox.markFailed(id: try required(ids["d"], "d"), error: "later", at: at(60))
            try expect(try await names(before: 100) == ["a", "c", "d", "e"], "received, processing and failed are unprocessed")
            try expect(try await names(before: 100, limit: 2) == ["a", "c"], "limit 2")
            try expect(try await names(before: 10).isEmpty, "nothing before 10 s")
            try expect(try await names(before: 100, limit: 0).isEmpty, "limit 0")
        },
        StoreCheck(description: "fractional receipt times are kept to the microsecond and keys built from them skip nothing") { make in
            let inbox = try await make().webhooks
            let fractional = t0.addingTimeInterval(0.987_654_2)  // rounds down to …654 µs
            var tied: [StoredWebhook] = []
            for index in 0..<3 {
                var inbound = event("evt_f\(index)")
                inbound.receivedAt = fractional
                tied.append(try stored(try await inbox.receive(inbound)))
            }
            let receivedAt = try required(try await inbox.webhook(id: tied[0].id)?.receivedAt, "lost")
            try expect(
                receivedAt == fractional.storedPrecision && receivedAt == tied[0].receivedAt, "received_at as stored and as returned")
            try expect(abs(receivedAt.timeIntervalSince(t0) - 0.987_654) < 0.000_000_3, "not rounded to the nearest microsecond")
            let pages = try await allPages(inbox, WebhookFilter(), limit: 1)
            try expect(pages.flatMap { $0 }.map(\.id) == newestFirst(tied), "paging over a tie at a fractional time")
            let first = try required(pages.first?.first, "no first page")
            let unrounded = try await inbox.webhooks(
                filter: WebhookFilter(), after: WebhookPageKey(receivedAt: fractional, id: first.id), limit: 10)
            try expect(unrounded.map(\.id) == Array(newestFirst(tied).dropFirst()), "unrounded key")
            try expect(try await inbox.unprocessed(receivedBefore: fractional, limit: 10).isEmpty, "received before itself")
            try expect(
                try await inbox.unprocessed(receivedBefore: fractional.addingTimeInterval(0.000_001), limit: 10).count == 3, "within 1 µs")
            let processedAt = fractional.addingTimeInterval(60)
            try await inbox.markProcessed(id: first.id, at: processedAt)
            try expect(try await inbox.webhook(id: first.id)?.processedAt == processedAt.storedPrecision, "processed_at")
        },
    ]
}
