public import AsyncHTTPClient
public import Domain
public import Logging

/// ``BillingProvider`` over Stripe's REST API (https://docs.stripe.com/api), API version
/// ``apiVersion`` pinned on every request.
///
/// | capability | Stripe |
/// | --- | --- |
/// | customer | `GET /v1/customers/{id}`; a deleted customer is `notFound` |
/// | invoices | `GET /v1/invoices?customer=&limit=&starting_after=`, newest first; the cursor is the last id |
/// | invoice lines | beyond the embedded page, from `GET /v1/invoices/{id}/lines` |
/// | invoice | `GET /v1/invoices/{id}` |
/// | subscriptions | `GET /v1/subscriptions?customer=&status=all`, product names from `GET /v1/products?ids[]=` |
/// | payment methods | `GET /v1/customers/{id}/payment_methods`; the default is the customer's `invoice_settings.default_payment_method` |
/// | createOrder | `POST /v1/subscriptions` with `payment_behavior=default_incomplete`: the order is the subscription |
/// | activateOrder | pays the subscription's first invoice (`POST /v1/invoices/{id}/pay`, after `/finalize` if still a draft) |
/// | cancelOrder | `DELETE /v1/subscriptions/{id}`, then voids the first invoice if it is still open |
/// | refund | `POST /v1/refunds` against the invoice's paid payment, or a customer balance credit without an invoice |
///
/// Every POST carries an `Idempotency-Key` derived from the caller's key and is therefore retryable.
public struct StripeBillingProvider: BillingProvider {
    /// The `Stripe-Version` every request sends.
    public static let apiVersion = StripeClient.apiVersion

    public var upstream: UpstreamID { .stripe }
    /// The transport (its circuit state and snapshot are what the admin API shows).
    public let transport: HTTPTransport
    let client: StripeClient

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: Base URL (`https://api.stripe.com`, or a sandbox), deadline, retries and breaker.
    ///   - credentials: The API key.
    ///   - httpClient: The process's client; by default the transport's shared one (redirects off).
    ///   - logger: Where the transport logs.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    public init(
        configuration: TransportConfiguration,
        credentials: StripeCredentials,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.stripe"),
        observer: (any TransportObserver)? = nil
    ) {
        self.transport = HTTPTransport(
            provider: .stripe, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
        )
        self.client = StripeClient(transport: transport, credentials: credentials)
    }

    /// How many pages of a list the adapter follows before it stops (100 objects a page).
    static let maximumPages = 20

    public func customer(id: String) async throws(ProviderError) -> BillingCustomer {
        try BillingCustomer(stripe: try await client.customer(id: id))
    }

    public func invoices(customerID: String, page: PageRequest) async throws(ProviderError) -> Page<Invoice> {
        let list = try await client.invoices(customerID: customerID, limit: page.limit, startingAfter: page.cursor)
        var items: [Invoice] = []
        for (index, invoice) in list.data.enumerated() {
            items.append(try await map(invoice, path: "$.data[\(index)]"))
        }
        return Page(items: items, nextCursor: list.hasMore ? list.data.last?.id : nil)
    }

    public func invoice(id: String) async throws(ProviderError) -> Invoice {
        try await map(try await client.invoice(id: id), path: "$")
    }

    public func subscriptions(customerID: String) async throws(ProviderError) -> [Subscription] {
        var subscriptions: [StripeSubscription] = []
        var cursor: String?
        for _ in 0..<Self.maximumPages {
            let list = try await client.subscriptions(customerID: customerID, startingAfter: cursor)
            subscriptions += list.data
            guard list.hasMore, let last = list.data.last?.id else { break }
            cursor = last
        }
        var productIDs: [String] = []
        for item in subscriptions.flatMap(\.items.data) where !productIDs.contains(item.price.productID) {
            productIDs.append(item.price.productID)
        }
        var products: [String: StripeProduct] = [:]
        for start in stride(from: 0, to: productIDs.count, by: 100) {
            let batch = Array(productIDs[start..<min(start + 100, productIDs.count)])
            for product in try await client.products(ids: batch).data { products[product.id] = product }
        }
        var mapped: [Subscription] = []
        for (index, subscription) in subscriptions.enumerated() {
            mapped.append(try Subscription(stripe: subscription, products: products, path: "$.data[\(index)]"))
        }
        return mapped
    }

    public func paymentMethods(customerID: String) async throws(ProviderError) -> [PaymentMethod] {
        let defaultID: String?
        switch try await client.customer(id: customerID) {
        case .deleted(let id):
            throw ProviderError(
                .notFound, provider: .stripe, upstreamStatus: 200, upstreamCode: "deleted", detail: "customer \(id) is deleted")
        case .customer(let customer):
            defaultID = customer.invoiceSettings?.defaultPaymentMethod?.id
        }
        var methods: [PaymentMethod] = []
        var cursor: String?
        for _ in 0..<Self.maximumPages {
            let list = try await client.paymentMethods(customerID: customerID, startingAfter: cursor)
            for (index, method) in list.data.enumerated() {
                methods.append(try PaymentMethod(stripe: method, defaultID: defaultID, path: "$.data[\(index)]"))
            }
            guard list.hasMore, let last = list.data.last?.id else { break }
            cursor = last
        }
        return methods
    }

    /// Maps an invoice, first fetching the lines Stripe left out of `lines` (it embeds a page of them).
    private func map(_ invoice: StripeInvoice, path: String) async throws(ProviderError) -> Invoice {
        var more: [InvoiceLine] = []
        if invoice.lines.hasMore, var cursor = invoice.lines.data.last?.id {
            let currency = try StripeValue.currency(invoice.currency, at: path + ".currency")
            for _ in 0..<Self.maximumPages {
                let list = try await client.invoiceLines(invoiceID: invoice.id, startingAfter: cursor)
                for (index, line) in list.data.enumerated() {
                    more.append(try InvoiceLine(stripe: line, currency: currency, path: "$.data[\(index)]"))
                }
                guard list.hasMore, let last = list.data.last?.id else { break }
                cursor = last
            }
        }
        return try Invoice(stripe: invoice, moreLines: more, path: path)
    }
}
