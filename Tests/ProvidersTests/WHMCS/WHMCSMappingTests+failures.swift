import Domain
import Foundation
@testable import Providers
import Sandbox
import Testing

/// WHMCS's quirks read as intended, broken payloads rejected at their exact path, error answers classified.
extension WHMCSMappingTests {
    // MARK: Broken variants

    /// Each `derived/broken_*.json`, the mapping it goes through, and the JSON path it must fail at.
    static let brokenFiles: [String: (path: String, map: @Sendable (Data) throws -> Void)] = [
        "broken_invoices_missing_total.json": ("$.invoices.invoice[0].total", { _ = try invoices($0) }),
        "broken_invoices_float_amount.json": ("$.invoices.invoice[0].subtotal", { _ = try invoices($0) }),
        "broken_invoices_totalresults_text.json": ("$.totalresults", { _ = try invoices($0) }),
        "broken_invoice_unknown_status.json": ("$.status", { _ = try invoice($0) }),
        "broken_invoice_bad_date.json": ("$.duedate", { _ = try invoice($0) }),
        "broken_invoice_items_text.json": ("$.items", { _ = try invoice($0) }),
        "broken_invoice_item_amount_text.json": ("$.items.item[0].amount", { _ = try invoice($0) }),
        "broken_invoice_total_precision.json": ("$.total", { _ = try invoice($0) }),
        "broken_clientsdetails_missing_currency.json": ("$.client.currency_code", { _ = try customer($0) }),
        "broken_clientsdetails_bad_email.json": ("$.client.email", { _ = try customer($0) }),
        "broken_clientsproducts_unknown_cycle.json": ("$.products.product[1].billingcycle", { _ = try subscriptions($0) }),
        "broken_clientsproducts_unknown_status.json": ("$.products.product[0].status", { _ = try subscriptions($0) }),
        "broken_clientsproducts_wrapper_missing.json": ("$.products.product", { _ = try subscriptions($0) }),
        "broken_paymethods_last4.json": ("$.paymethods[0].card_last_four", { _ = try payMethods($0) }),
        "broken_paymethods_unknown_type.json": ("$.paymethods[1].type", { _ = try payMethods($0) }),
        "broken_paymethods_expiry.json": ("$.paymethods[0].expiry_date", { _ = try payMethods($0) }),
        "broken_orders_unknown_status.json": ("$.orders.order[0].status", { _ = try orders($0) }),
        "broken_addorder_missing_orderid.json": ("$.orderid", { _ = try createdOrder($0) }),
        "broken_products_price_comma.json": ("$.products.product[0].pricing.USD.monthly", { _ = try catalog($0) }),
        "broken_products_unknown_paytype.json": ("$.products.product[0].paytype", { _ = try catalog($0) }),
        "broken_credits_flattened_amount.json": ("$.credits[credit][0][amount]", { _ = try credits($0) }),
    ]

