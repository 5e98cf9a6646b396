/// The webhook receivers (Sources/BFF/Webhooks): `POST /webhooks/{stripe,whmcs,salesforce,sim,supplier}`.
///
/// No bearer token: the signature over the raw body authenticates the upstream. Never rate limited.
extension OpenAPIDocument {
    static var webhookOperations: [APIOperation] {
        [
            receiver(
                "stripe", id: "receiveStripeWebhook", summary: "Stripe events", schema: "StripeWebhookEvent",
                signature: [
                    .header(
                        "Stripe-Signature",
                        description: """
                            `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one `v1` per active endpoint secret while \
                            Stripe rolls it (any one matching verifies). Required.
                            """,
                        schema: .string(maxLength: 1024)
                    )
                ],
                description: """
                    Stripe's events (`invoice.*`, `customer.subscription.*`, payment and customer events). Several configured \
                    secrets (`STRIPE_WEBHOOK_SECRET`, comma-separated during a rotation) are each accepted. De-duplicated by \
                    the event `id`. Processing invalidates the customer's cached invoices, subscriptions and dashboard.
                    """
            ),
            receiver(
                "whmcs", id: "receiveWhmcsWebhook", summary: "WHMCS hooks", schema: "WHMCSWebhookEvent",
                signature: timestamped("WHMCS") + [
                    .header("X-WHMCS-Event", description: "The hook name, as in the body's `event`.", schema: .string(maxLength: 255))
                ],
                description: """
                    WHMCS hooks (`InvoicePaid`, `AcceptOrder`, `CancelOrder`, `ServiceStatusChange`, …) posted as JSON. \
                    De-duplicated by `id`. Processing invalidates the client's cached invoices, services and dashboard.
                    """
            ),
            receiver(
                "salesforce", id: "receiveSalesforceWebhook", summary: "Salesforce change events", schema: "SalesforceWebhookEvent",
                signature: timestamped("Salesforce"),
                description: """
                    Change Data Capture messages (`/data/OrderChangeEvent`) in the Streaming API's JSON envelope. \
                    De-duplicated by `ChangeEventHeader.transactionKey` and `sequenceNumber` (a platform event by its \
                    `EventUuid`). An order whose new `Status` means approved approves the Atrium order with that CRM id and \
                    starts its fulfillment once; other statuses move no order.
                    """
            ),
            receiver(
                "sim", id: "receiveSimWebhook", summary: "SIM platform events", schema: "SIMWebhookEvent",
                signature: timestamped("SIM"),
                description: """
                    Finished line operations (`line.allocated`, `line.activated`, …, `operation.failed`). De-duplicated by \
                    `eventId`. Processing invalidates the account's cached SIM lines, usage and dashboard.
                    """
            ),
            receiver(
                "supplier", id: "receiveSupplierWebhook", summary: "Supplier purchase-order events", schema: "SupplierWebhookEvent",
                signature: timestamped("Supplier"),
                description: """
                    `purchase_order.status_changed`. De-duplicated by `id`. A purchase order placed for an Atrium order is \
                    noted on that order's timeline.
                    """
            ),
        ]
    }

    /// `X-<Name>-Timestamp` and `X-<Name>-Signature`, the scheme of every upstream but Stripe.
    private static func timestamped(_ name: String) -> [APIParameter] {
        [
            .header(
                "X-\(name)-Timestamp",
                description: "When the upstream signed the request, in Unix seconds; at most 300 s from now either way. Required.",
                schema: .string(maxLength: 12)
            ),
            .header(
                "X-\(name)-Signature",
                description: "Lower-case hex HMAC-SHA256 of `\"<X-\(name)-Timestamp>.<raw body>\"` under the webhook secret. Required.",
                schema: .string(minLength: 64, maxLength: 64)
            ),
        ]
    }

    private static func receiver(
        _ upstream: String, id: String, summary: String, schema: String, signature: [APIParameter], description: String
    ) -> APIOperation {
        APIOperation(
            "POST", "/webhooks/\(upstream)",
            id: id, tag: "webhooks",
            summary: summary,
            description: description + "\n\n" + commonDescription,
            access: .anonymous,
            parameters: signature,
            requestBody: APIRequestBody(schema, "The event exactly as the upstream signed it (the signature covers these bytes)."),
            responses: [
                .ok("WebhookAcknowledgement", "The event is durably stored (or was before: `duplicate`); processing is queued."),
                .problem(.serviceUnavailable),
            ]
        )
    }

