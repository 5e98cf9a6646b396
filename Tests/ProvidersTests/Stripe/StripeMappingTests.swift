import Domain
import Foundation
import Providers
import Sandbox
import Testing

/// Every payload in `fixtures/upstream/stripe/` decoded with the raw types and mapped to Domain: field by field
/// for one file per resource, each `derived/broken_*.json` rejected at its exact JSON path, each error body
/// mapped to its ``ProviderError`` code.
@Suite("Stripe mapping")
struct StripeMappingTests {
    static func data(_ name: String) throws -> Data { try SandboxFixtures.data("stripe/" + name) }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try ProviderError.decode(T.self, from: data(name), provider: .stripe)
    }

    static func date(_ unix: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(unix)) }

    static func usd(_ minorUnits: Int64) throws -> Money { Money(minorUnits: minorUnits, currency: try Currency("USD")) }

    /// Maps an invoice list the way the adapter maps a page (lines beyond the embedded ones are not fetched here).
    static func invoices(_ list: StripeList<StripeInvoice>) throws -> [Invoice] {
        try list.data.enumerated().map { index, invoice in try Invoice(stripe: invoice, path: "$.data[\(index)]") }
    }

    // MARK: Every file maps

    /// How each fixture that is neither broken, nor an error body, nor the signature vector maps.
    static let mappers: [String: @Sendable (Data) throws -> Void] = [
        "customer.json": {
            _ = try BillingCustomer(stripe: try ProviderError.decode(StripeCustomerResult.self, from: $0, provider: .stripe))
        },
        "invoice.json": { _ = try Invoice(stripe: try ProviderError.decode(StripeInvoice.self, from: $0, provider: .stripe)) },
        "invoiceitem.json": { _ = try InvoiceLine(stripe: try ProviderError.decode(StripeInvoiceItem.self, from: $0, provider: .stripe)) },
        "subscription.json": {
            _ = try Subscription(stripe: try ProviderError.decode(StripeSubscription.self, from: $0, provider: .stripe))
        },
        "payment_method.json": {
            _ = try PaymentMethod(stripe: try ProviderError.decode(StripePaymentMethod.self, from: $0, provider: .stripe), defaultID: nil)
        },
        "price.json": { _ = try PricePlan(stripe: try ProviderError.decode(StripePrice.self, from: $0, provider: .stripe)) },
        "product.json": {
            let product = try ProviderError.decode(StripeProduct.self, from: $0, provider: .stripe)
            _ = try CatalogItem(stripe: product, prices: [try StripeMappingTests.decode(StripePrice.self, "price.json")])
        },
        "refund.json": { _ = try Refund(stripe: try ProviderError.decode(StripeRefund.self, from: $0, provider: .stripe)) },
        "event.json": {
            _ = try PricePlan(stripePlan: try ProviderError.decode(StripeEvent<StripePlan>.self, from: $0, provider: .stripe).data.object)
        },
        "deleted_customer.json": { data in
            let result = try ProviderError.decode(StripeCustomerResult.self, from: data, provider: .stripe)
            #expect(throws: ProviderError.self) { try BillingCustomer(stripe: result) }
        },
        "derived/list_customers.json": {
            _ = try ProviderError.decode(StripeList<StripeCustomer>.self, from: $0, provider: .stripe).data.map {
                try BillingCustomer(stripe: $0)
            }
        },
        "derived/list_invoices_has_more.json": {
            _ = try StripeMappingTests.invoices(try ProviderError.decode(StripeList<StripeInvoice>.self, from: $0, provider: .stripe))
        },
        "derived/invoice_with_taxes.json": {
            _ = try Invoice(stripe: try ProviderError.decode(StripeInvoice.self, from: $0, provider: .stripe))
        },
        "derived/list_invoice_payments.json": { data in
            let list = try ProviderError.decode(StripeList<StripeInvoicePayment>.self, from: data, provider: .stripe)
            #expect(list.data.first?.payment.paymentIntent?.id == "pi_1PgafyB7WZ01zgkWSjxsAJo3")
        },
        "derived/customer_balance_transaction.json": {
            _ = try Refund(stripeCredit: try ProviderError.decode(StripeCustomerBalanceTransaction.self, from: $0, provider: .stripe))
        },
    ]

    @Test(arguments: mappers.keys.sorted())
    func fileMaps(_ name: String) throws {
        let map = try #require(Self.mappers[name])
        try map(try Self.data(name))
    }

    /// A fixture added without a mapping (or a broken case, or an error case) fails here.
    @Test func everyFixtureIsCovered() throws {
        let root = SandboxFixtures.directory.appendingPathComponent("stripe")
        let names = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".json") }
        let covered = Set(Self.mappers.keys).union(Self.broken.map { "derived/" + $0.file }).union(Self.errors.map { "derived/" + $0.file })
            .union(["derived/webhook_signature_vector.json"])
        #expect(Set(names).subtracting(covered).isEmpty, "not mapped by any test: \(Set(names).subtracting(covered).sorted())")
        #expect(covered.subtracting(names).isEmpty, "tested but missing: \(covered.subtracting(names).sorted())")
    }

    // MARK: Field by field

    @Test func customer() throws {
        let customer = try BillingCustomer(stripe: try Self.decode(StripeCustomerResult.self, "customer.json"))
        #expect(customer.id == "cus_QXg1o8vcGmoR32")
        #expect(customer.email == nil)
        // No name and no e-mail address: the id stands in.
        #expect(customer.name == "cus_QXg1o8vcGmoR32")
        #expect(customer.company == nil)
        #expect(customer.phone == nil)
        #expect(customer.address == nil)
        #expect(customer.currency == (try Currency("USD")))
        #expect(customer.balance == (try Self.usd(0)))
        #expect(customer.createdAt == Self.date(1_234_567_890))
    }

    @Test func deletedCustomerIsNotFound() throws {
        let result = try Self.decode(StripeCustomerResult.self, "deleted_customer.json")
        let error = try #require(throws: ProviderError.self) { try BillingCustomer(stripe: result) }
        #expect(error.code == .notFound)
    }

    @Test func invoice() throws {
        let invoice = try Invoice(stripe: try Self.decode(StripeInvoice.self, "invoice.json"))
        #expect(invoice.id == "in_1Pgc6tB7WZ01zgkWu9fdqL6I")
        #expect(invoice.number == nil)
        #expect(invoice.customerID == "cus_QXg1o8vcGmoR32")
        #expect(invoice.status == .draft)
        #expect(invoice.currency == (try Currency("USD")))
        #expect(
            invoice.lines == [
                InvoiceLine(description: "My First Invoice Item (created for API docs)", quantity: 1, amount: try Self.usd(1000))
            ]
        )
        #expect(invoice.taxes.isEmpty)
        #expect(invoice.subtotal == (try Self.usd(1000)))
        #expect(invoice.tax == (try Self.usd(0)))
        #expect(invoice.total == (try Self.usd(1000)))
        #expect(invoice.amountPaid == (try Self.usd(0)))
        #expect(invoice.amountDue == (try Self.usd(1000)))
        #expect(invoice.issuedAt == Self.date(1_234_567_890))
        #expect(invoice.dueAt == Self.date(1_234_567_890))
        #expect(invoice.paidAt == nil)
    }

    @Test func invoiceTaxesAndUnitAmounts() throws {
        let invoice = try Invoice(stripe: try Self.decode(StripeInvoice.self, "derived/invoice_with_taxes.json"))
        #expect(invoice.status == .paid)
        #expect(invoice.number == "7FE1103-0002")
        #expect(invoice.lines.count == 2)
        #expect(invoice.lines.first?.quantity == 2)
        #expect(invoice.lines.first?.unitAmount == (try Self.usd(500)))
        #expect(invoice.lines.first?.amount == (try Self.usd(1000)))
        #expect(invoice.lines.first?.taxAmount == (try Self.usd(190)))
        // Half a cent per unit cannot be Money: the unit amount is left out, the line total kept.
        #expect(invoice.lines.last?.unitAmount == nil)
        #expect(invoice.lines.last?.amount == (try Self.usd(2)))
        #expect(invoice.lines.last?.taxAmount == nil)
        #expect(
            invoice.taxes == [
                InvoiceTax(name: "VAT", rateBasisPoints: 1900, amount: try Self.usd(190)),
                InvoiceTax(name: "Sales tax", rateBasisPoints: 825, amount: try Self.usd(0)),
                InvoiceTax(name: "txr_1PgaxKB7WZ01zgkWNotExpand", amount: try Self.usd(0)),
            ]
        )
        #expect(invoice.subtotal == (try Self.usd(1002)))
        #expect(invoice.tax == (try Self.usd(190)))
        #expect(invoice.total == (try Self.usd(1192)))
        #expect(invoice.amountPaid == (try Self.usd(1192)))
        #expect(invoice.issuedAt == Self.date(1_234_567_900))
        #expect(invoice.dueAt == nil)
        #expect(invoice.paidAt == Self.date(1_234_568_000))
    }

    @Test func subscription() throws {
        let raw = try Self.decode(StripeSubscription.self, "subscription.json")
        let product = try Self.decode(StripeProduct.self, "product.json")
        let subscription = try Subscription(stripe: raw, products: [product.id: product])
        #expect(subscription.id == "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
        #expect(subscription.customerID == "cus_QXg1o8vcGmoR32")
        #expect(subscription.productName == "T-shirt")
        #expect(subscription.productID == "prod_QXg1hqf4jFNsqG")
        #expect(subscription.status == .active)
        #expect(subscription.interval == .monthly)
        #expect(subscription.recurringAmount == (try Self.usd(2000)))
        #expect(subscription.quantity == 1)
        #expect(subscription.startedAt == Self.date(1_234_567_890))
        // Since 2025-03-31.basil the period is the item's.
        #expect(subscription.currentPeriodEnd == Self.date(976_287_773))
        // Set to end at the period's end: nothing more is due.
        #expect(subscription.nextDueAt == nil)
        #expect(subscription.cancelAtPeriodEnd)
        #expect(subscription.label == nil)
        // Without the product, the id names it (the price has no nickname).
        #expect(try Subscription(stripe: raw).productName == "prod_QXg1hqf4jFNsqG")
        let order = try BillingOrder(stripe: raw)
        #expect(
            order
                == BillingOrder(
                    id: "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", status: .active, invoiceID: nil, subscriptionIDs: ["sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"]))
    }

    @Test func paymentMethod() throws {
        let raw = try Self.decode(StripePaymentMethod.self, "payment_method.json")
        let method = try PaymentMethod(stripe: raw, defaultID: nil)
        #expect(method.id == "pm_1Pgc75B7WZ01zgkWlHVgdEGJ")
        #expect(method.kind == .card)
        #expect(method.brand == "visa")
        #expect(method.last4 == "4242")
        #expect(method.expiryMonth == 8)
        #expect(method.expiryYear == 2030)
        #expect(!method.isDefault)
        #expect(try PaymentMethod(stripe: raw, defaultID: "pm_1Pgc75B7WZ01zgkWlHVgdEGJ").isDefault)
    }

    @Test func refundAndCredit() throws {
        let refund = try Refund(stripe: try Self.decode(StripeRefund.self, "refund.json"))
        #expect(refund == Refund(id: "re_1Pgc72B7WZ01zgkWqPvrRrPE", amount: try Self.usd(100), status: .succeeded))
        let credit = try Refund(
            stripeCredit: try Self.decode(StripeCustomerBalanceTransaction.self, "derived/customer_balance_transaction.json"))
        #expect(credit == Refund(id: "cbtxn_1Pgc7BB7WZ01zgkW00000001", amount: try Self.usd(500), status: .succeeded))
    }

    @Test func priceProductAndPlan() throws {
        let price = try Self.decode(StripePrice.self, "price.json")
        #expect(
            try PricePlan(stripe: price, productName: "T-shirt")
                == PricePlan(id: "price_1PgafmB7WZ01zgkW6dKueIc5", name: "T-shirt", amount: try Self.usd(2000), interval: .monthly)
        )
        let item = try CatalogItem(stripe: try Self.decode(StripeProduct.self, "product.json"), prices: [price])
        #expect(item.sku.value == "prod_QXg1hqf4jFNsqG")
        #expect(item.name == "T-shirt")
        #expect(item.description == "Comfortable gray cotton t-shirt")
        #expect(item.kind == .subscription)
        #expect(item.pricePlans.map(\.id) == ["price_1PgafmB7WZ01zgkW6dKueIc5"])
        #expect(item.stock == StockLevel(availability: .notApplicable))
        #expect(item.isActive)
        #expect(item.links[.stripe] == "prod_QXg1hqf4jFNsqG")
        let event = try Self.decode(StripeEvent<StripePlan>.self, "event.json")
        #expect(event.type == "plan.created")
        #expect(
            try PricePlan(stripePlan: event.data.object)
                == PricePlan(
                    id: "price_1PgafmB7WZ01zgkW6dKueIc5", name: "prod_QXg1hqf4jFNsqG", amount: try Self.usd(2000), interval: .monthly)
        )
        let item2 = try InvoiceLine(stripe: try Self.decode(StripeInvoiceItem.self, "invoiceitem.json"))
        #expect(item2 == InvoiceLine(description: "My First Invoice Item (created for API docs)", quantity: 1, amount: try Self.usd(1000)))
    }

    // MARK: Broken payloads

    enum Kind: String, Sendable { case customer, invoice, invoiceList, subscription, paymentMethod, refund, price }

    struct BrokenCase: Sendable, CustomTestStringConvertible {
        let file: String
        let kind: Kind
        let path: String
        var testDescription: String { file }
    }

    static let broken: [BrokenCase] = [
        BrokenCase(file: "broken_customer_email.json", kind: .customer, path: "$.email"),
        BrokenCase(file: "broken_customer_missing_id.json", kind: .customer, path: "$.id"),
        BrokenCase(file: "broken_invoice_missing_amount_due.json", kind: .invoice, path: "$.amount_due"),
        BrokenCase(file: "broken_invoice_total_string.json", kind: .invoice, path: "$.total"),
        BrokenCase(file: "broken_invoice_unknown_status.json", kind: .invoice, path: "$.status"),
        BrokenCase(file: "broken_invoice_line_amount_null.json", kind: .invoice, path: "$.lines.data[0].amount"),
        BrokenCase(file: "broken_invoice_unit_amount_decimal.json", kind: .invoice, path: "$.lines.data[0].pricing.unit_amount_decimal"),
        BrokenCase(file: "broken_invoice_currency.json", kind: .invoice, path: "$.currency"),
        BrokenCase(file: "broken_list_invoices_amount_due_string.json", kind: .invoiceList, path: "$.data[1].amount_due"),
        BrokenCase(file: "broken_list_invoices_unknown_status.json", kind: .invoiceList, path: "$.data[1].status"),
        BrokenCase(file: "broken_subscription_unknown_status.json", kind: .subscription, path: "$.status"),
        BrokenCase(file: "broken_subscription_daily_interval.json", kind: .subscription, path: "$.items.data[0].price.recurring.interval"),
        BrokenCase(file: "broken_subscription_no_items.json", kind: .subscription, path: "$.items.data"),
        BrokenCase(file: "broken_subscription_fractional_unit_amount.json", kind: .subscription, path: "$.items.data[0].price.unit_amount"),
        BrokenCase(file: "broken_payment_method_card_missing.json", kind: .paymentMethod, path: "$.card"),
        BrokenCase(file: "broken_payment_method_last4.json", kind: .paymentMethod, path: "$.card.last4"),
        BrokenCase(file: "broken_payment_method_exp_month.json", kind: .paymentMethod, path: "$.card.exp_month"),
        BrokenCase(file: "broken_refund_unknown_status.json", kind: .refund, path: "$.status"),
        BrokenCase(file: "broken_refund_amount_string.json", kind: .refund, path: "$.amount"),
        BrokenCase(file: "broken_price_unit_amount_string.json", kind: .price, path: "$.unit_amount"),
    ]

    static func map(_ kind: Kind, _ data: Data) throws(ProviderError) {
        switch kind {
        case .customer: _ = try BillingCustomer(stripe: try ProviderError.decode(StripeCustomerResult.self, from: data, provider: .stripe))
        case .invoice: _ = try Invoice(stripe: try ProviderError.decode(StripeInvoice.self, from: data, provider: .stripe))
        case .invoiceList:
            let list = try ProviderError.decode(StripeList<StripeInvoice>.self, from: data, provider: .stripe)
            for (index, invoice) in list.data.enumerated() { _ = try Invoice(stripe: invoice, path: "$.data[\(index)]") }
        case .subscription: _ = try Subscription(stripe: try ProviderError.decode(StripeSubscription.self, from: data, provider: .stripe))
        case .paymentMethod:
            _ = try PaymentMethod(stripe: try ProviderError.decode(StripePaymentMethod.self, from: data, provider: .stripe), defaultID: nil)
        case .refund: _ = try Refund(stripe: try ProviderError.decode(StripeRefund.self, from: data, provider: .stripe))
        case .price: _ = try PricePlan(stripe: try ProviderError.decode(StripePrice.self, from: data, provider: .stripe))
        }
    }

    @Test(arguments: broken)
    func brokenPayloadIsInvalidAtItsPath(_ broken: BrokenCase) throws {
        let data = try Self.data("derived/" + broken.file)
        let error = try #require(throws: ProviderError.self) { try Self.map(broken.kind, data) }
        #expect(error.code == .invalidPayload)
        #expect(error.provider == .stripe)
        #expect(error.path == broken.path)
    }

    // MARK: Error bodies

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let file: String
        let status: Int
        let code: ProviderError.Code
        let upstreamCode: String
        var testDescription: String { "\(file) (\(status))" }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(file: "error_card_declined.json", status: 402, code: .rejected, upstreamCode: "card_declined"),
        ErrorCase(file: "error_idempotency_mismatch.json", status: 400, code: .conflict, upstreamCode: "idempotency_error"),
        ErrorCase(file: "error_rate_limit.json", status: 429, code: .rateLimited, upstreamCode: "rate_limit"),
        ErrorCase(file: "error_resource_missing.json", status: 404, code: .notFound, upstreamCode: "resource_missing"),
    ]

    @Test(arguments: errors)
    func errorBodyMapsToItsCode(_ error: ErrorCase) throws {
        let mapped = ProviderError.stripe(status: error.status, body: try Self.data("derived/" + error.file), retryAfter: .seconds(2))
        #expect(mapped.code == error.code)
        #expect(mapped.upstreamCode == error.upstreamCode)
        #expect(mapped.upstreamStatus == error.status)
        #expect(mapped.retryAfter == (error.code == .rateLimited ? .seconds(2) : nil))
        // The human message may quote ids or values: never in the detail.
        let message = try #require(try Self.decode(StripeErrorBody.self, "derived/" + error.file).error.message)
        #expect(!mapped.detail.contains(message))
    }

    @Test func errorCodesByStatus() throws {
        let missing = try Self.data("derived/error_resource_missing.json")
        // A missing object named by a parameter comes as 400, still resource_missing.
        #expect(ProviderError.stripe(status: 400, body: missing).code == .notFound)
        let generic = Data(#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****"}}"#.utf8)
        #expect(ProviderError.stripe(status: 401, body: generic).code == .unauthorized)
        #expect(ProviderError.stripe(status: 403, body: generic).code == .unauthorized)
        #expect(ProviderError.stripe(status: 409, body: generic).code == .conflict)
        #expect(ProviderError.stripe(status: 400, body: generic).code == .rejected)
        #expect(ProviderError.stripe(status: 500, body: Data("<html>".utf8)).code == .unavailable)
        #expect(ProviderError.stripe(status: 402, body: Data()).code == .rejected)
    }
}