    @Test func everyBrokenFileIsChecked() throws {
        let folder = SandboxFixtures.directory.appendingPathComponent("whmcs/derived")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("broken_") }
        #expect(Set(files) == Set(Self.brokenFiles.keys))
    }

    @Test(arguments: brokenFiles.keys.sorted())
    func brokenFileIsInvalidPayloadAtItsPath(_ name: String) throws {
        let entry = try #require(Self.brokenFiles[name])
        let data = try Self.data("derived/\(name)")
        let error = try #require(throws: ProviderError.self) { try entry.map(data) }
        #expect(error.code == .invalidPayload)
        #expect(error.path == entry.path)
        #expect(error.provider == .whmcs)
    }

    // MARK: Error answers

    static let errorFiles: [String: ProviderError.Code] = [
        "error_client_not_found.json": .notFound,
        "error_invoice_not_found.json": .notFound,
        "error_authentication_failed.json": .unauthorized,
        "error_invalid_ip.json": .unauthorized,
        // One message for both cases; the adapter re-reads the order to tell them apart.
        "error_order_not_pending.json": .notFound,
        "error_invalid_payment_method.json": .rejected,
        "error_transaction_not_unique.json": .rejected,
    ]

    @Test func everyErrorFileIsChecked() throws {
        let folder = SandboxFixtures.directory.appendingPathComponent("whmcs/derived")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("error_") }
        #expect(Set(files) == Set(Self.errorFiles.keys))
    }

    @Test(arguments: errorFiles.keys.sorted())
    func errorFileMapsToItsCode(_ name: String) throws {
        let expected = try #require(Self.errorFiles[name])
        let data = try Self.data("derived/\(name)")
        let message = try JSONDecoder().decode([String: String].self, from: data)["message"]
        // WHMCS answers errors with HTTP 200 (and some with 4xx): the envelope decides, whatever the status.
        for status in [200, 400] {
            let error = try #require(throws: ProviderError.self) { try Self.decode(WHMCSClientDetailsResponse.self, data, status: status) }
            #expect(error.code == expected)
            #expect(error.upstreamCode == message)
            #expect(error.upstreamStatus == status)
        }
    }

    @Test func answersWithoutAnEnvelopeMapByStatus() throws {
        let html = Data("<html>Forbidden</html>".utf8)
        let forbidden = try #require(throws: ProviderError.self) { try Self.decode(WHMCSResult.self, html, status: 403) }
        #expect(forbidden.code == .unauthorized)
        let missing = try #require(throws: ProviderError.self) { try Self.decode(WHMCSResult.self, html, status: 404) }
        #expect(missing.code == .rejected)
        let garbage = try #require(throws: ProviderError.self) { try Self.decode(WHMCSResult.self, html, status: 200) }
        #expect(garbage.code == .invalidPayload)
        #expect(garbage.path == "$")
        let wrongShape = try #require(throws: ProviderError.self) {
            try Self.decode(WHMCSResult.self, Data(#"{"sandbox_fault":"malformed"}"#.utf8))
        }
        #expect(wrongShape.path == "$.result")
        let oddResult = try #require(throws: ProviderError.self) { try Self.decode(WHMCSResult.self, Data(#"{"result":"maybe"}"#.utf8)) }
        #expect(oddResult.path == "$.result")
    }

    // MARK: Quirks

    @Test(arguments: [#""""#, "[]", "null", #"{"invoice": []}"#, #"{"invoice": ""}"#])
    func emptyListsInEveryShape(_ empty: String) throws {
        let body = #"{"result":"success","totalresults":"0","startnumber":0,"numreturned":0,"invoices":\#(empty),"products":\#(empty)}"#
        #expect(try Self.invoices(Data(body.utf8)).isEmpty)
        let services = body.replacingOccurrences(of: #"{"invoice""#, with: #"{"product""#)
        #expect(try Self.subscriptions(Data(services.utf8)).isEmpty)
    }

    @Test func aNonEmptyStringIsNotAList() throws {
        let body = #"{"result":"success","totalresults":0,"invoices":"none"}"#
        let error = try #require(throws: ProviderError.self) { try Self.invoices(Data(body.utf8)) }
        #expect(error.path == "$.invoices")
    }

    @Test func numbersAsTextAndZeroDates() throws {
        let body = #"""
            {"result":"success","totalresults":"1","startnumber":"0","numreturned":"1","products":{"product":[{
              "id":7,"clientid":1001,"pid":"2","qty":"3","regdate":"0000-00-00","name":"Mobile","domain":"",
              "recurringamount":19,"billingcycle":"Semi-Annually","nextduedate":"0000-00-00","status":"Suspended"}]}}
            """#
        let service = try #require(try Self.subscriptions(Data(body.utf8)).first)
        #expect(service.id == "7")
        #expect(service.customerID == "1001")
        #expect(service.quantity == 3)
        #expect(service.interval == .semiAnnually)
        #expect(service.recurringAmount == Self.usd(1900))
        #expect(service.startedAt == nil)
        #expect(service.nextDueAt == nil)
        #expect(service.status == .suspended)
        #expect(service.label == nil)
    }

    @Test(arguments: [("Free Account", BillingInterval.oneTime, true), ("One Time", .oneTime, true), ("Annually", .annually, false)])
    func billingCycles(_ cycle: String, _ interval: BillingInterval, _ noRecurringAmount: Bool) throws {
        let body = #"""
            {"result":"success","totalresults":1,"products":{"product":[{"id":"1","clientid":"1","name":"X",
              "recurringamount":"0.00","billingcycle":"\#(cycle)","status":"Completed"}]}}
            """#
        let service = try #require(try Self.subscriptions(Data(body.utf8)).first)
        #expect(service.interval == interval)
        #expect((service.recurringAmount == nil) == noRecurringAmount)
        #expect(service.status == .terminated)
    }

    @Test func bothTaxLevelsWithTheirRates() throws {
        let body = #"""
            {"result":"success","invoiceid":"9","userid":"5","subtotal":"10.00","credit":"0.00","tax":"2.10","tax2":"1.00",
             "total":"13.10","balance":"3.10","taxrate":"21.000","taxrate2":"8.875","status":"Payment Pending",
             "date":"2024-02-01","duedate":"2024-02-15","datepaid":"0000-00-00 00:00:00","items":{"item":[
               {"id":1,"type":"Item","relid":0,"description":"A","amount":"10.00","taxed":"1"}]},"transactions":""}
            """#
        let invoice = try Self.invoice(Data(body.utf8))
        #expect(invoice.taxes == [
            InvoiceTax(name: "Tax", rateBasisPoints: 2100, amount: Self.usd(210)),
            InvoiceTax(name: "Tax 2", rateBasisPoints: nil, amount: Self.usd(100)),
        ])
        #expect(invoice.tax == Self.usd(310))
        #expect(invoice.status == .open)
        #expect(invoice.amountPaid == Self.usd(1000))
        #expect(invoice.amountDue == Self.usd(310))
    }

    @Test(arguments: [
        ("Paid", InvoiceStatus.paid, 0), ("Unpaid", .open, 1595), ("Overdue", .overdue, 1595), ("Cancelled", .void, 0),
        ("Refunded", .refunded, 0), ("Collections", .uncollectible, 1595), ("Draft", .draft, 0), ("Payment Pending", .open, 1595),
    ])
    func invoiceStatuses(_ whmcs: String, _ status: InvoiceStatus, _ due: Int64) throws {
        let text = String(decoding: try Self.data("getinvoices.response.json"), as: UTF8.self)
            .replacingOccurrences(of: #""status": "Unpaid""#, with: #""status": "\#(whmcs)""#)
        let invoice = try #require(try Self.invoices(Data(text.utf8)).first)
        #expect(invoice.status == status)
        #expect(invoice.amountDue == Self.usd(due))
    }

    @Test func creditsInTheNestedForm() throws {
        let body = #"{"result":"success","totalresults":1,"clientid":"1","credits":{"credit":[{"id":"4","date":"2024-01-01","description":"x [atrium:k]","amount":"5.00","relid":"0"}]}}"#
        #expect(try Self.credits(Data(body.utf8)) == [Refund(id: "credit:4", amount: Self.usd(500), status: .succeeded)])
        let empty = #"{"result":"success","totalresults":"0","clientid":"1","credits":""}"#
        #expect(try Self.credits(Data(empty.utf8)).isEmpty)
    }

    @Test(arguments: [("21.000", 2100), ("0.000", 0), ("7.5", 750), ("19", 1900)])
    func ratesInBasisPoints(_ text: String, _ basisPoints: Int) {
        #expect(WHMCSDecimal(text, path: "$").basisPoints == basisPoints)
    }
}
