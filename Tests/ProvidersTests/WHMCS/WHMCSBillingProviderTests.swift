import Domain
import Foundation
import ProviderConformance
import Providers
import Sandbox
import Testing

/// What the conformance suite does not cover: WHMCS-specific replays, refunds and credits, and the seeded data
/// read end to end.
@Suite struct WHMCSBillingProviderTests {
    static func key() -> String { "test-\(UInt64.random(in: 1...UInt64.max))" }

    static func usd(_ cents: Int64) throws -> Money { Money(minorUnits: cents, currency: try Currency("USD")) }

    // MARK: Reads

    @Test func aliceReadsEndToEnd() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let alice = try await provider.customer(id: WHMCSSandbox.aliceClientID)
            #expect(alice.name == "Alice Demo")
            #expect(alice.email?.value == "alice@demo.atrium.test")
            #expect(alice.currency?.code == "USD")
            let first = try await provider.invoices(customerID: WHMCSSandbox.aliceClientID, page: PageRequest(limit: 25))
            #expect(first.items.count == 25)
            #expect(first.nextCursor == "25")
            let ids = first.items.compactMap { Int($0.id) }
            #expect(ids == ids.sorted(by: >), "newest first")
            #expect(first.items.first?.status == .open)
            let rest = try await provider.invoices(customerID: WHMCSSandbox.aliceClientID, page: PageRequest(cursor: first.nextCursor, limit: 25))
            #expect(rest.items.count == 3)
            #expect(rest.nextCursor == nil)
            let newest = try await provider.invoice(id: try #require(first.items.first?.id))
            #expect(newest.lines.count == 2)
            #expect(newest.taxes.first?.rateBasisPoints == 1000)
            #expect(newest.amountDue == newest.total)
            let services = try await provider.subscriptions(customerID: WHMCSSandbox.aliceClientID)
            #expect(services.map(\.status) == [.active, .terminated, .active])
            #expect(services.first?.recurringAmount == (try Self.usd(1900)))
            let methods = try await provider.paymentMethods(customerID: WHMCSSandbox.aliceClientID)
            #expect(methods.map(\.kind) == [.card, .bankAccount])
            #expect(methods.first?.last4 == "4242" && methods.first?.isDefault == true)
        }
    }

    @Test func bobIsBilledInEuros() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let page = try await provider.invoices(customerID: WHMCSSandbox.bobClientID, page: PageRequest(limit: 10))
            #expect(page.items.count == 4)
            #expect(page.items.allSatisfy { $0.currency.code == "EUR" })
            let invoice = try await provider.invoice(id: try #require(page.items.first?.id))
            #expect(invoice.currency.code == "EUR")
            #expect(invoice.taxes.first?.rateBasisPoints == 2100)
            #expect(try await provider.subscriptions(customerID: WHMCSSandbox.bobClientID).count == 1)
        }
    }

    @Test func aBadCursorIsRejectedWithoutACall() async throws {
        try await WHMCSTestEnvironment.run { environment in
            try await expectProviderError(.rejected) {
                try await environment.provider().invoices(customerID: WHMCSSandbox.aliceClientID, page: PageRequest(cursor: "abc"))
            }
            #expect(environment.server.control.callCount("GetInvoices") == 0)
        }
    }

    // MARK: Orders

    @Test func anAddOrderThatTimesOutIsLookedUpBeforeItIsSentAgain() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let control = environment.server.control
            let provider = environment.provider(ProviderSetup { $0.deadline = .milliseconds(500) })
            let key = Self.key()
            let request = try BillingOrderRequest(customerID: WHMCSSandbox.aliceClientID, lines: WHMCSTestEnvironment.orderLines, idempotencyKey: key)
            control.inject("AddOrder", .hang, times: 1)
            let order = try await provider.createOrder(request)
            #expect(control.callCount("AddOrder") == 2)
            // Looked up before the first AddOrder and again before the second.
            #expect(control.callCount("GetOrders") == 2)
            let replay = try await provider.createOrder(request)
            #expect(replay.id == order.id)
            #expect(control.callCount("AddOrder") == 2)
            #expect(order.status == .pending && order.subscriptionIDs.count == 2 && order.invoiceID != nil)
        }
    }

    @Test func createOrderGivesUpAfterThreeUnavailableAttempts() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let control = environment.server.control
            control.inject("AddOrder", .status(503, body: nil))
            let request = try BillingOrderRequest(customerID: WHMCSSandbox.aliceClientID, lines: WHMCSTestEnvironment.orderLines, idempotencyKey: Self.key())
            try await expectProviderError(.unavailable) { try await environment.provider().createOrder(request) }
            #expect(control.callCount("AddOrder") == 3)
        }
    }

    @Test func ordersAreCheckedAgainstTheProduct() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let one = try Quantity(1)
            for line in [
                BillingOrderRequest.Line(productID: "999", quantity: one),
                BillingOrderRequest.Line(productID: WHMCSSandbox.mobilePlanPID, quantity: one, interval: .weekly),
                BillingOrderRequest.Line(productID: WHMCSSandbox.hostingPID, quantity: one, interval: .annually),
                BillingOrderRequest.Line(productID: WHMCSSandbox.simStarterKitPID, quantity: one, interval: .monthly),
            ] {
                let request = try BillingOrderRequest(customerID: WHMCSSandbox.aliceClientID, lines: [line], idempotencyKey: Self.key())
                try await expectProviderError(.rejected) { try await provider.createOrder(request) }
            }
            #expect(environment.server.control.callCount("AddOrder") == 0)
            let unknown = try BillingOrderRequest(customerID: "999999", lines: WHMCSTestEnvironment.orderLines, idempotencyKey: Self.key())
            try await expectProviderError(.notFound) { try await provider.createOrder(unknown) }
        }
    }

    @Test func bobsOrderFallsBackToTheFirstGatewayAndCancelsFromPending() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let request = try BillingOrderRequest(customerID: WHMCSSandbox.bobClientID, lines: WHMCSTestEnvironment.orderLines, idempotencyKey: Self.key())
            let order = try await provider.createOrder(request)
            #expect(environment.server.control.callCount("GetPaymentMethods") == 1)
            let cancelled = try await provider.cancelOrder(id: order.id, idempotencyKey: Self.key())
            #expect(cancelled.status == .cancelled)
            #expect(environment.server.control.callCount("PendingOrder") == 0)
            let again = try await provider.cancelOrder(id: order.id, idempotencyKey: Self.key())
            #expect(again == cancelled)
            try await expectProviderError(.conflict) { try await provider.activateOrder(id: order.id, idempotencyKey: Self.key()) }
            try await expectProviderError(.notFound) { try await provider.activateOrder(id: "999999", idempotencyKey: Self.key()) }
            let subscriptions = try await provider.subscriptions(customerID: WHMCSSandbox.bobClientID)
            #expect(subscriptions.filter { order.subscriptionIDs.contains($0.id) }.allSatisfy { $0.status == .cancelled })
        }
    }

    // MARK: Refunds and credits

    @Test func anInvoiceRefundIsRecordedOnce() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let page = try await provider.invoices(customerID: WHMCSSandbox.aliceClientID, page: PageRequest(limit: 25))
            let paid = try #require(page.items.first { $0.status == .paid })
            let request = try RefundRequest(
                customerID: WHMCSSandbox.aliceClientID, invoiceID: paid.id, amount: paid.total, reason: "goodwill", idempotencyKey: Self.key()
            )
            let refund = try await provider.refund(request)
            #expect(refund.amount == paid.total && refund.status == .succeeded && refund.id.hasPrefix("transaction:"))
            #expect(try await provider.refund(request) == refund)
            #expect(environment.server.control.callCount("AddTransaction") == 1)
            #expect(try await provider.invoice(id: paid.id).status == .refunded)
        }
    }

    @Test func refundsAreCheckedForCurrencyAndOwner() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let provider = environment.provider()
            let bobs = try await provider.invoices(customerID: WHMCSSandbox.bobClientID, page: PageRequest(limit: 1))
            let bobInvoice = try #require(bobs.items.first)
            let foreign = try RefundRequest(
                customerID: WHMCSSandbox.aliceClientID, invoiceID: bobInvoice.id, amount: try Self.usd(100), idempotencyKey: Self.key()
            )
            try await expectProviderError(.notFound) { try await provider.refund(foreign) }
            let euros = try RefundRequest(
                customerID: WHMCSSandbox.aliceClientID, invoiceID: nil, amount: Money(minorUnits: 100, currency: try Currency("EUR")),
                idempotencyKey: Self.key()
            )
            try await expectProviderError(.rejected) { try await provider.refund(euros) }
            #expect(environment.server.control.callCount("AddTransaction") + environment.server.control.callCount("AddCredit") == 0)
        }
    }

    @Test func anAccountCreditSurvivesA503WithoutCreditingTwice() async throws {
        try await WHMCSTestEnvironment.run { environment in
            let control = environment.server.control
            let provider = environment.provider()
            let request = try RefundRequest(customerID: WHMCSSandbox.aliceClientID, invoiceID: nil, amount: try Self.usd(1250), idempotencyKey: Self.key())
            control.inject("AddCredit", .status(503, body: nil), times: 1)
            let credit = try await provider.refund(request)
            let amount = try Self.usd(1250)
            #expect(credit.id.hasPrefix("credit:") && credit.amount == amount)
            #expect(try await provider.refund(request) == credit)
            #expect(control.callCount("AddCredit") == 2)
            #expect(try await provider.customer(id: WHMCSSandbox.aliceClientID).balance == (try Self.usd(-1250)))
        }
    }
}
