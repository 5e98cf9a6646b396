// Released migrations: never edit a statement here (the checksum would change and every start would refuse);
// add a new version instead.

extension Migration {
    /// v8: what the order store needs beyond v5.
    ///
    /// - `orders.failure_reason` and `orders.saga_state` (``Order/failureReason``, ``Order/saga``);
    /// - `orders.last_event_seq`: the last timeline number handed out, so an append takes the next one in the same
    ///   statement that locks the order row (concurrent appends to one order queue on that row and never collide);
    /// - `order_events.status` (the order's status once the entry was written) and a CHECK on outcomes;
    /// - `saga_steps.status` may be `compensation_failed`; `saga_steps.ordinal` keeps the order steps were first
    ///   saved in (an upsert keeps it); `saga_steps.result` is always a JSON object;
    /// - indexes for the newest-first keyset listings of orders and webhooks.
    ///
    /// The order store was a placeholder before this version, so the backfills only matter for hand-made rows.
    static let v8SagaState = Migration(
        version: 8,
        name: "saga_state",
        statements: [
            "ALTER TABLE orders ADD COLUMN failure_reason text",
            """
            ALTER TABLE orders ADD COLUMN saga_state text NOT NULL DEFAULT 'idle' CHECK (saga_state IN (
                'idle', 'running', 'compensating', 'completed', 'compensated', 'compensation_failed'))
            """,
            "ALTER TABLE orders ADD COLUMN last_event_seq integer NOT NULL DEFAULT 0 CHECK (last_event_seq >= 0)",
            """
            UPDATE orders AS o SET last_event_seq = e.last
            FROM (SELECT order_id, max(seq) AS last FROM order_events GROUP BY order_id) AS e
            WHERE e.order_id = o.id
            """,
            "ALTER TABLE order_events ADD COLUMN status text",
            "UPDATE order_events AS e SET status = o.status FROM orders AS o WHERE o.id = e.order_id",
            """
            ALTER TABLE order_events
                ALTER COLUMN status SET NOT NULL,
                ADD CONSTRAINT order_events_status_check CHECK (status IN (
                    'draft', 'pending_approval', 'approved', 'provisioning', 'activated', 'fulfilled',
                    'cancelled', 'failed', 'refunded')),
                ADD CONSTRAINT order_events_outcome_check CHECK (outcome IN (
                    'transitioned', 'started', 'succeeded', 'waiting', 'retrying', 'failed', 'compensating',
                    'compensated', 'compensation_failed', 'skipped', 'received'))
            """,
            // v5 declared the CHECK on the column, so PostgreSQL named it <table>_<column>_check.
            """
            ALTER TABLE saga_steps
                DROP CONSTRAINT saga_steps_status_check,
                ADD CONSTRAINT saga_steps_status_check CHECK (status IN (
                    'pending', 'running', 'succeeded', 'failed', 'compensating', 'compensated', 'skipped',
                    'compensation_failed'))
            """,
            "UPDATE saga_steps SET result = '{}'::jsonb WHERE result IS NULL",
            """
            ALTER TABLE saga_steps
                ALTER COLUMN result SET DEFAULT '{}'::jsonb,
                ALTER COLUMN result SET NOT NULL,
                ADD CONSTRAINT saga_steps_result_check CHECK (jsonb_typeof(result) = 'object'),
                ADD COLUMN ordinal bigint GENERATED ALWAYS AS IDENTITY
            """,
            // Listings are newest first by (created_at, id) in both columns; v5's index had id ascending.
            "DROP INDEX orders_user_created_idx",
            "CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC)",
            "CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)",
            "CREATE INDEX webhook_inbox_received_idx ON webhook_inbox (received_at DESC, id DESC)",
            "CREATE INDEX webhook_inbox_provider_received_idx ON webhook_inbox (provider, received_at DESC, id DESC)",
        ]
    )
}

extension Migration {
    /// v9: saga generations, for a staff retry that starts a failed order's saga anew.
    ///
    /// - `orders.saga_generation` (``Order/sagaGeneration``): 1 for every existing order;
    /// - `saga_steps.generation`: the generation a step record belongs to (1 for every existing record); a step is
    ///   keyed by (order, generation, step), so an earlier generation's records stay as history. The idempotency
    ///   key stays unique across all steps (each generation's keys differ).
    static let v9SagaGenerations = Migration(
        version: 9,
        name: "saga_generations",
        statements: [
            "ALTER TABLE orders ADD COLUMN saga_generation integer NOT NULL DEFAULT 1 CHECK (saga_generation >= 1)",
            "ALTER TABLE saga_steps ADD COLUMN generation integer NOT NULL DEFAULT 1 CHECK (generation >= 1)",
            // v5 declared the primary key inline, so PostgreSQL named it <table>_pkey.
            "ALTER TABLE saga_steps DROP CONSTRAINT saga_steps_pkey, ADD PRIMARY KEY (order_id, generation, step)",
        ]
    )
}
