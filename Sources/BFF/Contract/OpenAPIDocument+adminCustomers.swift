import Domain

/// The admin routes over customers, orders, the audit log and the webhook inbox (Sources/BFF/Admin:
/// ``AdminCustomerRoutes`` and its controllers) and their wire types.
extension OpenAPIDocument {
    static var adminCustomerOperations: [APIOperation] {
        let uuid = JSONSchema.string(format: "uuid", minLength: 36, maxLength: 36)
        let text = JSONSchema.string(minLength: 1, maxLength: 200)
        let id = APIParameter.path("id", description: "A UUID; anything else is 404.", schema: uuid)
        return [
            APIOperation(
                "GET", "/api/v1/admin/customers", id: "adminSearchCustomers", tag: "admin", summary: "Find customers across systems (staff)",
                description: """
                    Roles: `admin`, `sales`, `ops`, `finance`. Customers of the staff member's tenant matching `q`, with the systems that \
                    matched (`matched_by`) and their linked ids; at most 50. Atrium's store: a user id, the exact email, any linked id \
                    (billing customer, CRM account, SIM account), or part of the email or display name. The CRM: its account with that \
                    email (`account(email:)`), mapped to the linked user. Billing: `customer(id:)` on each billing system for an id-like \
                    query, mapped to the linked user. Phone numbers are not searchable (no adapter looks one up). `sources` says per \
                    system `ok`, `unavailable` or `not_searched`.
                    """,
                access: .admin,
                parameters: [.query("q", description: "What to look for (1–200 characters).", schema: text, required: true)],
                responses: [.ok("AdminCustomerSearch", "The matches."), .problem(.badRequest), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/customers/{id}", id: "adminGetCustomer", tag: "admin", summary: "Customer 360 (staff)",
                description: """
                    Roles: `admin`, `sales`, `ops`, `finance`. One customer of the staff member's tenant: profile and linked ids from \
                    the store; invoices (first page), subscriptions, SIM lines and cases (first page) from the upstreams in parallel \
                    under one deadline; orders (newest 20) from the store. Each section has `status` `ok` (with `items`), \
                    `not_linked` or `unavailable`. Another tenant's customer: 404.
                    """,
                access: .admin,
                parameters: [id],
                responses: [.ok("AdminCustomer360", "The customer."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/orders", id: "adminListOrders", tag: "admin", summary: "List and filter orders (staff)",
                description: """
                    Roles: `admin`, `ops`, `sales`, `finance`. The tenant's orders, newest first, without timelines. Send the same \
                    filters with a `cursor`.
                    """,
                access: .admin,
                parameters: [
                    .query("status", description: "An order status.", schema: .enumeration(OrderStatus.allCases.map(\.rawValue))),
                    .query("customer", description: "An Atrium user id.", schema: uuid),
                    .query("created_from", description: "Created at or after (ISO-8601).", schema: .dateTime),
                    .query("created_until", description: "Created before (ISO-8601, exclusive).", schema: .dateTime),
                    .shared(.cursor), .shared(.limit),
                ],
                responses: [.ok("OrderList", "One page."), .problem(.badRequest), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/orders/{id}", id: "adminGetOrder", tag: "admin", summary: "An order with its saga and job (staff)",
                description: """
                    Roles: `admin`, `ops`, `sales`, `finance`. Why an order is where it is: the order with its whole timeline, its \
                    `saga` (state, current generation, every step record of every generation with its status, attempts, upstream \
                    idempotency key, the ids it produced and its last error) and the current generation's `order.fulfill` `job` \
                    (state, attempts, each failed run's error; payload secrets redacted; absent when there is none). Another \
                    tenant's order: 404.
                    """,
                access: .admin,
                parameters: [id],
                responses: [.ok("AdminOrderDetail", "The order."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "POST", "/api/v1/admin/orders/{id}/cancel", id: "adminCancelOrder", tag: "admin", summary: "Cancel an order (staff)",
                description: """
                    Roles: `admin`, `ops`, `sales`. Moves a `draft`, `pending_approval`, `approved` or `provisioning` order to \
                    `cancelled`. When fulfillment has started, its `order.fulfill` job is made to run now (enqueued, promoted or retried) \
                    and the saga compensates what it did. Already cancelled: 200, nothing changes. Other statuses: 409. Another \
                    tenant's order: 404. Audited as `order.cancel`.
                    """,
                access: .admin,
                parameters: [id],
                responses: [.ok("OrderDetail", "The order, `cancelled`."), .problem(.notFound), .problem(.conflict), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "POST", "/api/v1/admin/orders/{id}/retry", id: "adminRetryOrder", tag: "admin", summary: "Retry a failed saga (staff)",
                description: """
                    Roles: `admin`, `ops`. A saga parked as `compensation_failed` (order `failed` or `cancelled`): its `order.fulfill` \
                    job is made to run now (retried when dead, promoted when delayed, enqueued when gone) and resumes the compensations \
                    that failed. A `failed` order whose saga has nothing left to undo (`compensated`, or `idle`) and that has a CRM \
                    order: it goes back to `approved` and a new saga generation runs every step again under new idempotency keys \
                    (timeline step `staff.retry`); the earlier generation's step records stay. Any other state: 409 \
                    `order-not-retryable`, nothing changes. Another tenant's order: 404. Audited as `order.retry` (details: `result` \
                    `resumed_compensation` or `new_generation`, `generation`).
                    """,
                access: .admin,
                parameters: [id],
                responses: [
                    .accepted("OrderDetail", "The order: `approved` (new generation) or unchanged (compensation resumed)."),
                    .problem(.notFound), .problem(.conflict), .problem(.serviceUnavailable),
                ]
            ),
            APIOperation(
                "GET", "/api/v1/admin/audit", id: "adminListAudit", tag: "admin", summary: "Search the audit log (staff)",
                description: "Roles: `admin`, `security`. The tenant's audit rows, newest first. Read-only: the log is append-only.",
                access: .admin,
                parameters: [
                    .query("actor", description: "The acting user's id.", schema: uuid),
                    .query("action", description: "An exact action, e.g. `order.cancel`.", schema: text),
                    .query("subject", description: "An exact subject, e.g. `order:<id>`.", schema: text),
                    .query("from", description: "At or after (ISO-8601).", schema: .dateTime),
                    .query("until", description: "Before (ISO-8601, exclusive).", schema: .dateTime),
                    .shared(.cursor), .shared(.limit),
                ],
                responses: [.ok("AdminAuditEntryList", "One page."), .problem(.badRequest), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/webhooks", id: "adminListWebhooks", tag: "admin", summary: "The webhook inbox (staff)",
                description: """
                    Roles: `admin`, `ops`. Inbox rows, newest first, without payloads. The inbox is deployment-wide (a row has no \
                    tenant), hence the operator roles only.
                    """,
                access: .admin,
                parameters: [
                    .query("provider", description: "`stripe`, `whmcs`, `salesforce`, `sim`, `supplier`.", schema: text),
                    .query("status", description: "A processing status.", schema: .enumeration(WebhookStatus.allCases.map(\.rawValue))),
                    .query("type", description: "An exact event type.", schema: text),
                    .shared(.cursor), .shared(.limit),
                ],
                responses: [.ok("AdminWebhookList", "One page."), .problem(.badRequest), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/admin/webhooks/{id}", id: "adminGetWebhook", tag: "admin", summary: "Inspect a webhook (staff)",
                description: "Roles: `admin`, `ops`. The row with headers, payload (text when UTF-8, else base64), attempts, last error and its job.",
                access: .admin,
                parameters: [id],
                responses: [.ok("AdminWebhookDetail", "The row."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "POST", "/api/v1/admin/webhooks/{id}/replay", id: "adminReplayWebhook", tag: "admin", summary: "Replay a webhook (staff)",
                description: """
                    Roles: `admin`, `ops`. Processes the row again: its dead `webhook.process` job is retried, a delayed one made due, a \
                    missing or finished one enqueued. A processed row: 409. Audited as `webhook.replay`.
                    """,
                access: .admin,
                parameters: [id],
                responses: [.accepted("AdminWebhookDetail", "Queued."), .problem(.notFound), .problem(.conflict), .problem(.serviceUnavailable)]
            ),
        ]
    }

    static var adminCustomerSchemas: [String: JSONSchema] {
        let sourceStatus = JSONSchema.enumeration(["ok", "unavailable", "not_searched"])
        func section(_ item: String) -> JSONSchema {
            .object(
                [
                    "status": .required(.enumeration(["ok", "not_linked", "unavailable"])),
                    "items": .optional(.array(.ref(item)), "Present when `ok`."),
                ],
                closed: true
            ).describe("A section of the customer 360 view.")
        }
        func list(_ item: String) -> JSONSchema {
            .object(
                [
                    "data": .required(.array(.ref(item))),
                    "next_cursor": .required(.string().nullable(), "Pass as `cursor` for the next page; `null` on the last page."),
                ],
                closed: true
            ).describe("One page of \(item) items.")
        }
        let webhook: [(String, JSONSchema.Property)] = [
            ("id", .required(.string(format: "uuid"))),
            ("provider", .required(.string())),
            ("event_id", .required(.string())),
            ("event_type", .required(.string())),
            ("received_at", .required(.dateTime)),
            ("status", .required(.enumeration(WebhookStatus.allCases.map(\.rawValue)))),
            ("attempts", .required(.integer(minimum: 0))),
            ("last_error", .optional(.string())),
            ("processed_at", .optional(.dateTime)),
        ]
        return [
            "AdminCustomerSearch": .object(
                [
                    "data": .required(.array(.ref("AdminCustomerMatch"))),
                    "sources": .required(
                        .object(["atrium": .required(sourceStatus), "crm": .required(sourceStatus), "billing": .required(sourceStatus)], closed: true)
                    ),
                ],
                closed: true
            ).describe("Customers found by a staff search."),
            "AdminCustomerMatch": .object(
                [
                    "id": .required(.string(format: "uuid")),
                    "email": .required(.string(format: "email")),
                    "name": .optional(.string()),
                    "matched_by": .required(.array(.enumeration(["atrium", "crm", "billing", "sim"]))),
                    "links": .required(.ref("AdminCustomerLinks")),
                ],
                closed: true
            ).describe("A customer found by a search."),
            "AdminCustomerLinks": .object(
                [
                    "billing_provider": .optional(.string()), "billing_customer_id": .optional(.string()),
                    "crm_account_id": .optional(.string()), "sim_account_id": .optional(.string()),
                ],
                closed: true
            ).describe("A customer's ids in the upstream systems; absent when not linked."),
            "AdminCustomer360": .object(
                [
                    "profile": .required(.ref("Profile")), "links": .required(.ref("AdminCustomerLinks")),
                    "invoices": .required(section("Invoice")), "subscriptions": .required(section("Subscription")),
                    "sims": .required(section("SIMLine")), "orders": .required(section("Order")), "cases": .required(section("SupportCase")),
                ],
                closed: true
            ).describe("Everything about one customer, per section."),
            "AdminAuditEntry": .object(
                [
                    "id": .required(.integer(minimum: 1)), "at": .required(.dateTime), "actor_id": .optional(.string(format: "uuid")),
                    "actor_kind": .required(.string()), "action": .required(.string()), "subject": .optional(.string()),
                    "outcome": .required(.enumeration(["success", "failure", "denied"])), "client_ip": .optional(.string()),
                    "request_id": .optional(.string()), "details": .required(.map(.string())),
                ],
                closed: true
            ).describe("One audit row."),
            "AdminAuditEntryList": list("AdminAuditEntry"),
            "AdminWebhook": .object(webhook, closed: true).describe("A webhook inbox row, no payload."),
            "AdminWebhookList": list("AdminWebhook"),
            "AdminWebhookDetail": .object(
                webhook + [
                    ("headers", .required(.map(.string()))),
                    ("payload", .required(.string(), "The body: text when UTF-8, else base64.")),
                    ("payload_encoding", .required(.enumeration(["utf8", "base64"]))),
                    ("job", .optional(.ref("AdminWebhookJob"), "The processing job, while the queue holds it.")),
                ],
                closed: true
            ).describe("A webhook inbox row with headers, payload and job."),
            "AdminWebhookJob": .object(
                [
                    "id": .required(.string()), "state": .required(.enumeration(["waiting", "delayed", "active", "completed", "dead"])),
                    "runs": .required(.integer(minimum: 0)), "failures": .required(.integer(minimum: 0)),
                    "errors": .required(.array(.ref("AdminWebhookJobError"))),
                ],
                closed: true
            ).describe("A webhook's processing job."),
            "AdminOrderDetail": .object(
                orderProperties + [
                    ("timeline", .required(.array(.ref("OrderTimelineEntry")), "Every entry so far, oldest first.")),
                    ("saga", .required(.ref("AdminSaga"))),
                    ("job", .optional(.ref("AdminJobDetail"), "The current generation's `order.fulfill` job, while the queue holds it.")),
                ],
                closed: true
            ).describe("An order with its timeline, saga and fulfillment job."),
            "AdminSaga": .object(
                [
                    "state": .required(.enumeration(SagaState.allCases.map(\.rawValue))),
                    "generation": .required(.integer(minimum: 1), "Raised by each staff retry that starts the saga anew."),
                    "steps": .required(.array(.ref("AdminSagaStep")), "Every step record, oldest generation first."),
                ],
                closed: true
            ).describe("An order's fulfillment saga."),
            "AdminSagaStep": .object(
                [
                    "generation": .required(.integer(minimum: 1)), "step": .required(.string()),
                    "status": .required(.enumeration(SagaStepStatus.allCases.map(\.rawValue))), "attempt": .required(.integer(minimum: 0)),
                    "idempotency_key": .required(.string(), "Sent upstream with the step's call."),
                    "result": .required(.map(.string()), "Ids the step produced (`subscription_id`, `line_id`, …)."),
                    "error": .optional(.string(), "The step's last error."), "updated_at": .required(.dateTime),
                ],
                closed: true
            ).describe("One saga step record."),
            "AdminWebhookJobError": .object(
                ["attempt": .required(.integer()), "message": .required(.string()), "at": .required(.dateTime)],
                closed: true
            ).describe("One failed run."),
        ]
    }
}
