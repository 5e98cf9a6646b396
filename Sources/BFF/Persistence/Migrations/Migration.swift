import Crypto

/// One versioned change to the PostgreSQL schema, applied once in its own transaction by ``PostgresMigrator``.
///
/// A migration is never edited once released: the migrator refuses to start when an applied migration's
/// checksum differs from the one in the code. Change the schema by adding a new version to ``all``.
///
/// PostgresNIO sends each statement with the extended query protocol, which takes one command at a time, so a
/// migration is a list of statements rather than one script.
public struct Migration: Sendable, Hashable {
    /// Position in the sequence, starting at 1; applied in ascending order.
    public let version: Int
    /// A short snake_case label, stored beside the version for people reading the table.
    public let name: String
    /// The SQL commands, run in order in one transaction.
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    /// SHA-256 over the statements (hex), recorded when applied and compared at every later start.
    public var checksum: String {
        let text = statements.joined(separator: "\n;\n")
        return SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension Migration {
    /// Every migration of this build, in version order.
    public static let all: [Migration] = [
        .v1UsersAndAccountLinks,
        .v2AuditLog,
        .v3IdempotencyKeys,
        .v4WebhookInbox,
        .v5OrdersAndSaga,
        .v6ExternalLinks,
        .v7TOTPReplayGuard,
        .v8SagaState,
        .v9SagaGenerations,
    ]
}
