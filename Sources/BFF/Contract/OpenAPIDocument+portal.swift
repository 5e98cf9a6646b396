/// The customer-portal routes under `/api/v1` (Sources/BFF/Portal: PortalRoutes and its controllers).
///
/// Every one needs a customer access token; a staff token is 403. Objects of another customer answer 404, the
/// same as missing ones; so does every route when the account no longer exists.
extension OpenAPIDocument {
    static var portalOperations: [APIOperation] {
        [
            read("/me", id: "getProfile", tag: "customer", summary: "The signed-in customer", schema: "Profile",
                 description: "The account from Atrium's own store: e-mail, name, tenant, MFA state and the systems it is linked to. Not cached.",
                 cached: false, upstream: false),
            read("/dashboard", id: "getDashboard", tag: "customer", summary: "Billing, CRM and SIM in one call", schema: "Dashboard",
                 description: """
                     Reads billing, CRM and SIM in parallel under one deadline (2.5 s). A section whose system fails or is too slow \
                     is reported as `{"status": "unavailable"}` and the others are still served: the page never fails for one \
                     section. `X-Cache` combines the sections' reads (STALE if any was stale, else MISS if any missed).
                     """,
                 upstream: false),
            list("/invoices", id: "listInvoices", tag: "billing", summary: "Invoices, newest first", schema: "InvoiceList",
                 description: "The customer's invoices, newest first, paged by the billing system. Empty when the account has no billing link."),
            read("/invoices/{id}", id: "getInvoice", tag: "billing", summary: "One invoice with lines and taxes", schema: "InvoiceDetail",
                 description: "One of the customer's invoices with its lines and taxes.", idDescription: "The invoice id."),
            list("/subscriptions", id: "listSubscriptions", tag: "billing", summary: "Subscriptions and services", schema: "SubscriptionList",
                 description: "Every subscription or service of the account, in the billing system's order."),
            list("/payment-methods", id: "listPaymentMethods", tag: "billing", summary: "Stored payment methods (masked)", schema: "PaymentMethodList",
                 description: "Stored payment methods, masked: never more than the last four digits."),
            list("/sims", id: "listSims", tag: "sim", summary: "SIM lines", schema: "SIMLineList",
                 description: "Every SIM line of the account with its status, in the platform's order."),
            read("/sims/{id}", id: "getSim", tag: "sim", summary: "One SIM line", schema: "SIMLine",
                 description: "One of the account's SIM lines.", idDescription: "The line id."),
            read("/sims/{id}/usage", id: "getSimUsage", tag: "sim", summary: "Data usage of the current period", schema: "DataUsage",
                 description: "Data used by one of the account's lines in the current billing period.", idDescription: "The line id."),
            APIOperation(
                "POST", "/api/v1/sims/{id}/plan-change",
                id: "changeSimPlan", tag: "sim",
                summary: "Change a line's plan (queued)",
                description: """
                    Queues a plan change for one of the account's lines and answers 202 at once with an operation id; the change runs \
                    in the background (`fulfillment` queue) and the line shows `pending_operation_id` until it ends. 409 when the line \
                    is already on that plan.
                    """,
                access: .portal,
                parameters: [idParameter("The line id.")],
                requestBody: APIRequestBody("PlanChangeRequest", "The plan to switch to."),
                responses: [.accepted("PlanChangeAccepted", "The change is queued."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            APIOperation(
                "GET", "/api/v1/catalog",
                id: "searchCatalog", tag: "catalog",
                summary: "Search the catalog",
                description: "Products of the tenant's catalog in SKU order, with the total and facet counts. Every filter is optional.",
                access: .portal,
                parameters: [
                    .query("q", description: "Words that must all appear in the name, SKU, description, manufacturer or category (case-insensitive).", schema: .string(maxLength: 200)),
                    .query("kind", description: "Only products of this kind.", schema: .enumeration(["subscription", "sim", "physical"])),
                    .query("category", description: "Only this category (exact, case-insensitive).", schema: .string()),
                    .query("in_stock", description: "`true`: only what can be ordered now (in stock, or a service); `false`: only what cannot.", schema: .boolean),
                    .shared(.cursor), .shared(.limit),
                ],
                responses: [.ok("CatalogPage", "One page of matching products."), .problem(.serviceUnavailable)],
                cached: true
            ),
            read("/catalog/{sku}", id: "getCatalogItem", tag: "catalog", summary: "One product", schema: "CatalogItem",
                 description: "One product of the tenant's catalog by SKU.", idName: "sku", idDescription: "The product's SKU."),
            list("/cases", id: "listCases", tag: "support", summary: "Support cases, newest first", schema: "SupportCaseList",
                 description: "The account's support cases, newest first, paged by the CRM. Empty when the account has no CRM link."),
            APIOperation(
                "POST", "/api/v1/cases",
                id: "createCase", tag: "support",
                summary: "Open a support case",
                description: "Opens a case on the customer's CRM account and answers 201 with it. 409 when the account has no CRM link.",
                access: .portal,
                requestBody: APIRequestBody("CreateCaseRequest", "The new case."),
                responses: [.created("SupportCaseDetail", "The case as opened."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
            read("/cases/{id}", id: "getCase", tag: "support", summary: "One case with its comments", schema: "SupportCaseDetail",
                 description: "One of the account's cases with its description and public comments.", idDescription: "The case id."),
            APIOperation(
                "POST", "/api/v1/cases/{id}/comments",
                id: "addCaseComment", tag: "support",
                summary: "Comment on a case",
                description: "Adds a public comment to one of the account's cases and answers 201 with it.",
                access: .portal,
                parameters: [idParameter("The case id.")],
                requestBody: APIRequestBody("CreateCommentRequest", "The comment."),
                responses: [.created("CaseComment", "The comment as stored."), .problem(.notFound), .problem(.serviceUnavailable)]
            ),
        ]
    }

    /// A path parameter naming an object: 1–128 of `A-Z a-z 0-9 - _ .` (anything else is 404).
    static func idParameter(_ description: String, name: String = "id") -> APIParameter {
        .path(name, description: description, schema: JSONSchema(["type": "string", "minLength": 1, "maxLength": 128]))
    }

    /// A cached portal read of one object (`{id}` in the path) or of a singleton.
    static func read(
        _ path: String, id: String, tag: String, summary: String, schema: String, description: String,
        idName: String = "id", idDescription: String? = nil, cached: Bool = true, upstream: Bool = true
    ) -> APIOperation {
        let fullPath = "/api/v1" + path
        var responses: [APIResponse] = [.ok(schema, "The \(summary.prefix(1).lowercased() + summary.dropFirst()).")]
        // 404 for a missing object, another customer's object, or an account that no longer exists.
        responses.append(.problem(.notFound))
        if upstream { responses.append(.problem(.serviceUnavailable)) }
        let parameters = idDescription.map { [idParameter($0, name: idName)] } ?? []
        return APIOperation(
            "GET", fullPath, id: id, tag: tag, summary: summary, description: description, access: .portal,
            parameters: parameters, responses: responses, cached: cached
        )
    }

    /// A cached portal list: `cursor` and `limit`, answering `{"data": [...], "next_cursor": …}`.
    static func list(_ path: String, id: String, tag: String, summary: String, schema: String, description: String) -> APIOperation {
        APIOperation(
            "GET", "/api/v1" + path, id: id, tag: tag, summary: summary,
            description: description + " A `cursor` from another list or user is 400.",
            access: .portal,
            parameters: [.shared(.cursor), .shared(.limit)],
            responses: [.ok(schema, "One page."), .problem(.notFound), .problem(.serviceUnavailable)],
            cached: true
        )
    }
}
