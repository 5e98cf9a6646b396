public import Domain
public import Providers
public import Sandbox

/// A billing adapter wired to its running sandbox, plus the seed data the checks rely on.
public struct BillingHarness: Sendable {
    public let control: SandboxControl
    /// Builds the adapter against the sandbox with `setup`.
    public let make: @Sendable (ProviderSetup) -> any BillingProvider
    /// A customer with more invoices than one page of ``invoicePageSize``, and subscriptions and payment methods.
    public let customerID: String
    public let invoicePageSize: Int
    /// How many invoices that customer has in the sandbox.
    public let expectedInvoiceCount: Int
    public let unknownCustomerID: String
    public let unknownInvoiceID: String
    /// Lines the sandbox accepts in an order for ``customerID``.
    public let orderLines: [BillingOrderRequest.Line]
    /// Sandbox operation names: the call behind `customer(id:)` and the one behind `createOrder`.
    public let customerOperation: String
    public let createOrderOperation: String

    public init(
        control: SandboxControl, make: @escaping @Sendable (ProviderSetup) -> any BillingProvider, customerID: String,
        invoicePageSize: Int, expectedInvoiceCount: Int, unknownCustomerID: String, unknownInvoiceID: String,
        orderLines: [BillingOrderRequest.Line], customerOperation: String, createOrderOperation: String
    ) {
        self.control = control
        self.make = make
        self.customerID = customerID
        self.invoicePageSize = invoicePageSize
        self.expectedInvoiceCount = expectedInvoiceCount
        self.unknownCustomerID = unknownCustomerID
        self.unknownInvoiceID = unknownInvoiceID
        self.orderLines = orderLines
        self.customerOperation = customerOperation
        self.createOrderOperation = createOrderOperation
    }

    public var provider: any BillingProvider { make(.standard) }
}

public typealias BillingCheck = ProviderCheck<BillingHarness>

/// Every ``BillingProvider`` adapter passes these against its sandbox.
public enum BillingConformance {
    public static var all: [BillingCheck] { capability + TransportChecks.all(readProbe) }

    static func readProbe(_ harness: BillingHarness) -> ReadProbe {
        ReadProbe(control: harness.control, operation: harness.customerOperation) { setup in
            let provider = harness.make(setup)
            return { _ = try await provider.customer(id: harness.customerID) }
        }
    }

    static let capability: [BillingCheck] = [
        BillingCheck("customer maps") { harness in
            let customer = try await harness.provider.customer(id: harness.customerID)
            try require(customer.id == harness.customerID, "customer id \(customer.id)")
            try require(!customer.name.isEmpty, "empty customer name")
        },
        BillingCheck("invoices page through more than one page") { harness in
            let provider = harness.provider
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await provider.invoices(customerID: harness.customerID, page: PageRequest(cursor: cursor, limit: harness.invoicePageSize))
                pages += 1
                try require(page.items.count <= harness.invoicePageSize, "page of \(page.items.count) > limit \(harness.invoicePageSize)")
                try require(page.items.allSatisfy { $0.customerID == harness.customerID }, "an invoice of another customer")
                seen += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil && pages < 100
            try require(pages > 1, "only \(pages) page(s)")
            try require(seen.count == harness.expectedInvoiceCount, "\(seen.count) invoices, expected \(harness.expectedInvoiceCount)")
            try require(Set(seen).count == seen.count, "an invoice appeared twice across pages")
        },
        BillingCheck("invoice by id equals the listed one") { harness in
            let provider = harness.provider
            let page = try await provider.invoices(customerID: harness.customerID, page: PageRequest(limit: 1))
            guard let listed = page.items.first else { throw ConformanceFailure("no invoice listed") }
            let fetched = try await provider.invoice(id: listed.id)
            try require(fetched.id == listed.id && fetched.total == listed.total && fetched.status == listed.status, "fetched differs from listed")
        },
        BillingCheck("unknown customer and invoice are notFound") { harness in
            try await expectProviderError(.notFound) { try await harness.provider.customer(id: harness.unknownCustomerID) }
            try await expectProviderError(.notFound) { try await harness.provider.invoice(id: harness.unknownInvoiceID) }
        },
        BillingCheck("bad credentials are unauthorized") { harness in
            let provider = harness.make(ProviderSetup(validCredentials: false))
            try await expectProviderError(.unauthorized) { try await provider.customer(id: harness.customerID) }
        },
        BillingCheck("subscriptions and payment methods load") { harness in
            let subscriptions = try await harness.provider.subscriptions(customerID: harness.customerID)
            try require(!subscriptions.isEmpty, "no subscriptions for the seeded customer")
            try require(subscriptions.allSatisfy { $0.customerID == harness.customerID }, "a subscription of another customer")
            let methods = try await harness.provider.paymentMethods(customerID: harness.customerID)
            try require(methods.allSatisfy { $0.last4 == nil || $0.last4?.count == 4 }, "unmasked payment method")
        },
        BillingCheck("createOrder replays by idempotency key") { harness in
            let provider = harness.provider
            let key = "conformance-\(UInt64.random(in: 1...UInt64.max))"
            let request = try BillingOrderRequest(customerID: harness.customerID, lines: harness.orderLines, idempotencyKey: key)
            let first = try await provider.createOrder(request)
            let replay = try await provider.createOrder(request)
            try require(first.id == replay.id, "replay created another order: \(first.id) vs \(replay.id)")
            let other = try await provider.createOrder(
                BillingOrderRequest(customerID: harness.customerID, lines: harness.orderLines, idempotencyKey: key + "-other")
            )
            try require(other.id != first.id, "a different key returned the same order")
        },
        BillingCheck("createOrder survives a 503 without creating twice") { harness in
            let provider = harness.provider
            let key = "conformance-\(UInt64.random(in: 1...UInt64.max))"
            let request = try BillingOrderRequest(customerID: harness.customerID, lines: harness.orderLines, idempotencyKey: key)
            harness.control.inject(harness.createOrderOperation, .status(503, body: nil), times: 1)
            let first = try await provider.createOrder(request)
            let replay = try await provider.createOrder(request)
            try require(first.id == replay.id, "the retried create made a second order")
        },
        BillingCheck("order activates and cancels") { harness in
            let provider = harness.provider
            let key = "conformance-\(UInt64.random(in: 1...UInt64.max))"
            let order = try await provider.createOrder(
                BillingOrderRequest(customerID: harness.customerID, lines: harness.orderLines, idempotencyKey: key)
            )
            let active = try await provider.activateOrder(id: order.id, idempotencyKey: key + ":activate")
            try require(active.status == .active, "activated order is \(active.status)")
            let again = try await provider.activateOrder(id: order.id, idempotencyKey: key + ":activate")
            try require(again.status == .active, "a replayed activation gave \(again.status)")
            let cancelled = try await provider.cancelOrder(id: order.id, idempotencyKey: key + ":cancel")
            try require(cancelled.status == .cancelled, "cancelled order is \(cancelled.status)")
        },
    ]
}
