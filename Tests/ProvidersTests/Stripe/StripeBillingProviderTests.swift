import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// What ``StripeBillingProvider`` does beyond the shared suite, against the sandbox over real HTTP: order
/// activation and cancellation, declines, refunds and credits, deleted customers, invoices with paged lines.
@Suite("Stripe billing provider")
struct StripeBillingProviderTests {
    static func eur(_ minorUnits: Int64) throws -> Money { Money(minorUnits: minorUnits, currency: try Currency("EUR")) }

    static func order(_ customer: String, _ price: String, key: String, paymentMethod: String? = nil) throws -> BillingOrderRequest {
        try BillingOrderRequest(
            customerID: customer, lines: [BillingOrderRequest.Line(productID: price, quantity: Quantity(1))], paymentMethod: paymentMethod,
            idempotencyKey: key
        )
    }

    @Test func activationPaysTheFirstInvoiceAndCancellationVoidsAnUnpaidOne() async throws {
        try await StripeConformanceTests.withSandbox { sandbox, _, harness in
            let provider = harness.provider
            let order = try await provider.createOrder(
                try Self.order(StripeSandbox.bobCustomerID, StripeSandbox.fibre1000PriceID, key: "o-1"))
            #expect(order.status == .pending)
            #expect(order.subscriptionIDs == [order.id])
            let invoiceID = try #require(order.invoiceID)
            #expect(try await provider.invoice(id: invoiceID).status == .open)
            let active = try await provider.activateOrder(id: order.id, idempotencyKey: "o-1:activate")
            #expect(active.status == .active)
            let invoice = try await provider.invoice(id: invoiceID)
            #expect(invoice.status == .paid)
            #expect(invoice.amountPaid == (try Self.eur(4990)))
            #expect(invoice.lines.first?.unitAmount == (try Self.eur(4990)))
            // Cancelling a paid order keeps its invoice paid (refunding is a separate step).
            #expect(try await provider.cancelOrder(id: order.id, idempotencyKey: "o-1:cancel").status == .cancelled)
            #expect(try await provider.invoice(id: invoiceID).status == .paid)

            let pending = try await provider.createOrder(
                try Self.order(StripeSandbox.bobCustomerID, StripeSandbox.staticIPPriceID, key: "o-2"))
            let cancelled = try await provider.cancelOrder(id: pending.id, idempotencyKey: "o-2:cancel")
            #expect(cancelled.status == .cancelled)
            #expect(try await provider.invoice(id: try #require(pending.invoiceID)).status == .void)
            // A replayed compensation succeeds and changes nothing.
            #expect(try await provider.cancelOrder(id: pending.id, idempotencyKey: "o-2:cancel").status == .cancelled)
            #expect(sandbox.control.callCount("POST /v1/invoices/{id}/void") == 1)
            await #expect(throws: ProviderError.self) { try await provider.activateOrder(id: pending.id, idempotencyKey: "o-2:activate") }
        }
    }

    @Test func aDeclinedCardIsRejected() async throws {
        try await StripeConformanceTests.withSandbox { _, _, harness in
            let provider = harness.provider
            let order = try await provider.createOrder(
                try Self.order(
                    StripeSandbox.bobCustomerID, StripeSandbox.mobile10GBPriceID, key: "d-1",
                    paymentMethod: StripeSandbox.decliningPaymentMethodID)
            )
            let error = try await expectProviderError(.rejected) {
                try await provider.activateOrder(id: order.id, idempotencyKey: "d-1:activate")
            }
            #expect(error.upstreamStatus == 402)
            #expect(error.upstreamCode == "card_declined")
            #expect(try await provider.invoice(id: try #require(order.invoiceID)).status == .open)
        }
    }

