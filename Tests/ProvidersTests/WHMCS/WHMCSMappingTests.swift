import Domain
import Foundation
@testable import Providers
import Sandbox
import Testing

/// Every file under `fixtures/upstream/whmcs/` decoded and mapped into Domain; broken variants fail at their path.
@Suite struct WHMCSMappingTests {
    // MARK: Helpers

    static func data(_ name: String) throws -> Data { try SandboxFixtures.data("whmcs/\(name)") }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, status: Int = 200) throws(ProviderError) -> T {
        try WHMCSClient.decode(type, status: status, body: data)
    }

    static let usd: Currency = {
        guard let usd = try? Currency("USD") else { preconditionFailure("USD is a currency") }
        return usd
    }()
    static func usd(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: usd) }

    static func day(_ year: Int, _ month: Int, _ day: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }

    // The mappings the adapter applies, one per resource (USD where WHMCS takes the client's currency).
    static func customer(_ data: Data) throws(ProviderError) -> BillingCustomer {
        try BillingCustomer(whmcs: decode(WHMCSClientDetailsResponse.self, data).client)
    }

    static func invoices(_ data: Data) throws(ProviderError) -> [Invoice] {
        var invoices: [Invoice] = []
        for (index, entry) in try decode(WHMCSInvoicesResponse.self, data).invoices.items.enumerated() {
            invoices.append(try Invoice(whmcs: entry, index: index, fallbackCurrency: nil))
        }
        return invoices
    }

    static func invoice(_ data: Data) throws(ProviderError) -> Invoice {
        try Invoice(whmcs: decode(WHMCSInvoice.self, data), currency: usd)
    }

    static func subscriptions(_ data: Data) throws(ProviderError) -> [Subscription] {
        var list: [Subscription] = []
        for service in try decode(WHMCSClientsProductsResponse.self, data).products.items {
            list.append(try Subscription(whmcs: service, currency: usd))
        }
        return list
    }

    static func payMethods(_ data: Data) throws(ProviderError) -> [PaymentMethod] {
        var methods: [PaymentMethod] = []
        for (index, raw) in try decode(WHMCSPayMethodsResponse.self, data).paymethods.items.enumerated() {
            methods.append(try PaymentMethod(whmcs: raw, index: index, isFirst: index == 0))
        }
        return methods
    }

    static func gateways(_ data: Data) throws(ProviderError) -> [PaymentMethod] {
        var methods: [PaymentMethod] = []
        for gateway in try decode(WHMCSPaymentMethodsResponse.self, data).paymentmethods.items {
            methods.append(try PaymentMethod(whmcsGateway: gateway))
        }
        return methods
    }

    static func catalog(_ data: Data) throws(ProviderError) -> [CatalogItem] {
        var items: [CatalogItem] = []
        for (index, product) in try decode(WHMCSProductsResponse.self, data).products.items.enumerated() {
            items.append(try CatalogItem(whmcs: product, index: index))
        }
        return items
    }

    static func orders(_ data: Data) throws(ProviderError) -> [BillingOrder] {
        try decode(WHMCSOrdersResponse.self, data).orders.items.map(BillingOrder.init(whmcs:))
    }

    static func createdOrder(_ data: Data) throws(ProviderError) -> BillingOrder {
        BillingOrder(whmcs: try decode(WHMCSAddOrderResponse.self, data))
    }

    static func credits(_ data: Data) throws(ProviderError) -> [Refund] {
        var refunds: [Refund] = []
        for credit in try decode(WHMCSCreditsResponse.self, data).credits {
            refunds.append(Refund(id: "credit:\(credit.id)", amount: try credit.amount.money(usd), status: .succeeded))
        }
        return refunds
    }

    static func transactions(_ data: Data) throws(ProviderError) -> [WHMCSTransaction] {
        try decode(WHMCSTransactionsResponse.self, data).transactions.items
    }

    /// How each upstream file is mapped: every `*.response.json` must be listed here.
    static let responseMappings: [String: @Sendable (Data) throws -> Void] = [
        "getclientsdetails.response.json": { _ = try customer($0) },
        "getinvoices.response.json": { _ = try invoices($0) },
        "getinvoice.response.json": { _ = try invoice($0) },
        "getclientsproducts.response.json": { _ = try subscriptions($0) },
        "getpaymethods.response.json": { _ = try payMethods($0) },
        "getpaymentmethods.response.json": { _ = try gateways($0) },
        "getproducts.response.json": { _ = try catalog($0) },
        "getorders.response.json": { _ = try orders($0) },
        "addorder.response.json": { _ = try createdOrder($0) },
        "acceptorder.response.json": { _ = try decode(WHMCSResult.self, $0) },
        "getcredits.response.json": { _ = try credits($0) },
        "gettransactions.response.json": { _ = try transactions($0) },
    ]

    // MARK: Every file

    @Test func everyUpstreamFileHasAMapping() throws {
        let folder = SandboxFixtures.directory.appendingPathComponent("whmcs")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.responseMappings.keys))
    }

    @Test(arguments: responseMappings.keys.sorted())
    func upstreamFileMaps(_ name: String) throws {
        let map = try #require(Self.responseMappings[name])
        try map(try Self.data(name))
    }

    // MARK: Field by field

    @Test func clientDetailsMapFieldByField() throws {
        let customer = try Self.customer(try Self.data("getclientsdetails.response.json"))
        #expect(customer.id == "1")
        #expect(customer.email?.value == "test-client@example.com")
        #expect(customer.name == "Test Client")
        #expect(customer.company == nil)
        #expect(customer.phone == "+44.1234567890")
        #expect(customer.address == PostalAddress(line1: "123 Test Street", city: "Test", state: "Tester", postalCode: "TE5 5ST", country: "GB"))
        #expect(customer.currency == Self.usd)
        #expect(customer.balance == Self.usd(0))
        #expect(customer.createdAt == nil)
    }

    @Test func invoiceMapsFieldByField() throws {
        let invoice = try Self.invoice(try Self.data("getinvoice.response.json"))
        #expect(invoice.id == "1")
        #expect(invoice.number == "1")
        #expect(invoice.customerID == "2361")
        #expect(invoice.status == .open)
        #expect(invoice.currency == Self.usd)
        #expect(invoice.lines == [
            InvoiceLine(description: "Sample Monthly Product (01/01/2016 - 31/01/2016)", quantity: 1, unitAmount: Self.usd(1595), amount: Self.usd(1595)),
        ])
        #expect(invoice.taxes.isEmpty)
        #expect(invoice.subtotal == Self.usd(1595))
        #expect(invoice.tax == Self.usd(0))
        #expect(invoice.total == Self.usd(1595))
        #expect(invoice.amountPaid == Self.usd(0))
        #expect(invoice.amountDue == Self.usd(1595))
        #expect(invoice.issuedAt == Self.day(2016, 1, 1))
        #expect(invoice.dueAt == Self.day(2020, 12, 30))
        #expect(invoice.paidAt == nil)
    }

    @Test func invoiceListMapsFieldByField() throws {
        let invoices = try Self.invoices(try Self.data("getinvoices.response.json"))
        let invoice = try #require(invoices.first)
        #expect(invoices.count == 1)
        #expect(invoice.id == "1")
        #expect(invoice.number == "1")
        #expect(invoice.customerID == "1")
        #expect(invoice.status == .open)
        #expect(invoice.currency == Self.usd)
        #expect(invoice.lines.isEmpty)
        #expect(invoice.subtotal == Self.usd(1595))
        #expect(invoice.tax == Self.usd(0))
        #expect(invoice.total == Self.usd(1595))
        #expect(invoice.amountDue == Self.usd(1595))
        #expect(invoice.amountPaid == Self.usd(0))
        #expect(invoice.issuedAt == Self.day(2016, 1, 1))
        #expect(invoice.dueAt == Self.day(2016, 1, 8))
        #expect(invoice.paidAt == nil)
    }

    @Test func servicesMapFieldByField() throws {
        let services = try Self.subscriptions(try Self.data("getclientsproducts.response.json"))
        #expect(services == [
            Subscription(
                id: "1", customerID: "1", productName: "Starter", productID: "1", status: .terminated, interval: .monthly,
                recurringAmount: Self.usd(1295), quantity: 1, startedAt: Self.day(2015, 1, 1), currentPeriodEnd: Self.day(2016, 11, 25),
                nextDueAt: Self.day(2016, 11, 25), label: "demodomain.com"
            ),
            Subscription(
                id: "2", customerID: "1", productName: "Plus", productID: "3", status: .active, interval: .monthly,
                recurringAmount: Self.usd(2495), quantity: 2, startedAt: Self.day(2015, 5, 20), currentPeriodEnd: Self.day(2017, 1, 20),
                nextDueAt: Self.day(2017, 1, 20), label: "demodomain2.net"
            ),
        ])
    }

    @Test func payMethodsMapFieldByField() throws {
        let methods = try Self.payMethods(try Self.data("getpaymethods.response.json"))
        #expect(methods == [
            try PaymentMethod(id: "1", kind: .card, brand: "visa", last4: "4242", expiryMonth: 2, expiryYear: 2025, isDefault: true),
            try PaymentMethod(id: "2", kind: .card, brand: "visa", last4: "4242", expiryMonth: 11, expiryYear: 2022),
            try PaymentMethod(id: "3", kind: .bankAccount, brand: "Bank of America", last4: nil),
            try PaymentMethod(id: "4", kind: .bankAccount, brand: "gocardless", last4: nil),
        ])
    }

    @Test func gatewaysMapFieldByField() throws {
        #expect(try Self.gateways(try Self.data("getpaymentmethods.response.json")) == [
            try PaymentMethod(id: "paypal", kind: .other, brand: "PayPal", last4: nil),
            try PaymentMethod(id: "authorize", kind: .other, brand: "Credit Card", last4: nil),
        ])
    }

    @Test func productsMapFieldByField() throws {
        let item = try #require(try Self.catalog(try Self.data("getproducts.response.json")).first)
        #expect(item.sku.value == "best-hosting-plan")
        #expect(item.name == "Best Hosting Plan")
        #expect(item.description == "This is our best hosting plan, with all the bells and whistles.")
        #expect(item.kind == .subscription)
        #expect(item.pricePlans == [PricePlan(id: "1:monthly:USD", name: "Monthly", amount: Self.usd(2599), interval: .monthly)])
        #expect(item.stock == StockLevel(availability: .notApplicable))
        #expect(item.links[.whmcs] == "1")
    }

    @Test func ordersMapFieldByField() throws {
        #expect(try Self.orders(try Self.data("getorders.response.json")) == [
            BillingOrder(id: "1", status: .active, invoiceID: "1", subscriptionIDs: ["1"]),
        ])
        #expect(try Self.createdOrder(try Self.data("addorder.response.json")) == BillingOrder(
            id: "1", status: .pending, invoiceID: "1", subscriptionIDs: ["1", "2"]
        ))
        #expect(try Self.decode(WHMCSResult.self, try Self.data("acceptorder.response.json")).result == "success")
    }

    @Test func creditsAndTransactionsMapFieldByField() throws {
        #expect(try Self.credits(try Self.data("getcredits.response.json")) == [
            Refund(id: "credit:1", amount: Self.usd(1000), status: .succeeded),
            Refund(id: "credit:2", amount: Self.usd(-1000), status: .succeeded),
        ])
        let transaction = try #require(try Self.transactions(try Self.data("gettransactions.response.json")).first)
        #expect(transaction.id.value == "10")
        #expect(transaction.transid == "1479732071aad259f3513ec")
        #expect(transaction.invoiceid?.value == "59")
        #expect(try transaction.amountin?.money(Self.usd) == Self.usd(4590))
        #expect(try transaction.amountout?.money(Self.usd) == Self.usd(0))
    }
}
