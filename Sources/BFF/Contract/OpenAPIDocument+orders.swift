import Domain

/// The order routes (Sources/BFF/Orders: OrderRoutes, OrderController, AdminOrderController) and their wire types
/// (`OrderDTOs.swift`).
extension OpenAPIDocument {
    static var orderOperations: [APIOperation] {
        [
            APIOperation(
                "POST", "/api/v1/orders",
                id: "placeOrder", tag: "orders",
                summary: "Place an order",
                description: """
                    Validates the items and the account, records the order (`draft`), creates it in the CRM and moves it to \
                    `pending_approval`; answers 201 with the order, its timeline and a `Location` header. Checks, the first failing \
                    one answers: the body (1–20 items, each SKU once, quantity 1–10) → 400 `validation` naming the field \
                    (`items[1].quantity`); the tenant's catalog (the SKU is active, a physical item is not out of stock, it has a \
                    price in the order's currency) → 422 `urn:atrium:problem:order-item-unavailable` naming the item; the account's \
                    links (a CRM account and a billing customer, a SIM account for SIM items) → 409 \
                    `urn:atrium:problem:account-not-linked`. Prices come from the catalog in the billing customer's currency; \
                    `tax` is 0 at order time (the billing system computes tax on its invoice). If the CRM fails, the order is \
                    moved to `failed` with the reason and the answer (503 `upstream-unavailable`, or 422 when the CRM refuses the \
                    items) names its id; placing it again creates a new order. Send an `Idempotency-Key`: a retried request then \
                    gets the first answer instead of a second order.
                    """,
                access: .portal,
                requestBody: APIRequestBody("PlaceOrderRequest", "The items to order."),
                responses: [
                    .created("OrderDetail", "The order, `pending_approval`, with its timeline."),
                    .problem(.notFound), .problem(.conflict), .problem(.unprocessable), .problem(.serviceUnavailable),
                ]
            ),
            APIOperation(
                "GET", "/api/v1/orders",
                id: "listOrders", tag: "orders",
                summary: "The customer's orders, newest first",
                description: "The signed-in customer's orders, newest first, without timelines. A `cursor` from another list or user is 400.",
                access: .portal,
                parameters: [.shared(.cursor), .shared(.limit)],
                responses: [.ok("OrderList", "One page."), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/orders/{id}",
                id: "getOrder", tag: "orders",
                summary: "One order with its timeline",
                description: "One of the customer's orders with every timeline entry. Another customer's order is 404, like a missing one.",
                access: .portal,
                parameters: [orderIDParameter],
                responses: [.ok("OrderDetail", "The order with its timeline."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/orders/{id}/events",
                id: "streamOrderEvents", tag: "orders",
                summary: "Follow an order live (Server-Sent Events)",
                description: """
                    The order's timeline as `text/event-stream`, from any server process. First the stored entries after \
                    `Last-Event-ID`, then new ones as they happen, each as `id: <seq>`, `event: timeline`, `data: <OrderTimelineEntry \
                    JSON>`; a `: keep-alive` comment every 15 s; `retry: 3000` first. Entries come in `seq` order without \
                    duplicates. The stream ends after an entry whose `status` is `fulfilled`, `failed`, `cancelled` or `refunded` \
                    (the order may move on later: a failed order retried by staff, a fulfilled one refunded; open a new stream to \
                    follow that), and when the server shuts down (reconnect with `Last-Event-ID`). When the order is in one of those \
                    statuses and the client already has every entry, the answer is 204 (an `EventSource` then stops reconnecting). \
                    Browsers' `EventSource` cannot send an `Authorization` header: use a fetch-based SSE reader that sends the \
                    Bearer token (and `Last-Event-ID` on reconnect). Only the order's owner can open it; anyone else gets 404.
                    """,
                access: .portal,
                parameters: [
                    orderIDParameter,
                    .header("Last-Event-ID", description: "The `seq` of the last entry the client has; the stream starts after it.", schema: .string(maxLength: 10)),
                    .query("last_event_id", description: "The same as `Last-Event-ID`, for clients that cannot set headers; the header wins.", schema: .integer(minimum: 0)),
                ],
                responses: [
                    .success(status: 200, description: "The event stream (chunked, open until the order reaches a final status).", schema: "OrderEventStream", mediaType: "text/event-stream"),
                    .success(status: 204, description: "The order's status is final and the client has every entry: nothing more will come.", schema: nil),
                    .problem(.notFound), .problem(.serviceUnavailable),
                ]
            ),
            APIOperation(
                "POST", "/api/v1/admin/orders/{id}/approve",
                id: "approveOrder", tag: "admin",
                summary: "Approve an order (staff)",
                description: """
                    Roles: `admin`, `ops`, `sales` (other staff roles 403, customer tokens 403). Moves a `pending_approval` order \
                    of the staff member's tenant to `approved` and enqueues its fulfillment (`order.fulfill` on the `fulfillment` \
                    queue, one job per order): 202 with the order. An order already approved or further along: 200 with the order \
                    and no second job. A `draft`, `cancelled` or `failed` order: 409. An order of another tenant: 404. Every attempt \
                    is audited (`order.approve`).
                    """,
                access: .admin,
                parameters: [
                    orderIDParameter,
                    .header("traceparent", description: "W3C trace context, passed on to the fulfillment job.", schema: .string(maxLength: 55)),
                ],
                responses: [
                    .ok("OrderDetail", "Already approved (or further along): nothing changed."),
                    .accepted("OrderDetail", "Approved; the fulfillment job is queued."),
                    .problem(.notFound), .problem(.serviceUnavailable),
                ]
            ),
        ]
    }

    static var orderIDParameter: APIParameter {
        .path("id", description: "The order id (a UUID); anything else is 404.", schema: .string(format: "uuid", minLength: 36, maxLength: 36))
    }

    static var orderSchemas: [String: JSONSchema] {
        let money = JSONSchema.ref("Money")
        return [
            "PlaceOrderRequest": .object(
                ["items": .required(JSONSchema(["type": "array", "items": .object(JSONSchema.ref("PlaceOrderItem").node), "minItems": 1, "maxItems": 20]), "1 to 20 lines, each SKU once.")],
                closed: false
            ).describe("An order: SKUs and quantities only (names, kinds and prices come from the catalog)."),
            "PlaceOrderItem": .object(
                [
                    "sku": .required(JSONSchema(["type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._/-]+$"]), "A SKU of the catalog."),
                    "quantity": .required(.integer(minimum: 1, maximum: 10, format: "int32")),
                ],
                closed: false
            ).describe("One line of a new order."),
            "Order": .object(orderProperties, closed: true).describe("An order in a list: status, lines and totals, no timeline."),
            "OrderDetail": .object(
                orderProperties + [("timeline", .required(.array(.ref("OrderTimelineEntry")), "Every entry so far, oldest first."))],
                closed: true
            ).describe("An order with its timeline (the list fields, flat, plus `timeline`)."),
            "OrderItem": .object(
                [
                    "sku": .required(.string()),
                    "name": .required(.string()),
                    "kind": .required(.enumeration(ProductKind.allCases.map(\.rawValue)), "What fulfilment it needs: billing only, SIM provisioning, a supplier order."),
                    "quantity": .required(.integer(minimum: 1, format: "int32")),
                    "unit_price": .required(money, "The catalog price when the order was placed."),
                    "total": .required(money, "`unit_price` × `quantity`."),
                ],
                closed: true
            ).describe("A line of an order."),
            "OrderTimelineEntry": .object(
                [
                    "seq": .required(.integer(minimum: 1), "1, 2, 3, … per order; the Server-Sent Event id."),
                    "at": .required(.dateTime),
                    "step": .required(.string(), "`order`, `crm.create`, `approval.staff`, a saga step (`billing.create`, `sim.activate#1`), a webhook, …"),
                    "outcome": .required(.enumeration(TimelineOutcome.allCases.map(\.rawValue)), "`transitioned` when the status changed."),
                    "status": .required(.enumeration(OrderStatus.allCases.map(\.rawValue)), "The order's status once this entry was written."),
                    "reason": .optional(.string(), "Why, for people: a failure's cause, who approved."),
                ],
                closed: true
            ).describe("One entry of an order's timeline; also the `data` of each event of the order's event stream."),
            "OrderList": .object(
                [
                    "data": .required(.array(.ref("Order")), "The orders of this page, newest first."),
                    "next_cursor": .required(.string().nullable(), "Pass as `cursor` for the next page; `null` on the last page."),
                ],
                closed: true
            ).describe("One page of Order items."),
            "OrderEventStream": JSONSchema.string().describe(
                "A `text/event-stream` body: `retry: 3000`, then events `id: <seq>\\nevent: timeline\\ndata: <OrderTimelineEntry JSON>\\n\\n` and `: keep-alive` comments."
            ),
        ]
    }

    /// `OrderDTO`'s members, shared by `Order` and the flat `OrderDetail`.
    static var orderProperties: [(String, JSONSchema.Property)] {
        let money = JSONSchema.ref("Money")
        return [
            ("id", .required(.string(format: "uuid"), "Atrium's order id (lower case).")),
            ("status", .required(.enumeration(OrderStatus.allCases.map(\.rawValue)))),
            ("items", .required(.array(.ref("OrderItem")))),
            ("subtotal", .required(money)),
            ("tax", .required(money, "0 at order time: the billing system computes tax on its invoice.")),
            ("total", .required(money, "`subtotal` + `tax`.")),
            ("crm_order_id", .optional(.string(), "The order's id in the CRM, once recorded there.")),
            ("failure_reason", .optional(.string(), "Why the order failed or was cancelled.")),
            ("created_at", .required(.dateTime)),
            ("updated_at", .required(.dateTime)),
        ]
    }
}
