public import Foundation
public import Logging
public import PostgresNIO

/// The audit log in the `audit_log` table, whose trigger refuses UPDATE, DELETE and TRUNCATE.
public struct PostgresAuditLog: AuditLog {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> AuditEntry {
        let details = try Self.encode(entry.details)
        return try await storeOperation {
            let rows = try await client.query(
                """
                INSERT INTO audit_log (at, tenant, actor_id, actor_kind, action, subject, outcome, client_ip, user_agent,
                    request_id, details)
                VALUES (\(entry.at), \(entry.tenant), \(entry.actorID), \(entry.actorKind), \(entry.action), \(entry.subject),
                    \(entry.outcome), \(entry.clientIP), \(entry.userAgent), \(entry.requestID), \(details)::jsonb)
                RETURNING id
                """,
                logger: logger
            )
            for try await id in rows.decode(Int64.self) {
                var stored = entry
                stored.id = id
                return stored
            }
            throw StoreError(.unavailable, "the audit row was not returned")
        }
    }

    public func entries(matching filter: AuditFilter, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        // Only the filters that are set become conditions, so each listing can use its index.
        var conditions: [String] = []
        var bindings = PostgresBindings()
        func condition(_ column: String, _ comparison: String, _ value: (some PostgresDynamicTypeEncodable)?) {
            guard let value else { return }
            bindings.append(value)
            conditions.append("\(column) \(comparison) $\(bindings.count)")
        }
        condition("tenant", "=", filter.tenant)
        condition("actor_id", "=", filter.actorID)
        condition("action", "=", filter.action)
        condition("subject", "=", filter.subject)
        condition("at", ">=", filter.from)
        condition("at", "<", filter.until)
        condition("id", "<", before)
        bindings.append(max(0, limit))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT id, at, tenant, actor_id, actor_kind, action, subject, outcome, client_ip, user_agent, request_id,
                    details::text AS details
                FROM audit_log \(whereClause) ORDER BY id DESC LIMIT $\(bindings.count)
                """,
            binds: bindings
        )
        return try await storeOperation {
            var result: [AuditEntry] = []
            for try await row in try await client.query(query, logger: logger) {
                let row = row.makeRandomAccess()
                result.append(
                    AuditEntry(
                        id: try row["id"].decode(Int64.self),
                        at: try row["at"].decode(Date.self),
                        tenant: try row["tenant"].decode(String?.self),
                        actorID: try row["actor_id"].decode(UUID?.self),
                        actorKind: try row["actor_kind"].decode(String.self),
                        action: try row["action"].decode(String.self),
                        subject: try row["subject"].decode(String?.self),
                        outcome: try row["outcome"].decode(String.self),
                        clientIP: try row["client_ip"].decode(String?.self),
                        userAgent: try row["user_agent"].decode(String?.self),
                        requestID: try row["request_id"].decode(String?.self),
                        details: try Self.decode(try row["details"].decode(String.self))
                    )
                )
            }
            return result
        }
    }

    static func encode(_ details: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(details), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }
}
