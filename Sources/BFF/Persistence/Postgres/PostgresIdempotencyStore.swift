public import Foundation
public import Logging
import NIOCore
public import PostgresNIO

/// Idempotency keys in the `idempotency_keys` table.
///
/// ``begin(scope:key:fingerprint:now:ttl:)`` is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`: a new key is
/// inserted; an expired one is taken over; a live one is rewritten with its own values (which locks it and makes
/// RETURNING show it). Each call brings a fresh `claim` id, so the row it returns says whether this call won.
/// Concurrent calls for one key queue on the primary key, so exactly one of them proceeds.
public struct PostgresIdempotencyStore: IdempotencyStore {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// `column = CASE WHEN <live> THEN <kept> ELSE <new> END` for every column a takeover replaces; the columns
    /// missing from the INSERT (the stored response) are NULL in EXCLUDED.
    private static let takeover: String = [
        "fingerprint", "status", "claim", "response_status", "response_headers", "response_body", "created_at", "expires_at",
    ].map { "\($0) = CASE WHEN k.expires_at > EXCLUDED.created_at THEN k.\($0) ELSE EXCLUDED.\($0) END" }
        .joined(separator: ",\n    ")

    public func begin(scope: String, key: String, fingerprint: String, now: Date, ttl: Duration) async throws -> IdempotencyDecision {
        let claim = UUID()
        let expiresAt = now.addingTimeInterval(ttl.timeInterval)
        var bindings = PostgresBindings()
        bindings.append(scope)
        bindings.append(key)
        bindings.append(fingerprint)
        bindings.append(claim)
        bindings.append(now)
        bindings.append(expiresAt)
        let query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO idempotency_keys AS k (scope, key, fingerprint, status, claim, created_at, expires_at)
                VALUES ($1, $2, $3, 'in_flight', $4, $5, $6)
                ON CONFLICT (scope, key) DO UPDATE SET
                    \(Self.takeover)
                RETURNING k.claim = $4 AS claimed, k.fingerprint, k.status, k.response_status,
                    k.response_headers::text AS response_headers, k.response_body
                """,
            binds: bindings
        )
        return try await storeOperation {
            for try await row in try await client.query(query, logger: logger) {
                let row = row.makeRandomAccess()
                if try row["claimed"].decode(Bool.self) { return .proceed }
                guard try row["fingerprint"].decode(String.self) == fingerprint else { return .mismatch }
                guard try row["status"].decode(String.self) == "completed", let status = try row["response_status"].decode(Int?.self) else {
                    return .inFlight
                }
                let headers = try row["response_headers"].decode(String?.self).map(PostgresAuditLog.decode) ?? [:]
                let body = try row["response_body"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) } ?? []
                return .replay(StoredResponse(status: status, headers: headers, body: body))
            }
            throw StoreError(.unavailable, "the idempotency row was not returned")
        }
    }

    public func complete(scope: String, key: String, response: StoredResponse) async throws {
        let headers = try PostgresAuditLog.encode(response.headers)
        let body = ByteBuffer(bytes: response.body)
        try await storeOperation {
            try await client.query(
                """
                UPDATE idempotency_keys SET status = 'completed', response_status = \(response.status),
                    response_headers = \(headers)::jsonb, response_body = \(body)
                WHERE scope = \(scope) AND key = \(key)
                """,
                logger: logger
            )
        }
    }

    public func abandon(scope: String, key: String) async throws {
        try await storeOperation {
            try await client.query("DELETE FROM idempotency_keys WHERE scope = \(scope) AND key = \(key)", logger: logger)
        }
    }

    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        try await storeOperation {
            let rows = try await client.query(
                "WITH purged AS (DELETE FROM idempotency_keys WHERE expires_at <= \(now) RETURNING 1) SELECT count(*) FROM purged",
                logger: logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}
