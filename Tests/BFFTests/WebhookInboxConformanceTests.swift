import BFF
import Foundation
import TestSupport
import Testing

@Suite("Webhook inbox conformance: memory")
struct MemoryWebhookInboxConformanceTests {
    @Test(arguments: WebhookInboxConformance.all)
    func memory(_ check: StoreCheck) async throws {
        let store = AtriumStore.memory()
        try await check.run { store }
    }
}

/// Every check in its own freshly migrated schema of the test database.
@Suite("Webhook inbox conformance: PostgreSQL")
struct PostgresWebhookInboxConformanceTests {
    @Test(arguments: WebhookInboxConformance.all)
    func postgres(_ check: StoreCheck) async throws {
        try await TestDatabase.withSchema { client, _ in
            try await check.run { AtriumStore.postgres(client: client, logger: TestDatabase.logger) }
        }
    }
}
