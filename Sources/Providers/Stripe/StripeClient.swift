import Domain
import Foundation
import NIOHTTP1

/// Stripe's REST API under `/v1`, call by call: form-encoded POSTs, `Authorization: Bearer`, a pinned
/// `Stripe-Version`, an `Idempotency-Key` on every POST, and error answers mapped by ``ProviderError/stripe(status:body:retryAfter:)``.
///
/// Each method returns Stripe's raw shape; ``StripeBillingProvider`` maps them.
struct StripeClient: Sendable {
    /// The API version every request pins (https://docs.stripe.com/api/versioning): the version current when the
    /// fixtures under `fixtures/upstream/stripe` were published (stripe/openapi snapshot of 2026-08-21; the next
    /// version, 2026-08-26.dahlia, came out after it). The raw types follow its shapes.
    static let apiVersion = "2026-07-29.dahlia"

    let transport: HTTPTransport
    let credentials: StripeCredentials

    // MARK: Customers

    // https://docs.stripe.com/api/customers/retrieve
    func customer(id: String) async throws(ProviderError) -> StripeCustomerResult {
        try await get("/v1/customers/\(segment(id))", operation: "customers.retrieve")
    }

    // https://docs.stripe.com/api/payment_methods/customer_list
    func paymentMethods(customerID: String, startingAfter: String?) async throws(ProviderError) -> StripeList<StripePaymentMethod> {
        try await get(
            "/v1/customers/\(segment(customerID))/payment_methods",
            query: [("limit", "100")] + cursor(startingAfter),
            operation: "customers.payment_methods.list"
        )
    }

    // https://docs.stripe.com/api/customer_balance_transactions/create
    func createBalanceTransaction(
        customerID: String, fields: [(String, String)], idempotencyKey: String
    ) async throws(ProviderError) -> StripeCustomerBalanceTransaction {
        try await post(
            "/v1/customers/\(segment(customerID))/balance_transactions", fields: fields, idempotencyKey: idempotencyKey,
            operation: "customers.balance_transactions.create"
        )
    }

    // MARK: Invoices

    /// The tax rates behind `total_taxes` are expanded so taxes carry their names and rates.
    // https://docs.stripe.com/api/invoices/list
    func invoices(customerID: String, limit: Int, startingAfter: String?) async throws(ProviderError) -> StripeList<StripeInvoice> {
        try await get(
            "/v1/invoices",
            query: [("customer", customerID), ("limit", String(limit))] + cursor(startingAfter)
                + [("expand[]", "data.total_taxes.tax_rate_details.tax_rate")],
            operation: "invoices.list"
        )
    }

    // https://docs.stripe.com/api/invoices/retrieve
    func invoice(id: String) async throws(ProviderError) -> StripeInvoice {
        try await get(
            "/v1/invoices/\(segment(id))", query: [("expand[]", "total_taxes.tax_rate_details.tax_rate")],
            operation: "invoices.retrieve"
        )
    }

    // https://docs.stripe.com/api/invoices/invoice_lines
    func invoiceLines(invoiceID: String, startingAfter: String?) async throws(ProviderError) -> StripeList<StripeInvoiceLineItem> {
        try await get(
            "/v1/invoices/\(segment(invoiceID))/lines", query: [("limit", "100")] + cursor(startingAfter),
            operation: "invoices.lines.list"
        )
    }

    // https://docs.stripe.com/api/invoices/finalize
    func finalizeInvoice(id: String, idempotencyKey: String) async throws(ProviderError) -> StripeInvoice {
        try await post("/v1/invoices/\(segment(id))/finalize", fields: [], idempotencyKey: idempotencyKey, operation: "invoices.finalize")
    }

    /// Charges the invoice with the subscription's or customer's default payment method.
    // https://docs.stripe.com/api/invoices/pay
    func payInvoice(id: String, idempotencyKey: String) async throws(ProviderError) -> StripeInvoice {
        try await post("/v1/invoices/\(segment(id))/pay", fields: [], idempotencyKey: idempotencyKey, operation: "invoices.pay")
    }

    // https://docs.stripe.com/api/invoices/void
    func voidInvoice(id: String, idempotencyKey: String) async throws(ProviderError) -> StripeInvoice {
        try await post("/v1/invoices/\(segment(id))/void", fields: [], idempotencyKey: idempotencyKey, operation: "invoices.void")
    }

    // https://docs.stripe.com/api/invoice-payment/list
    func invoicePayments(invoiceID: String) async throws(ProviderError) -> StripeList<StripeInvoicePayment> {
        try await get(
            "/v1/invoice_payments", query: [("invoice", invoiceID), ("status", "paid"), ("limit", "100")],
            operation: "invoice_payments.list"
        )
    }

