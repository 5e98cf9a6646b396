public import AsyncHTTPClient
public import Domain
public import Logging

/// Billing and services on a WHMCS installation, through its action API.
///
/// Every call is `POST <base>/includes/api.php`, form-encoded with the API credentials and `responsetype=json`.
/// Reads are marked retryable (they are POSTs only by WHMCS's design). WHMCS has no idempotency keys, so the
/// writes are made replay-safe by the adapter:
/// - ``createOrder(_:)`` writes the idempotency key into the order's `notes` and looks for it with `GetOrders`
///   before `AddOrder`, and again before retrying an `AddOrder` that failed as unavailable or timed out.
///   `notes` is not in AddOrder's documented parameter list (its sandbox keeps it); verify against the
///   installation, or move the key to an admin-only product custom field, before relying on it in production.
///   The look-up narrows but cannot close one window: an AddOrder that timed out here and that WHMCS completes
///   only after the look-up still makes a second order (WHMCS offers no server-side key to close it).
/// - ``activateOrder(id:idempotencyKey:)`` and ``cancelOrder(id:idempotencyKey:)`` read the order first and
///   only act on the status that needs it, so a replay returns the order as it is.
/// - ``refund(_:)`` records an invoice refund as a transaction whose `transid` is derived from the key (WHMCS
///   refuses a second transaction with the same `transid`), and an account credit with the key in its
///   description, looked up with `GetCredits` first.
///
/// Amounts come as decimal text and are read exactly; a client's invoices and services are in the client's
/// `currency_code`.
public struct WHMCSBillingProvider: BillingProvider {
    public var upstream: UpstreamID { .whmcs }
    let client: WHMCSClient
    let logger: Logger

    /// Creates the adapter.
    ///
    /// - Parameters:
    ///   - configuration: The installation's base URL (the folder holding `includes/api.php`) and transport tuning.
    ///   - credentials: The API identifier and secret.
    ///   - httpClient: The process's HTTP client.
    ///   - logger: The adapter's logger.
    ///   - observer: Receives call outcomes and circuit changes, for metrics.
    public init(
        configuration: TransportConfiguration,
        credentials: WHMCSCredentials,
        httpClient: HTTPClient = HTTPTransport.sharedHTTPClient,
        logger: Logger = Logger(label: "atrium.provider.whmcs"),
        observer: (any TransportObserver)? = nil
    ) {
        let transport = HTTPTransport(
            provider: .whmcs, configuration: configuration, httpClient: httpClient, logger: logger, observer: observer
        )
        self.client = WHMCSClient(transport: transport, credentials: credentials)
        self.logger = logger
    }

    /// The transport's circuit state and counters, for the admin API.
    public var transportSnapshot: TransportSnapshot { client.transport.snapshot }

    // https://developers.whmcs.com/api-reference/getclientsdetails/
    public func customer(id: String) async throws(ProviderError) -> BillingCustomer {
        try BillingCustomer(whmcs: try await clientDetails(id))
    }

    // https://developers.whmcs.com/api-reference/getinvoices/
    /// Newest first (`orderby=id`, `order=desc`, WHMCS 7.7+: ids grow with creation and never tie, so pages stay
    /// stable). The cursor is the offset of the next page (`limitstart`). WHMCS answers an unknown client with an
    /// empty list, so this does too.
    public func invoices(customerID: String, page: PageRequest) async throws(ProviderError) -> Page<Invoice> {
        let offset = try Self.offset(page.cursor)
        let response = try await client.call(
            "GetInvoices",
            [
                ("userid", customerID), ("limitstart", String(offset)), ("limitnum", String(page.limit)),
                ("orderby", "id"), ("order", "desc"),
            ],
            as: WHMCSInvoicesResponse.self,
            retryable: true
        )
        let entries = response.invoices.items
        var fallback: Currency?
        if entries.contains(where: { $0.currencycode == nil }) {
            fallback = try await clientCurrency(customerID)
        }
        var invoices: [Invoice] = []
        for (index, entry) in entries.enumerated() {
            // A WHMCS that ignored `userid` would leak other clients' invoices into this portal.
            guard entry.userid.value == customerID else {
                throw .invalidPayload(.whmcs, path: "$.invoices.invoice[\(index)].userid", "an invoice of another client")
            }
            invoices.append(try Invoice(whmcs: entry, index: index, fallbackCurrency: fallback))
        }
        let next = offset + entries.count
        let more = !entries.isEmpty && next < response.totalresults.value
        return Page(items: invoices, nextCursor: more ? String(next) : nil)
    }

