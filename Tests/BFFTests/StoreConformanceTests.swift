import BFF
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite("Store conformance: memory")
struct MemoryStoreConformanceTests {
    @Test(arguments: StoreConformance.all)
    func memory(_ check: StoreCheck) async throws {
        let store = AtriumStore.memory()
        try await check.run { store }
    }
}

/// Every check in its own freshly migrated schema of the test database.
@Suite("Store conformance: PostgreSQL")
struct PostgresStoreConformanceTests {
    @Test(arguments: StoreConformance.all)
    func postgres(_ check: StoreCheck) async throws {
        try await TestDatabase.withSchema { client, _ in
            try await check.run { AtriumStore.postgres(client: client, logger: TestDatabase.logger) }
        }
    }

    @Test func theStoreSaysItIsPostgres() async throws {
        try await TestDatabase.withSchema { client, _ in
            #expect(AtriumStore.postgres(client: client, logger: TestDatabase.logger).backend == "postgres")
        }
    }

    /// The startup parameters of `PostgresClient.Configuration(_:)` hold on every pooled connection.
    @Test func everyConnectionHasAStatementAndALockTimeout() async throws {
        try await TestDatabase.withClient(schema: nil) { client in
            // Several connections at once, so more than the first one of the pool is checked.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let rows = try await client.query(
                            "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), pg_sleep(0.2)::text"
                        )
                        for try await (statement, lock, _) in rows.decode((String, String, String).self) {
                            #expect(statement == "5s")
                            #expect(lock == "2s")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let error = await #expect(throws: PSQLError.self) {
                _ = try await client.query("SELECT pg_sleep(8)").collect()
            }
            #expect(error?.serverInfo?[.sqlState] == "57014", "query_canceled by statement_timeout")
        }
    }

    /// A row lock held elsewhere makes a store call fail after `lock_timeout` as `.unavailable`, instead of waiting.
    @Test func aLockWaitEndsAsUnavailable() async throws {
        try await TestDatabase.withSchema { client, _ in
            let store = AtriumStore.postgres(client: client, logger: TestDatabase.logger)
            let alice = UserRecord(tenant: "acme", email: "alice@example.com", passwordHash: "h", kind: .customer, roles: [.customer], createdAt: Date())
            try await store.users.create(alice)
            try await client.withTransaction(logger: TestDatabase.logger) { connection in
                _ = try await connection.query("SELECT id FROM users WHERE id = \(alice.id) FOR UPDATE", logger: TestDatabase.logger).collect()
                let error = await #expect(throws: StoreError.self) {
                    _ = try await store.users.recordLoginFailure(id: alice.id, now: Date(), policy: LockoutPolicy())
                }
                #expect(error?.code == .unavailable)
            }
            #expect(try await store.users.user(id: alice.id)?.failedLogins == 0)
        }
    }

    /// Conflicts say what happened without repeating the email (PostgreSQL's detail field would).
    @Test func conflictsDoNotRepeatTheEmail() async throws {
        try await TestDatabase.withSchema { client, _ in
            let users = AtriumStore.postgres(client: client, logger: TestDatabase.logger).users
            let email = "secret.person@example.com"
            try await users.create(UserRecord(tenant: "t", email: email, passwordHash: "h", kind: .customer, roles: [.customer], createdAt: Date()))
            let error = await #expect(throws: StoreError.self) {
                try await users.create(UserRecord(tenant: "t", email: email.uppercased(), passwordHash: "h", kind: .customer, roles: [.customer], createdAt: Date()))
            }
            #expect(error?.code == .conflict)
            #expect(error.map { !"\($0)".lowercased().contains("secret.person") } == true)
        }
    }
}
