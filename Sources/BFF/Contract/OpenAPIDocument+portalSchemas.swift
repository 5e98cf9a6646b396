import Domain

/// The wire types of the portal routes, one component per DTO of Sources/BFF/Portal (`PortalDTOs*.swift`): names
/// without the `DTO` suffix, members from their `CodingKeys`, required unless the Swift property is optional.
/// Optional members are left out of the JSON when absent (never `null`), except `next_cursor`.
extension OpenAPIDocument {
    static var portalSchemas: [String: JSONSchema] {
        var schemas: [String: JSONSchema] = [
            "Money": .object(
                [
                    "amount": .required(
                        JSONSchema(["type": "string", "pattern": #"^-?[0-9]+(\.[0-9]+)?$"#]),
                        "A decimal string in major units with the currency's minor digits, e.g. `\"12.50\"`; negative for credits."
                    ),
                    "currency": .required(JSONSchema(["type": "string", "pattern": "^[A-Z]{3}$"]), "ISO 4217 code, e.g. `EUR`."),
                ],
                closed: true
            ).describe("An amount of money. Never a float: `amount` is a decimal string."),
            "Profile": .object(
                [
                    "id": .required(.string(format: "uuid"), "Atrium's user id (lower case)."),
                    "email": .required(.string(format: "email")),
                    "name": .optional(.string(), "The display name, when the account has one."),
                    "tenant": .required(.string()),
                    "mfa_enabled": .required(.boolean, "Whether login asks for a TOTP code."),
                    "linked_systems": .required(.array(.ref("LinkedSystem")), "The upstream systems this account is linked to."),
                ],
                closed: true
            ).describe("The signed-in customer's own account."),
            "LinkedSystem": .object(
                [
                    "system": .required(.enumeration(["billing", "crm", "sim"])),
                    "provider": .required(.enumeration(["stripe", "whmcs", "salesforce", "sim"]), "The upstream serving it."),
                ],
                closed: true
            ).describe("A system the account is linked to (upstream ids are not shown)."),
            "Invoice": .object(invoiceProperties, closed: true).describe("An invoice in a list: totals and dates, no lines."),
            "InvoiceDetail": .object(
                invoiceProperties + [
                    ("lines", .required(.array(.ref("InvoiceLine")))),
                    ("taxes", .required(.array(.ref("InvoiceTax")), "Taxes as the billing system states them; may be empty when taxes are per line.")),
                ],
                closed: true
            ).describe("An invoice with its lines and taxes (the list fields, flat, plus `lines` and `taxes`)."),
            "InvoiceLine": .object(
                [
                    "description": .required(.string()),
                    "quantity": .required(.integer()),
                    "unit_amount": .optional(.ref("Money"), "The price of one unit, when stated."),
                    "amount": .required(.ref("Money"), "The line total."),
                    "tax_amount": .optional(.ref("Money"), "The line's tax, when taxes are per line."),
                ],
                closed: true
            ).describe("One line of an invoice."),
            "InvoiceTax": .object(
                [
                    "name": .required(.string()),
                    "rate_basis_points": .optional(.integer(), "Rate in basis points (21 % is `2100`), when stated."),
                    "amount": .required(.ref("Money")),
                ],
                closed: true
            ).describe("A tax on an invoice."),
            "Subscription": .object(
                [
                    "id": .required(.string()),
                    "product_name": .required(.string()),
                    "status": .required(.enumeration(SubscriptionStatus.allCases.map(\.rawValue))),
                    "interval": .required(.enumeration(BillingInterval.allCases.map(\.rawValue))),
                    "recurring_amount": .optional(.ref("Money"), "What each period costs, when stated."),
                    "quantity": .required(.integer()),
                    "started_at": .optional(.dateTime),
                    "current_period_end": .optional(.dateTime),
                    "next_due_at": .optional(.dateTime),
                    "cancel_at_period_end": .required(.boolean, "True when the subscription ends with the current period."),
                    "label": .optional(.string(), "A domain, phone number or other label the service is known by."),
                ],
                closed: true
            ).describe("A subscription or service."),
            "PaymentMethod": .object(
                [
                    "id": .required(.string()),
                    "kind": .required(.enumeration(["card", "bank_account", "wallet", "other"])),
                    "brand": .optional(.string(), "`visa`, `mastercard`, a bank or gateway name."),
                    "last4": .optional(.string(maxLength: 4)),
                    "expiry_month": .optional(.integer(minimum: 1, maximum: 12, format: "int32")),
                    "expiry_year": .optional(.integer(format: "int32")),
                    "is_default": .required(.boolean, "True for the method charged by default."),
                ],
                closed: true
            ).describe("A stored payment method, masked: never more than the last four digits."),
        ]
        schemas.merge(portalSIMAndCatalogSchemas) { first, _ in first }
        schemas.merge(portalSupportAndDashboardSchemas) { first, _ in first }
        for (name, item) in listSchemas {
            schemas[name] = .object(
                [
                    "data": .required(.array(.ref(item)), "The items of this page, in the list's order."),
                    "next_cursor": .required(.string().nullable(), "Pass as `cursor` for the next page; `null` on the last page."),
                ],
                closed: true
            ).describe("One page of \(item) items.")
        }
        return schemas
    }

    /// The list components (`{"data": [...], "next_cursor": …}`) and their item schemas.
    static let listSchemas: KeyValuePairs<String, String> = [
        "InvoiceList": "Invoice", "SubscriptionList": "Subscription", "PaymentMethodList": "PaymentMethod",
        "SIMLineList": "SIMLine", "SupportCaseList": "SupportCase",
    ]

    /// `InvoiceDTO`'s members, shared by `Invoice` and the flat `InvoiceDetail`.
    static var invoiceProperties: [(String, JSONSchema.Property)] {
        [
            ("id", .required(.string())),
            ("number", .optional(.string(), "The number printed on the invoice, when the billing system gives one.")),
            (
                "status",
                .required(
                    .enumeration(InvoiceStatus.allCases.map(\.rawValue)),
                    "`overdue` is derived at the time of the request (unpaid past its due date)."
                )
            ),
            ("currency", .required(JSONSchema(["type": "string", "pattern": "^[A-Z]{3}$"]), "Every amount of the invoice is in it.")),
            ("subtotal", .required(.ref("Money"))),
            ("tax", .required(.ref("Money"))),
            ("total", .required(.ref("Money"))),
            ("amount_paid", .required(.ref("Money"))),
            ("amount_due", .required(.ref("Money"), "What is still owed.")),
            ("issued_at", .optional(.dateTime)),
            ("due_at", .optional(.dateTime)),
            ("paid_at", .optional(.dateTime)),
        ]
    }
}
