import BFF
import Domain
import Foundation
import PostgresNIO
import TestSupport
import Testing

/// The migrator against fresh schemas of the test database.
@Suite("PostgreSQL migrations")
struct MigrationTests {
    static let logger = TestDatabase.logger

    /// The checksums of released migrations. A change here means a released migration was edited: add a new
    /// version instead (deployed databases would refuse to start).
    static let released: [Int: String] = [
        1: "12b9b8e4766c87cbd326d6a2ddc0ce8bd6b6630ac15c36d44a4ffc9c864c106e",
        2: "22edb131742dfce98e4a39f6e154dbaf688492b971393c0f1b9c3225b2266a26",
        3: "543d68bb052ccd6526fab3eed73bb23d3c8e2c4c0ef28dddaf5e9d2e01432b9a",
        4: "041f06a3ffaad4228770e1b1cc6ca94b69be2ae0b59b81fc5921c67d3b9ef05e",
        5: "1ff3bd31d52135d0dafa768c7bd5a209e7ee553ed94db47946b2fd3e26674252",
        6: "fb6cbf2cba42b3f0335c0a8b26b5a05eec6ec0298a7d11627ba3e8c75639994f",
        7: "141331c94282da917440d9022007216a0594eab16fdc9ebfea4d9082bba02a00",
        8: "204afbc1880621dbb2d79e21ff044b17b69fd5121113cd999659e3dc1256cb02",
        9: "1e6030dc6c4af222a960144321b9a0eb0fe063edcd42b416cbcb9e6f2189b52e",
    ]

    @Test func versionsRunFromOneAndReleasedMigrationsAreUnchanged() {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        #expect(Set(Migration.all.map(\.name)).count == Migration.all.count)
        for migration in Migration.all {
            #expect(migration.checksum.count == 64 && migration.checksum.allSatisfy(\.isHexDigit))
            // Every migration of the build is pinned once written; an unpinned one fails until it is added.
            #expect(migration.checksum == Self.released[migration.version], "migration \(migration.version) (\(migration.name)): pin or restore")
        }
    }

