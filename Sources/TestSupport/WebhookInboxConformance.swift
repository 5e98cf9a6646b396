public import BFF
import Foundation

/// What every ``WebhookInbox`` must do, run by `MemoryWebhookInboxConformanceTests` and
/// `PostgresWebhookInboxConformanceTests` (each PostgreSQL check in its own freshly migrated schema).
///
/// Checks share ``StoreCheck``: `makeStore()` gives a store whose `webhooks` is the inbox under test. Times are
/// whole seconds from ``StoreConformance/t0`` except where a check pins fractional dates.
public enum WebhookInboxConformance {
    public static let all: [StoreCheck] = receiveChecks + listingChecks

    static let t0 = StoreConformance.t0
    static func at(_ seconds: Int) -> Date { StoreConformance.at(seconds) }

    /// A signed body with bytes that are not UTF-8, and headers with non-ASCII values.
    /// A Stripe event.
    static func event(_ eventID: String, type: String = "invoice.paid", at seconds: Int = 0) -> InboundWebhook {
        event("stripe", eventID, type: type, at: seconds)
    }

    static func event(_ provider: String, _ eventID: String, type: String = "invoice.paid", at seconds: Int = 0) -> InboundWebhook {
        InboundWebhook(
            provider: provider,
            eventID: eventID,
            eventType: type,
            payload: Data(#"{"id":"\#(eventID)","type":"\#(type)"}"#.utf8) + Data([0, 10, 13, 128, 255]),
            headers: ["Stripe-Signature-Timestamp": "1800000000", "X-Note": "grün “quoted”"],
            receivedAt: at(seconds)
        )
    }

    static func stored(_ receipt: WebhookReceipt, line: Int = #line) throws -> StoredWebhook {
        guard case .stored(let webhook) = receipt else { throw CheckFailed(description: "line \(line): expected stored, got \(receipt)") }
        return webhook
    }

    static let receiveChecks: [StoreCheck] = [
        StoreCheck(description: "a new event is stored as received with no attempts, and found by id") { make in
            let inbox = try await make().webhooks
            let inbound = event("evt_1", at: 5)
            let webhook = try stored(try await inbox.receive(inbound))
            let expected = StoredWebhook(
                id: webhook.id, provider: "stripe", eventID: "evt_1", eventType: "invoice.paid", receivedAt: at(5),
                payload: inbound.payload,
                headers: inbound.headers, status: .received, attempts: 0, lastError: nil, processedAt: nil
            )
            try expect(webhook == expected, "stored: \(webhook)")
            try expect(try await inbox.webhook(id: webhook.id) == expected, "lookup by id")
            try expect(try await inbox.webhook(id: UUID()) == nil, "unknown id found")
            let empty = InboundWebhook(provider: "sim", eventID: "e", eventType: "line.activated", payload: Data(), receivedAt: t0)
            let bare = try stored(try await inbox.receive(empty))
            try expect(bare.payload.isEmpty && bare.headers.isEmpty, "an empty body and no headers: \(bare)")
        },
        StoreCheck(description: "a duplicate (provider, event id) returns the first row as it stands; another provider's id is new") {
            make in
            let inbox = try await make().webhooks
            let first = try stored(try await inbox.receive(event("evt_1", at: 5)))
            let processing = try await inbox.markProcessing(id: first.id, at: at(6))
            var replay = event("evt_1", type: "invoice.payment_failed", at: 60)
            replay.payload = Data("changed".utf8)
            let receipt = try await inbox.receive(replay)
            try expect(receipt == .duplicate(processing), "duplicate: \(receipt)")
            try expect(try await inbox.webhook(id: first.id) == processing, "the duplicate changed the first row")
            let elsewhere = try stored(try await inbox.receive(event("whmcs", "evt_1", at: 61)))
            try expect(elsewhere.id != first.id && elsewhere.provider == "whmcs", "the same id at another provider")
            let listed = try await inbox.webhooks(filter: WebhookFilter(), after: nil, limit: 10)
            try expect(listed.map(\.id) == [elsewhere.id, first.id], "rows: \(listed.map(\.eventID))")
        },
        StoreCheck(description: "of eight concurrent receipts of one event exactly one stores it; all name the same row") { make in
            let inbox = try await make().webhooks
            let receipts = try await withThrowingTaskGroup(of: WebhookReceipt.self) { group in
                for index in 0..<8 { group.addTask { try await inbox.receive(event("evt_race", at: index)) } }
                return try await group.reduce(into: [WebhookReceipt]()) { $0.append($1) }
            }
            let storedOnes = receipts.filter { if case .stored = $0 { true } else { false } }
            try expect(storedOnes.count == 1, "\(storedOnes.count) of 8 stored")
            try expect(Set(receipts.map(\.webhook.id)).count == 1, "receipts name \(Set(receipts.map(\.webhook.id)).count) rows")
            try expect(try await inbox.webhooks(filter: WebhookFilter(), after: nil, limit: 10).count == 1, "rows stored")
        },
        StoreCheck(description: "processing counts attempts; a failure keeps 2000 characters of the error; processed clears it") { make in
            let inbox = try await make().webhooks
            let webhook = try stored(try await inbox.receive(event("evt_1")))
            let first = try await inbox.markProcessing(id: webhook.id, at: at(1))
            try expect(first.status == .processing && first.attempts == 1 && first.lastError == nil, "first attempt: \(first)")
            let error = "ü" + String(repeating: "é", count: 1_998) + "→" + String(repeating: "x", count: 500)
            try await inbox.markFailed(id: webhook.id, error: error, at: at(2))
            let failed = try required(try await inbox.webhook(id: webhook.id), "lost")
            try expect(failed.status == .failed && failed.attempts == 1, "after failure: \(failed.status) \(failed.attempts)")
            try expect(failed.lastError == String(error.prefix(2000)) && failed.lastError?.hasSuffix("é→") == true, "kept error")
            try expect(failed.processedAt == nil, "a failure set processed_at")
            let second = try await inbox.markProcessing(id: webhook.id, at: at(3))
            try expect(
                second.attempts == 2 && second.status == .processing && second.lastError == failed.lastError, "second: \(second.attempts)")
            try await inbox.markProcessed(id: webhook.id, at: at(4))
            var expected = second
            expected.status = .processed
            expected.processedAt = at(4)
            expected.lastError = nil
            try expect(try await inbox.webhook(id: webhook.id) == expected, "processed")

            let counted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { try await inbox.markProcessing(id: webhook.id, at: at(5)).attempts } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            try expect(counted.sorted() == Array(3...12), "concurrent attempts: \(counted.sorted())")

            let unknown = UUID()
            try await StoreConformance.expectStoreError(.notFound) { _ = try await inbox.markProcessing(id: unknown, at: t0) }
            try await StoreConformance.expectStoreError(.notFound) { try await inbox.markProcessed(id: unknown, at: t0) }
            try await StoreConformance.expectStoreError(.notFound) { try await inbox.markFailed(id: unknown, error: "x", at: t0) }
            try expect(try await inbox.webhook(id: unknown) == nil, "a mark created a row")
        },
    ]

    static func required<Value>(_ value: Value?, _ message: String, line: Int = #line) throws -> Value {
        guard let value else { throw CheckFailed(description: "line \(line): \(message)") }
        return value
    }
}
