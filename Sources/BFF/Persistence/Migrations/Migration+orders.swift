// Released migrations: never edit a statement here (the checksum would change and every start would refuse);
// add a new version instead.

extension Migration {
    /// Webhooks as received, deduplicated by the provider's event id, processed later by workers.
    static let v4WebhookInbox = Migration(
        version: 4,
        name: "webhook_inbox",
        statements: [
            """
            CREATE TABLE webhook_inbox (
                id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                provider text NOT NULL CHECK (provider <> ''),
                event_id text NOT NULL CHECK (event_id <> ''),
                event_type text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                payload bytea NOT NULL,
                headers jsonb NOT NULL DEFAULT '{}'::jsonb,
                status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processing', 'processed', 'failed')),
                attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                last_error text,
                processed_at timestamptz,
                UNIQUE (provider, event_id)
            )
            """,
            // Workers pick the oldest unprocessed events.
            """
            CREATE INDEX webhook_inbox_pending_idx ON webhook_inbox (received_at)
                WHERE status IN ('received', 'processing', 'failed')
            """,
        ]
    )

    /// Orders, their timeline and the state of each saga step.
    static let v5OrdersAndSaga = Migration(
        version: 5,
        name: "orders_and_saga",
        statements: [
            """
            CREATE TABLE orders (
                id uuid PRIMARY KEY,
                tenant text NOT NULL CHECK (tenant <> ''),
                user_id uuid NOT NULL REFERENCES users (id),
                status text NOT NULL CHECK (status IN (
                    'draft', 'pending_approval', 'approved', 'provisioning', 'activated', 'fulfilled',
                    'cancelled', 'failed', 'refunded')),
                version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
                items jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(items) = 'array'),
                subtotal_minor bigint NOT NULL DEFAULT 0,
                tax_minor bigint NOT NULL DEFAULT 0,
                total_minor bigint NOT NULL DEFAULT 0,
                currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
                crm_order_id text,
                billing_order_id text,
                created_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id)",
            "CREATE INDEX orders_tenant_status_idx ON orders (tenant, status, created_at)",
            "CREATE UNIQUE INDEX orders_crm_order_key ON orders (crm_order_id) WHERE crm_order_id IS NOT NULL",
            "CREATE UNIQUE INDEX orders_billing_order_key ON orders (billing_order_id) WHERE billing_order_id IS NOT NULL",
            """
            CREATE TABLE order_events (
                order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                seq integer NOT NULL CHECK (seq >= 1),
                at timestamptz NOT NULL DEFAULT now(),
                step text NOT NULL,
                outcome text NOT NULL,
                reason text,
                details jsonb NOT NULL DEFAULT '{}'::jsonb,
                PRIMARY KEY (order_id, seq)
            )
            """,
            """
            CREATE TABLE saga_steps (
                order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                step text NOT NULL,
                status text NOT NULL CHECK (status IN (
                    'pending', 'running', 'succeeded', 'failed', 'compensating', 'compensated', 'skipped')),
                attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
                idempotency_key text NOT NULL,
                result jsonb,
                error text,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (order_id, step),
                UNIQUE (idempotency_key)
            )
            """,
            // Recovery scans for steps left running by a crashed worker.
            "CREATE INDEX saga_steps_unfinished_idx ON saga_steps (updated_at) WHERE status IN ('pending', 'running', 'compensating')",
        ]
    )

    /// Generic id links between Atrium entities and other systems' ids, unique in both directions.
    static let v6ExternalLinks = Migration(
        version: 6,
        name: "external_links",
        statements: [
            """
            CREATE TABLE external_links (
                entity_type text NOT NULL CHECK (entity_type <> ''),
                entity_id text NOT NULL CHECK (entity_id <> ''),
                system text NOT NULL CHECK (system <> ''),
                external_id text NOT NULL CHECK (external_id <> ''),
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (entity_type, entity_id, system),
                UNIQUE (system, entity_type, external_id)
            )
            """
        ]
    )
}
