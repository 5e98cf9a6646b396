public import Domain

/// A billing system: customers, invoices, subscriptions/services, payment methods, orders and refunds.
///
/// Every method throws ``ProviderError`` only. Writes take an idempotency key (in the request value or as a
/// parameter): the same key always means the same effect, so a saga step can be replayed safely.
public protocol BillingProvider: Sendable {
    var upstream: UpstreamID { get }

    func customer(id: String) async throws -> BillingCustomer
    /// The customer's invoices, newest first, one page at a time.
    func invoices(customerID: String, page: PageRequest) async throws -> Page<Invoice>
    func invoice(id: String) async throws -> Invoice
    func subscriptions(customerID: String) async throws -> [Subscription]
    func paymentMethods(customerID: String) async throws -> [PaymentMethod]

    /// Creates the order (WHMCS AddOrder; Stripe subscriptions and their first invoice).
    func createOrder(_ request: BillingOrderRequest) async throws -> BillingOrder
    /// Accepts/activates a created order (WHMCS AcceptOrder; Stripe finalises the first invoice).
    func activateOrder(id: String, idempotencyKey: String) async throws -> BillingOrder
    /// Cancels an order and what it created (the compensation of ``createOrder(_:)``).
    func cancelOrder(id: String, idempotencyKey: String) async throws -> BillingOrder
    /// Refunds a paid invoice or credits the account.
    func refund(_ request: RefundRequest) async throws -> Refund
}