    @Test func migratingTwiceAppliesNothingTheSecondTime() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, _ in
            let migrator = PostgresMigrator(client: client, logger: Self.logger)
            #expect(try await migrator.migrate().map(\.version) == Migration.all.map(\.version))
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await recorded(client) == Migration.all.map { Recorded(version: $0.version, name: $0.name, checksum: $0.checksum) })
            let tables = try await tableNames(client)
            for table in [
                "users", "account_links", "audit_log", "idempotency_keys", "webhook_inbox", "orders", "order_events", "saga_steps",
                "external_links", "atrium_schema_migrations",
            ] {
                #expect(tables.contains(table), "\(table) missing")
            }
        }
    }

    @Test func fourConcurrentMigratorsApplyEachMigrationOnce() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, schema in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        // Separate clients, as separate processes would have.
                        try await TestDatabase.withClient(schema: schema) { own in
                            try await PostgresMigrator(client: own, logger: Self.logger).migrate().map(\.version)
                        }
                    }
                }
                return try await group.reduce(into: [[Int]]()) { $0.append($1) }
            }
            #expect(applied.flatMap { $0 }.sorted() == Migration.all.map(\.version), "\(applied)")
            #expect(applied.filter { !$0.isEmpty }.count == 1, "one migrator applies everything: \(applied)")
            #expect(try await recorded(client).map(\.version) == Migration.all.map(\.version))
        }
    }

    @Test func theAuditLogRefusesUpdateDeleteAndTruncate() async throws {
        try await TestDatabase.withSchema { client, _ in
            let audit = AtriumStore.postgres(client: client, logger: Self.logger).audit
            let entry = try await audit.append(AuditEntry(at: Date(timeIntervalSince1970: 1_800_000_000), tenant: "t", actorID: nil, actorKind: "anonymous", action: "auth.login_failed", subject: nil, outcome: "failure"))
            for statement in ["UPDATE audit_log SET outcome = 'success'", "DELETE FROM audit_log", "TRUNCATE audit_log", "DELETE FROM audit_log WHERE false"] {
                let error = await #expect(throws: PSQLError.self, "\(statement)") {
                    try await client.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger)
                }
                #expect(error?.serverInfo?[.sqlState] == "42501", "\(statement)")
            }
            #expect(try await audit.entries(matching: AuditFilter(), before: nil, limit: 10) == [entry])
        }
    }

    @Test func anEditedMigrationIsRefused() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, _ in
            let original = Migration(version: 1, name: "probe", statements: ["CREATE TABLE probe (id integer)"])
            #expect(try await PostgresMigrator(client: client, migrations: [original], logger: Self.logger).migrate() == [original])
            let edited = Migration(version: 1, name: "probe", statements: ["CREATE TABLE probe (id bigint)"])
            let next = Migration(version: 2, name: "next", statements: ["CREATE TABLE next (id integer)"])
            let error = await #expect(throws: MigrationError.self) {
                try await PostgresMigrator(client: client, migrations: [edited, next], logger: Self.logger).migrate()
            }
            #expect(error?.code == .checksumMismatch)
            #expect(error?.description.contains("migration 1 (probe)") == true)
            let tables = try await tableNames(client)
            #expect(!tables.contains("next"), "nothing runs after a refused checksum")
        }
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, _ in
            let first = Migration(version: 1, name: "first", statements: ["CREATE TABLE first (id integer)"])
            let broken = Migration(version: 2, name: "broken", statements: ["CREATE TABLE half (id integer)", "SELECT no_such_function()"])
            let error = await #expect(throws: MigrationError.self) {
                try await PostgresMigrator(client: client, migrations: [first, broken], logger: Self.logger).migrate()
            }
            #expect(error?.code == .failed)
            #expect(error?.description.contains("SQLSTATE 42883") == true, "\(String(describing: error))")
            let versions = try await recorded(client).map(\.version)
            #expect(versions == [1])
            let tables = try await tableNames(client)
            #expect(!tables.contains("half"))
            let fixed = Migration(version: 2, name: "fixed", statements: ["CREATE TABLE half (id integer)"])
            #expect(try await PostgresMigrator(client: client, migrations: [first, fixed], logger: Self.logger).migrate() == [fixed])
        }
    }

    @Test func aGapInTheVersionsIsAProgrammingError() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, _ in
            let error = await #expect(throws: MigrationError.self) {
                try await PostgresMigrator(client: client, migrations: [Migration(version: 2, name: "two", statements: ["SELECT 1"])], logger: Self.logger).migrate()
            }
            #expect(error?.code == .invalidSequence)
        }
    }

    /// v9 on a database with orders and saga steps of v8: they become generation 1 (keys and ids unchanged), and a
    /// second generation's record of the same step can then be stored beside the first.
    @Test func sagaGenerationsUpgradeExistingOrdersAndStepsToGenerationOne() async throws {
        try await TestDatabase.withSchema(migrated: false) { client, _ in
            let upToV8 = Array(Migration.all.prefix { $0.version <= 8 })
            #expect(try await PostgresMigrator(client: client, migrations: upToV8, logger: Self.logger).migrate().count == 8)
            let user = UUID()
            let order = UUID()
            let key = SagaStepRecord.idempotencyKey(orderID: order, step: "billing.create")
            try await client.query(
                "INSERT INTO users (id, tenant, email, password_hash, kind) VALUES (\(user), 'acme', 'v9@example.com', 'x', 'customer')",
                logger: Self.logger
            )
            try await client.query(
                "INSERT INTO orders (id, tenant, user_id, status, currency, saga_state) VALUES (\(order), 'acme', \(user), 'failed', 'EUR', 'compensated')",
                logger: Self.logger
            )
            try await client.query(
                "INSERT INTO saga_steps (order_id, step, status, idempotency_key) VALUES (\(order), 'billing.create', 'compensated', \(key))",
                logger: Self.logger
            )
            #expect(try await PostgresMigrator(client: client, logger: Self.logger).migrate().map(\.version) == [9])

            let orders = AtriumStore.postgres(client: client, logger: Self.logger).orders
            #expect(try await orders.order(id: order)?.sagaGeneration == 1)
            let first = try await orders.sagaSteps(orderID: order, generation: 1)
            #expect(first.map(\.step) == ["billing.create"] && first.first?.idempotencyKey == key && first.first?.generation == 1)
            let second = SagaStepRecord(
                orderID: order, step: "billing.create", generation: 2, status: .running,
                idempotencyKey: SagaStepRecord.idempotencyKey(orderID: order, step: "billing.create", generation: 2), updatedAt: Date()
            )
            try await orders.saveSagaStep(second)
            #expect(try await orders.sagaSteps(orderID: order).map(\.generation) == [1, 2])
            #expect(try await orders.sagaSteps(orderID: order, generation: 1) == first)
        }
    }

    /// `migrateDatabase` as `atrium migrate`, `serve` and `worker` call it: the database's default schema.
    @Test func migrateDatabaseBringsTheTestDatabaseUpToDate() async throws {
        try await migrateDatabase(try TestEnv.database, logger: Self.logger)
        #expect(try await migrateDatabase(try TestEnv.database, logger: Self.logger).isEmpty)
    }

    @Test func anUnreachableDatabaseFailsWithinTheDeadline() async throws {
        var database = try TestEnv.database
        database.port = try freeLoopbackPort()
        let error = await #expect(throws: MigrationError.self) {
            try await migrateDatabase(database, logger: Self.logger, connectWithin: .seconds(1))
        }
        #expect(error?.code == .unreachable)
        #expect(error.map { !"\($0)".contains(database.password ?? "\u{0}") } == true, "the password is masked")
    }

    // MARK: - Helpers

    struct Recorded: Equatable {
        let version: Int
        let name: String
        let checksum: String
    }

    func recorded(_ client: PostgresClient) async throws -> [Recorded] {
        let rows = try await client.query("SELECT version, name, checksum FROM atrium_schema_migrations ORDER BY version")
        return try await rows.decode((Int, String, String).self).reduce(into: []) { $0.append(Recorded(version: $1.0, name: $1.1, checksum: $1.2)) }
    }

    func tableNames(_ client: PostgresClient) async throws -> Set<String> {
        let rows = try await client.query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()")
        return try await rows.decode(String.self).reduce(into: []) { $0.insert($1) }
    }
}