    private static let commonDescription = """
        The signature is verified on the raw bytes before the body is parsed, in constant time, under each configured \
        secret. Then the event is stored in the inbox, unique on (provider, event id), and only once the row is committed \
        does the receiver answer 200; processing runs later in a `webhooks` job. A duplicate answers 200 with \
        `duplicate: true` and is not processed again.

        Errors: 401 `urn:atrium:problem:webhook-signature-invalid` (signature missing, malformed or not matching) or \
        `urn:atrium:problem:webhook-timestamp-out-of-tolerance` (signed more than 300 s before or after now: a replay); \
        400 `urn:atrium:problem:webhook-payload-invalid` (verified, but not the upstream's event JSON, or no event id); \
        413 over the body limit; 415 not `application/json`; 503 `urn:atrium:problem:service-unavailable` when the event \
        could not be stored or its processing queued (retry: nothing was acknowledged), and 503 \
        `urn:atrium:problem:webhook-not-configured` when no secret is configured for the upstream.
        """

    static var webhookSchemas: [String: JSONSchema] {
        let object = JSONSchema(["type": "object"])
        return [
            "WebhookAcknowledgement": .object(
                [
                    "received": .required(JSONSchema(["type": "boolean", "const": true]), "Always true: the event is stored."),
                    "duplicate": .required(.boolean, "True when this (provider, event id) had been stored before; it is not processed again."),
                ],
                closed: true
            ).describe("The answer to an accepted webhook."),
            "StripeWebhookEvent": .object(
                [
                    "id": .required(.string(maxLength: 255, example: "evt_1PqXyZ2eZvKYlo2C"), "The event id (de-duplication key)."),
                    "type": .required(.string(maxLength: 255, example: "invoice.paid"), "The event type."),
                    "object": .optional(.constant("event")),
                    "created": .optional(.integer(), "Unix seconds."),
                    "data": .optional(object, "`object`: the invoice, subscription or customer after the change."),
                ],
                closed: false
            ).describe("A Stripe event (https://docs.stripe.com/api/events/object); other members are ignored."),
            "WHMCSWebhookEvent": .object(
                [
                    "id": .required(.string(maxLength: 255, example: "evt_000001"), "The event id (a string or a number; de-duplication key)."),
                    "event": .required(.string(maxLength: 255, example: "InvoicePaid"), "The hook name."),
                    "created": .optional(.integer(), "Unix seconds."),
                    "vars": .optional(object, "The hook's variables (`invoiceid`, `orderid`, `serviceid`, `userid`, `status`, `oldstatus`)."),
                ],
                closed: false
            ).describe("A WHMCS hook posted as JSON."),
            "SalesforceWebhookEvent": .object(
                [
                    "data": .required(object, "`payload` (with `ChangeEventHeader` and the changed fields) and `event.replayId`."),
                    "channel": .optional(.string(example: "/data/OrderChangeEvent"), "The Streaming API channel."),
                ],
                closed: false
            ).describe("A Change Data Capture (or platform event) message in the Streaming API's JSON envelope."),
            "SIMWebhookEvent": .object(
                [
                    "eventId": .required(.string(maxLength: 255, example: "EVT-000007"), "The event id (de-duplication key)."),
                    "eventType": .required(.string(maxLength: 255, example: "line.activated"), "The event type."),
                    "occurredAt": .optional(.string(example: "20250615103005"), "Platform time (JST, `yyyyMMddHHmmss`)."),
                    "operation": .optional(object, "The finished operation."),
                    "line": .optional(object, "The line after the operation (`account` names the SIM account)."),
                ],
                closed: false
            ).describe("A SIM platform event."),
            "SupplierWebhookEvent": .object(
                [
                    "id": .required(.string(maxLength: 255, example: "evt_000001"), "The event id (de-duplication key)."),
                    "type": .required(.constant("purchase_order.status_changed")),
                    "created_at": .optional(.dateTime),
                    "data": .optional(object, "`previous_status` and the `purchase_order` after the change."),
                ],
                closed: false
            ).describe("A supplier purchase-order event."),
        ]
    }
}
