// Released migrations: never edit a statement here (the checksum would change and every start would refuse);
// add a new version instead.

extension Migration {
    /// Accounts and their ids in the aggregated systems.
    static let v1UsersAndAccountLinks = Migration(
        version: 1,
        name: "users_and_account_links",
        statements: [
            """
            CREATE TABLE users (
                id uuid PRIMARY KEY,
                tenant text NOT NULL CHECK (tenant <> ''),
                email text NOT NULL CHECK (email <> '' AND length(email) <= 320),
                password_hash text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('customer', 'staff')),
                roles text[] NOT NULL DEFAULT '{}'
                    CHECK (roles <@ ARRAY['customer', 'admin', 'finance', 'sales', 'ops', 'security', 'product']::text[]),
                mfa_secret text,
                mfa_enabled boolean NOT NULL DEFAULT false,
                failed_logins integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                locked_until timestamptz,
                display_name text,
                created_at timestamptz NOT NULL DEFAULT now(),
                password_changed_at timestamptz NOT NULL DEFAULT now(),
                version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
                CHECK (NOT mfa_enabled OR mfa_secret IS NOT NULL)
            )
            """,
            // Login looks accounts up by email in any case; one account per address across the deployment.
            "CREATE UNIQUE INDEX users_email_key ON users (lower(email))",
            // Listings in creation order, overall and per tenant.
            "CREATE INDEX users_created_idx ON users (created_at, id)",
            "CREATE INDEX users_tenant_created_idx ON users (tenant, created_at, id)",
            """
            CREATE TABLE account_links (
                user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
                billing_provider text CHECK (billing_provider IN ('stripe', 'whmcs')),
                billing_customer_id text,
                crm_account_id text,
                sim_account_id text,
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // One external account belongs to one user: a second user linked to the same billing customer would
            // see the first one's invoices.
            """
            CREATE UNIQUE INDEX account_links_billing_key ON account_links (billing_provider, billing_customer_id)
                WHERE billing_customer_id IS NOT NULL
            """,
            "CREATE UNIQUE INDEX account_links_crm_key ON account_links (crm_account_id) WHERE crm_account_id IS NOT NULL",
            "CREATE UNIQUE INDEX account_links_sim_key ON account_links (sim_account_id) WHERE sim_account_id IS NOT NULL",
        ]
    )

    /// Who did what, when and from where; append-only.
    static let v2AuditLog = Migration(
        version: 2,
        name: "audit_log",
        statements: [
            """
            CREATE TABLE audit_log (
                id bigserial PRIMARY KEY,
                at timestamptz NOT NULL,
                tenant text,
                actor_id uuid,
                actor_kind text NOT NULL CHECK (actor_kind <> ''),
                action text NOT NULL CHECK (action <> ''),
                subject text,
                outcome text NOT NULL CHECK (outcome <> ''),
                client_ip text,
                user_agent text,
                request_id text,
                details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object')
            )
            """,
            // Listings are newest first (id descending) under one optional filter.
            "CREATE INDEX audit_log_tenant_idx ON audit_log (tenant, id)",
            "CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL",
            "CREATE INDEX audit_log_action_idx ON audit_log (action, id)",
            "CREATE INDEX audit_log_subject_idx ON audit_log (subject, id) WHERE subject IS NOT NULL",
            "CREATE INDEX audit_log_at_idx ON audit_log (at)",
            // A statement-level trigger refuses even an UPDATE or DELETE that matches no row. Only the table
            // owner can disable it (a deliberate retention job, not the application).
            """
            CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
            """,
        ]
    )

    /// Stored responses of `Idempotency-Key` requests, per user scope.
    static let v3IdempotencyKeys = Migration(
        version: 3,
        name: "idempotency_keys",
        statements: [
            """
            CREATE TABLE idempotency_keys (
                scope text NOT NULL,
                key text NOT NULL,
                fingerprint text NOT NULL,
                status text NOT NULL CHECK (status IN ('in_flight', 'completed')),
                claim uuid NOT NULL,
                response_status integer CHECK (response_status BETWEEN 100 AND 599),
                response_headers jsonb CHECK (jsonb_typeof(response_headers) = 'object'),
                response_body bytea,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (scope, key),
                CHECK ((status = 'completed') = (response_status IS NOT NULL))
            )
            """,
            "CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)",
        ]
    )
}

extension Migration {
    /// v7: the last TOTP step a code was accepted for, so a code cannot be used twice within its window.
    static let v7TOTPReplayGuard = Migration(
        version: 7,
        name: "totp_replay_guard",
        statements: ["ALTER TABLE users ADD COLUMN mfa_last_step bigint CHECK (mfa_last_step >= 0)"]
    )
}