    // MARK: Subscriptions and products

    // https://docs.stripe.com/api/subscriptions/list
    func subscriptions(customerID: String, startingAfter: String?) async throws(ProviderError) -> StripeList<StripeSubscription> {
        try await get(
            "/v1/subscriptions",
            query: [("customer", customerID), ("status", "all"), ("limit", "100")] + cursor(startingAfter),
            operation: "subscriptions.list"
        )
    }

    // https://docs.stripe.com/api/subscriptions/retrieve
    func subscription(id: String, expandLatestInvoice: Bool = false) async throws(ProviderError) -> StripeSubscription {
        try await get(
            "/v1/subscriptions/\(segment(id))", query: expandLatestInvoice ? [("expand[]", "latest_invoice")] : [],
            operation: "subscriptions.retrieve"
        )
    }

    // https://docs.stripe.com/api/subscriptions/create
    func createSubscription(fields: [(String, String)], idempotencyKey: String) async throws(ProviderError) -> StripeSubscription {
        try await post("/v1/subscriptions", fields: fields, idempotencyKey: idempotencyKey, operation: "subscriptions.create")
    }

    /// Cancels at once; the latest invoice comes expanded so an unpaid first invoice can be voided.
    // https://docs.stripe.com/api/subscriptions/cancel
    func cancelSubscription(id: String) async throws(ProviderError) -> StripeSubscription {
        try await send(
            TransportRequest(
                .DELETE, "/v1/subscriptions/\(segment(id))", query: [("expand[]", "latest_invoice")], operation: "subscriptions.cancel")
        )
    }

    /// Products by id, for names (expanding `data.items.data.price.product` would be five levels; Stripe allows four).
    // https://docs.stripe.com/api/products/list
    func products(ids: [String]) async throws(ProviderError) -> StripeList<StripeProduct> {
        try await get("/v1/products", query: ids.map { ("ids[]", $0) } + [("limit", "100")], operation: "products.list")
    }

    // MARK: Refunds

    // https://docs.stripe.com/api/refunds/create
    func createRefund(fields: [(String, String)], idempotencyKey: String) async throws(ProviderError) -> StripeRefund {
        try await post("/v1/refunds", fields: fields, idempotencyKey: idempotencyKey, operation: "refunds.create")
    }

    // MARK: Sending

    private func get<T: Decodable>(_ path: String, query: [(String, String)] = [], operation: String) async throws(ProviderError) -> T {
        try await send(TransportRequest(.GET, path, query: query, operation: operation))
    }

    /// A form-encoded POST carrying `Idempotency-Key`, so the transport may retry it: Stripe answers a repeat with
    /// the first answer (https://docs.stripe.com/api/idempotent_requests).
    private func post<T: Decodable>(
        _ path: String, fields: [(String, String)], idempotencyKey: String, operation: String
    ) async throws(ProviderError) -> T {
        var request = TransportRequest.form(
            .POST, path, fields: fields, headers: [("Idempotency-Key", idempotencyKey)], operation: operation)
        request.retryable = true
        return try await send(request)
    }

    private func send<T: Decodable>(_ request: TransportRequest) async throws(ProviderError) -> T {
        var request = request
        request.headers += [("Authorization", "Bearer \(credentials.apiKey)"), ("Stripe-Version", Self.apiVersion)]
        let response = try await transport.send(request)
        guard response.isSuccess else {
            throw ProviderError.stripe(status: response.status, body: response.body, retryAfter: response.retryAfter)
        }
        return try ProviderError.decode(T.self, from: response.body, provider: .stripe)
    }

    private func cursor(_ startingAfter: String?) -> [(String, String)] {
        startingAfter.map { [("starting_after", $0)] } ?? []
    }

    /// An id as one path segment: percent-encoded, so `../` or `?` in an id cannot change the route.
    private func segment(_ id: String) -> String { FormEncoding.percentEncode(id) }

    /// The `Idempotency-Key` of one POST: derived from the caller's key and the operation, so the same saga step
    /// always sends the same key and two operations never share one. Stripe accepts up to 255 characters; a longer
    /// key, or one with characters a header cannot carry, is cut to its printable ASCII and suffixed with a 64-bit
    /// FNV-1a hash of the whole.
    static func idempotencyKey(_ key: String, operation: String) -> String {
        let full = "atrium:\(operation):\(key)"
        let printable = full.utf8.filter { (0x21...0x7E).contains($0) }
        if printable.count == full.utf8.count, printable.count <= 255 { return full }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in full.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(decoding: printable.prefix(200), as: UTF8.self) + ":" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
