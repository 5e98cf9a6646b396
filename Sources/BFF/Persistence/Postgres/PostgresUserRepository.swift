public import Foundation
public import Logging
public import PostgresNIO

/// Accounts in the `users` and `account_links` tables.
///
/// Every statement is parameterised through `PostgresQuery` interpolation. Unique violations become
/// ``StoreError/conflict``; statement and lock timeouts become ``StoreError/unavailable``.
public struct PostgresUserRepository: UserRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let conflict = "an account with this email, or linked to one of these external accounts, already exists"

    public func create(_ user: UserRecord) async throws {
        let email = UserRecord.normalise(email: user.email)
        let roles = user.roles.map(\.rawValue)
        let links = user.links
        // One statement, so the account and its links row appear together or not at all.
        try await storeOperation(conflict: Self.conflict) {
            try await client.query(
                """
                WITH created AS (
                    INSERT INTO users (id, tenant, email, password_hash, kind, roles, mfa_secret, mfa_enabled,
                        failed_logins, locked_until, display_name, created_at, password_changed_at)
                    VALUES (\(user.id), \(user.tenant), \(email), \(user.passwordHash), \(user.kind.rawValue), \(roles),
                        \(user.mfaSecret), \(user.mfaEnabled), \(user.failedLogins), \(user.lockedUntil),
                        \(user.displayName), \(user.createdAt), \(user.passwordChangedAt))
                    RETURNING id
                )
                INSERT INTO account_links (user_id, billing_provider, billing_customer_id, crm_account_id, sim_account_id,
                    updated_at)
                SELECT id, \(links.billingProvider), \(links.billingCustomerID), \(links.crmAccountID), \(links.simAccountID),
                    \(user.createdAt)
                FROM created
                """,
                logger: logger
            )
        }
    }

    public func user(id: UUID) async throws -> UserRecord? {
        try await storeOperation {
            try await records(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) \(Self.from) WHERE u.id = $1", binds: binds(id))).first
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        let email = UserRecord.normalise(email: email)
        return try await storeOperation {
            // lower(email) is what the unique index covers; stored emails are already normalised.
            try await records(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) \(Self.from) WHERE lower(u.email) = $1", binds: binds(email))).first
        }
    }

    public func recordLoginFailure(id: UUID, now: Date, policy: LockoutPolicy) async throws -> LoginFailureOutcome {
        let lockUntil = now.addingTimeInterval(policy.lockDuration.timeInterval)
        let maxFailures = policy.maxFailures
        return try await storeOperation {
            // One statement: `current` locks the row (FOR UPDATE waits for a concurrent failure and then reads its
            // result), so two concurrent failures count two and exactly one of them can cross the threshold.
            let rows = try await client.query(
                """
                WITH current AS (
                    SELECT id, failed_logins, locked_until,
                        (locked_until IS NOT NULL AND locked_until > \(now)) AS locked,
                        failed_logins + 1 >= \(maxFailures) AS reaches
                    FROM users WHERE id = \(id) FOR UPDATE
                )
                UPDATE users AS u SET
                    failed_logins = CASE WHEN c.locked THEN c.failed_logins WHEN c.reaches THEN 0 ELSE c.failed_logins + 1 END,
                    locked_until = CASE WHEN c.locked THEN c.locked_until WHEN c.reaches THEN \(lockUntil) ELSE c.locked_until END,
                    version = u.version + 1
                FROM current AS c
                WHERE u.id = c.id
                RETURNING u.failed_logins, u.locked_until, c.locked, (NOT c.locked AND c.reaches)
                """,
                logger: logger
            )
            for try await (failures, lockedUntil, wasLocked, lockedNow) in rows.decode((Int, Date?, Bool, Bool).self) {
                return LoginFailureOutcome(failedLogins: failures, lockedUntil: wasLocked || lockedNow ? lockedUntil : nil, lockedNow: lockedNow)
            }
            throw StoreError(.notFound, "no such user")
        }
    }

    public func recordLoginSuccess(id: UUID) async throws {
        try await updateOne(id, "UPDATE users SET failed_logins = 0, locked_until = NULL, version = version + 1 WHERE id = $1 RETURNING id")
    }

    public func updatePassword(id: UUID, passwordHash: String, now: Date) async throws {
        try await updateOne(
            id,
            "UPDATE users SET password_hash = $2, password_changed_at = $3, version = version + 1 WHERE id = $1 RETURNING id",
            passwordHash,
            now
        )
    }

    public func setMFA(id: UUID, secret: String?, enabled: Bool) async throws {
        try await updateOne(
            id,
            """
            UPDATE users SET mfa_secret = $2, mfa_enabled = ($2::text IS NOT NULL AND $3::boolean), version = version + 1
            WHERE id = $1 RETURNING id
            """,
            secret,
            enabled
        )
    }

    public func claimTOTPStep(id: UUID, step: Int64) async throws -> Bool {
        try await storeOperation(conflict: Self.conflict) {
            // One conditional UPDATE: of two logins racing with the same code, the second finds the step taken.
            let rows = try await client.query(
                """
                UPDATE users SET mfa_last_step = \(step)
                WHERE id = \(id) AND (mfa_last_step IS NULL OR mfa_last_step < \(step)) RETURNING id
                """,
                logger: logger
            ).collect()
            return !rows.isEmpty
        }
    }

    public func updateLinks(id: UUID, links: AccountLinks) async throws {
        try await storeOperation(conflict: Self.conflict) {
            // Selecting from users makes an unknown id insert nothing (not found) instead of a foreign key error.
            let rows = try await client.query(
                """
                INSERT INTO account_links (user_id, billing_provider, billing_customer_id, crm_account_id, sim_account_id, updated_at)
                SELECT id, \(links.billingProvider), \(links.billingCustomerID), \(links.crmAccountID), \(links.simAccountID), now()
                FROM users WHERE id = \(id)
                ON CONFLICT (user_id) DO UPDATE SET
                    billing_provider = EXCLUDED.billing_provider,
                    billing_customer_id = EXCLUDED.billing_customer_id,
                    crm_account_id = EXCLUDED.crm_account_id,
                    sim_account_id = EXCLUDED.sim_account_id,
                    updated_at = EXCLUDED.updated_at
                RETURNING user_id
                """,
                logger: logger
            ).collect()
            guard !rows.isEmpty else { throw StoreError(.notFound, "no such user") }
        }
    }

    public func users(tenant: String?, offset: Int, limit: Int) async throws -> [UserRecord] {
        let offset = max(0, offset)
        let limit = max(0, limit)
        return try await storeOperation {
            try await records(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(Self.columns) \(Self.from)
                        WHERE ($1::text IS NULL OR u.tenant = $1::text)
                        ORDER BY u.created_at, u.id OFFSET $2 LIMIT $3
                        """,
                    binds: binds(tenant, offset, limit)
                )
            )
        }
    }

    // MARK: - Helpers

    /// Runs an `UPDATE … WHERE id = $1 RETURNING id` whose further parameters are `values`.
    private func updateOne(_ id: UUID, _ sql: String, _ values: (any PostgresDynamicTypeEncodable)?...) async throws {
        var bindings = PostgresBindings()
        bindings.append(id)
        for value in values {
            if let value { bindings.append(value) } else { bindings.appendNull() }
        }
        try await storeOperation(conflict: Self.conflict) {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).collect()
            guard !rows.isEmpty else { throw StoreError(.notFound, "no such user") }
        }
    }

    private func binds(_ values: (any PostgresDynamicTypeEncodable)?...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }

    private func records(_ query: PostgresQuery) async throws -> [UserRecord] {
        var result: [UserRecord] = []
        for try await row in try await client.query(query, logger: logger) {
            result.append(try UserRecord(row: row.makeRandomAccess()))
        }
        return result
    }

    public func user(linkedTo system: AccountLinkSystem, externalID: String) async throws -> UserRecord? {
        // Each condition is the key of one of account_links' unique partial indexes (an equality implies the
        // index's `IS NOT NULL`), so the lookup is one index probe.
        let query =
            switch system {
            case .billing(let provider):
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.columns) \(Self.from) WHERE l.billing_provider = $1 AND l.billing_customer_id = $2",
                    binds: binds(provider, externalID)
                )
            case .crm:
                PostgresQuery(unsafeSQL: "SELECT \(Self.columns) \(Self.from) WHERE l.crm_account_id = $1", binds: binds(externalID))
            case .sim:
                PostgresQuery(unsafeSQL: "SELECT \(Self.columns) \(Self.from) WHERE l.sim_account_id = $1", binds: binds(externalID))
            }
        return try await storeOperation { try await records(query).first }
    }
}