    @Test func refundsAPaidInvoiceOnceAndCreditsWithoutOne() async throws {
        try await StripeConformanceTests.withSandbox { _, _, harness in
            let provider = harness.provider
            let alice = StripeSandbox.aliceCustomerID
            let page = try await provider.invoices(customerID: alice, page: PageRequest(limit: 10))
            let paid = try #require(page.items.first { $0.status == .paid })
            let request = try RefundRequest(
                customerID: alice, invoiceID: paid.id, amount: (try Self.eur(500)), reason: "outage", idempotencyKey: "r-1"
            )
            let refund = try await provider.refund(request)
            #expect(refund.amount == (try Self.eur(500)))
            #expect(refund.status == .succeeded)
            #expect(try await provider.refund(request).id == refund.id)
            let tooMuch = try RefundRequest(
                customerID: alice, invoiceID: paid.id, amount: paid.total, idempotencyKey: "r-2"
            )
            let error = try await expectProviderError(.rejected) { try await provider.refund(tooMuch) }
            #expect(error.upstreamCode == "amount_too_large")
            let notBobs = try RefundRequest(
                customerID: StripeSandbox.bobCustomerID, invoiceID: paid.id, amount: (try Self.eur(1)), idempotencyKey: "r-3"
            )
            try await expectProviderError(.notFound) { try await provider.refund(notBobs) }

            let before = try await provider.customer(id: alice).balance
            let credit = try await provider.refund(
                RefundRequest(customerID: alice, invoiceID: nil, amount: (try Self.eur(250)), idempotencyKey: "c-1")
            )
            #expect(credit.amount == (try Self.eur(250)))
            #expect(credit.id.hasPrefix("cbtxn_"))
            let after = try await provider.customer(id: alice).balance
            #expect(before == (try Self.eur(-500)))
            #expect(after == (try Self.eur(-750)))
        }
    }

    @Test func deletedAndUnknownCustomersAreNotFound() async throws {
        try await StripeConformanceTests.withSandbox { _, _, harness in
            let provider = harness.provider
            try await expectProviderError(.notFound) { try await provider.customer(id: StripeSandbox.deletedCustomerID) }
            try await expectProviderError(.notFound) { try await provider.paymentMethods(customerID: StripeSandbox.deletedCustomerID) }
            try await expectProviderError(.notFound) {
                try await provider.invoices(customerID: "cus_Unknown000000001", page: PageRequest())
            }
            try await expectProviderError(.notFound) { try await provider.subscriptions(customerID: "cus_Unknown000000001") }
        }
    }

    @Test func seededAccountsMapInFull() async throws {
        try await StripeConformanceTests.withSandbox { sandbox, _, harness in
            let provider = harness.provider
            let alice = try await provider.customer(id: StripeSandbox.aliceCustomerID)
            #expect(alice.name == "Alice Demo")
            #expect(alice.email?.value == "alice@demo.atrium.test")
            #expect(alice.address?.city == "Berlin")
            var invoices: [Invoice] = []
            var cursor: String?
            repeat {
                let page = try await provider.invoices(customerID: alice.id, page: PageRequest(cursor: cursor, limit: 7))
                invoices += page.items
                cursor = page.nextCursor
            } while cursor != nil
            #expect(invoices.count == StripeSandbox.aliceInvoiceCount)
            #expect(invoices.map(\.issuedAt) == invoices.map(\.issuedAt).sorted { ($0 ?? .distantPast) > ($1 ?? .distantPast) })
            #expect(Set(invoices.map(\.status)) == [.draft, .open, .paid, .void, .uncollectible])
            // The roaming invoice has 12 lines; Stripe embeds 10, the rest come from /lines.
            let roaming = try #require(invoices.first { $0.lines.count > 10 })
            #expect(roaming.lines.count == 12)
            #expect(sandbox.control.callCount("GET /v1/invoices/{id}/lines") >= 1)
            let fibre = try #require(invoices.first { $0.lines.first?.description.contains("Fibre 100") == true && $0.status == .paid })
            #expect(fibre.subtotal == (try Self.eur(2990)))
            #expect(fibre.tax == (try Self.eur(568)))
            #expect(fibre.total == (try Self.eur(3558)))
            #expect(fibre.taxes == [InvoiceTax(name: "VAT", rateBasisPoints: 1900, amount: (try Self.eur(568)))])

            let subscriptions = try await provider.subscriptions(customerID: alice.id)
            #expect(Set(subscriptions.map(\.productName)) == ["Fibre 100", "Mobile 10 GB", "Static IP"])
            #expect(subscriptions.filter { $0.status == .active }.count == 2)
            let mobile = try #require(subscriptions.first { $0.productName == "Mobile 10 GB" })
            #expect(mobile.quantity == 2)
            #expect(mobile.recurringAmount == (try Self.eur(2400)))
            #expect(mobile.interval == .monthly)

            let methods = try await provider.paymentMethods(customerID: alice.id)
            #expect(Set(methods.compactMap(\.last4)) == ["4242", "4444"])
            #expect(methods.filter(\.isDefault).map(\.last4) == ["4242"])
        }
    }
}