    // https://developers.whmcs.com/api-reference/getinvoice/
    /// Two calls: the invoice, then its client's currency (GetInvoice does not carry one).
    public func invoice(id: String) async throws(ProviderError) -> Invoice {
        let raw = try await client.call("GetInvoice", [("invoiceid", id)], as: WHMCSInvoice.self, retryable: true)
        let currency = try await clientCurrency(raw.userid.value)
        return try Invoice(whmcs: raw, currency: currency)
    }

    // https://developers.whmcs.com/api-reference/getclientsproducts/
    /// All of the client's services, whatever their status, read page by page (WHMCS returns 25 by default).
    public func subscriptions(customerID: String) async throws(ProviderError) -> [Subscription] {
        let currency = try await clientCurrency(customerID)
        var subscriptions: [Subscription] = []
        var offset = 0
        for _ in 0..<Self.maximumPages {
            let response = try await client.call(
                "GetClientsProducts",
                [("clientid", customerID), ("limitstart", String(offset)), ("limitnum", String(Self.scanPageSize))],
                as: WHMCSClientsProductsResponse.self,
                retryable: true
            )
            for (index, service) in response.products.items.enumerated() {
                guard service.clientid.value == customerID else {
                    throw .invalidPayload(.whmcs, path: "$.products.product[\(index)].clientid", "a service of another client")
                }
                subscriptions.append(try Subscription(whmcs: service, currency: currency))
            }
            offset += response.products.items.count
            if response.products.items.isEmpty || offset >= response.totalresults.value { break }
        }
        return subscriptions
    }

    // https://developers.whmcs.com/api-reference/getpaymethods/
    public func paymentMethods(customerID: String) async throws(ProviderError) -> [PaymentMethod] {
        let response = try await client.call("GetPayMethods", [("clientid", customerID)], as: WHMCSPayMethodsResponse.self, retryable: true)
        var methods: [PaymentMethod] = []
        for (index, raw) in response.paymethods.items.enumerated() {
            methods.append(try PaymentMethod(whmcs: raw, index: index, isFirst: index == 0))
        }
        return methods
    }

    // https://developers.whmcs.com/api-reference/getproducts/
    /// The products configured in WHMCS with their prices, beyond ``BillingProvider`` (for catalog sync).
    public func catalog() async throws(ProviderError) -> [CatalogItem] {
        let response = try await client.call("GetProducts", [], as: WHMCSProductsResponse.self, retryable: true)
        var items: [CatalogItem] = []
        for (index, product) in response.products.items.enumerated() { items.append(try CatalogItem(whmcs: product, index: index)) }
        return items
    }

    // MARK: Helpers

    /// List scans (services, orders) read this many per call, up to ``maximumPages`` calls.
    static let scanPageSize = 100
    static let maximumPages = 100

    // https://developers.whmcs.com/api-reference/getclientsdetails/
    func clientDetails(_ id: String) async throws(ProviderError) -> WHMCSClientDetails {
        try await client.call(
            "GetClientsDetails",
            [("clientid", id), ("stats", "false")],
            as: WHMCSClientDetailsResponse.self,
            retryable: true
        ).client
    }

    func clientCurrency(_ id: String) async throws(ProviderError) -> Currency {
        try WHMCSMapping.currency(try await clientDetails(id).currencyCode, path: "$.client.currency_code")
    }

    /// The `limitstart` a cursor stands for.
    static func offset(_ cursor: String?) throws(ProviderError) -> Int {
        guard let cursor else { return 0 }
        guard let offset = Int(cursor), offset >= 0 else {
            throw ProviderError(.rejected, provider: .whmcs, detail: "not a WHMCS page cursor")
        }
        return offset
    }
}
