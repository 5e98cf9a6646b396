import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Sandbox
import Testing

/// The WHMCS sandbox on its own: WHMCS's answer shapes and paging, authentication, state changes, signed hooks.
@Suite struct WHMCSSandboxTests {
    /// A sandbox behind its router (fault middleware and control routes included) and a form-encoding caller.
    struct Running: Sendable {
        let sandbox: WHMCSSandbox
        let client: any TestClientProtocol

        var control: SandboxControl { sandbox.control }

        func call(_ action: String, _ fields: [(String, String)] = [], secret: String? = nil) async throws -> (status: Int, json: JSONValue) {
            let pairs = [
                ("identifier", sandbox.secrets.identifier), ("secret", secret ?? sandbox.secrets.secret), ("action", action),
                ("responsetype", "json"),
            ] + fields
            return try await post(pairs)
        }

        func post(_ pairs: [(String, String)]) async throws -> (status: Int, json: JSONValue) {
            let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
            let response = try await client.execute(
                uri: "/includes/api.php",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&"))
            )
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: response.body).utf8))
            return (Int(response.status.code), json)
        }
    }

    static func withSandbox(_ body: @escaping @Sendable (Running) async throws -> Void) async throws {
        let sandbox = try WHMCSSandbox()
        try await Application(router: SandboxServer.buildRouter(sandbox)).test(.router) { client in
            try await body(Running(sandbox: sandbox, client: client))
        }
    }

    // MARK: Authentication

    @Test func credentialsAreCheckedTheWHMCSWay() async throws {
        try await Self.withSandbox { running in
            let wrong = try await running.call("GetClientsDetails", [("clientid", WHMCSSandbox.aliceClientID)], secret: "nope")
            #expect(wrong.status == 403)
            #expect(wrong.json == ["result": "error", "message": "Authentication Failed"])
            let legacy = try await running.post([
                ("username", running.sandbox.secrets.identifier), ("password", running.sandbox.secrets.secret),
                ("action", "GetClientsDetails"), ("clientid", WHMCSSandbox.aliceClientID), ("responsetype", "json"),
            ])
            #expect(legacy.status == 200 && legacy.json["result"] == "success")
            #expect(legacy.json["client"]["email"] == "alice@demo.atrium.test")
            #expect(running.sandbox.credentials.keys.sorted() == ["identifier", "secret", "webhook_secret"])
        }
    }

    @Test func unknownRecordsAnswerWHMCSErrors() async throws {
        try await Self.withSandbox { running in
            let client = try await running.call("GetClientsDetails", [("clientid", "999999")])
            #expect(client.status == 200 && client.json == ["result": "error", "message": "Client Not Found"])
            let invoice = try await running.call("GetInvoice", [("invoiceid", "999999")])
            #expect(invoice.json["message"] == "Invoice ID Not Found")
            let action = try await running.call("FlyToTheMoon")
            #expect(action.json["result"] == "error")
        }
    }

    // MARK: Shapes and paging

    @Test func invoicesPageWithWHMCSShapes() async throws {
        try await Self.withSandbox { running in
            let page = try await running.call("GetInvoices", [("userid", WHMCSSandbox.aliceClientID), ("limitnum", "10"), ("limitstart", "20")])
            #expect(page.json["totalresults"] == 28)
            #expect(page.json["startnumber"] == 20)
            #expect(page.json["numreturned"] == 8)
            let entries = try #require(page.json["invoices"]["invoice"].array)
            #expect(entries.count == 8)
            #expect(entries.allSatisfy { $0["userid"] == 1001 && $0["currencycode"] == "USD" && $0["total"].string != nil })
            let beyond = try await running.call("GetInvoices", [("userid", WHMCSSandbox.aliceClientID), ("limitstart", "40")])
            #expect(beyond.json["invoices"] == "")
            #expect(beyond.json["numreturned"] == 0)
            let newest = try await running.call("GetInvoices", [("userid", WHMCSSandbox.bobClientID), ("orderby", "id"), ("order", "desc")])
            let ids = (newest.json["invoices"]["invoice"].array ?? []).compactMap { $0["id"].int }
            #expect(ids.count == 4 && ids == ids.sorted(by: >))
        }
    }

    @Test func oneInvoiceKeepsWHMCSQuirks() async throws {
        try await Self.withSandbox { running in
            let list = try await running.call("GetInvoices", [("userid", WHMCSSandbox.aliceClientID), ("status", "Unpaid")])
            let id = try #require(list.json["invoices"]["invoice"].array?.first?["id"].int)
            let invoice = try await running.call("GetInvoice", [("invoiceid", String(id))])
            #expect(invoice.json["datepaid"] == "0000-00-00 00:00:00")
            #expect(invoice.json["transactions"] == "")
            #expect(invoice.json["balance"] == invoice.json["total"])
            #expect(invoice.json["taxrate"] == "10.000")
            #expect((invoice.json["items"]["item"].array ?? []).allSatisfy { $0["amount"].string != nil })
        }
    }

    @Test func servicesCountAsTextAndEmptyIsAnEmptyString() async throws {
        try await Self.withSandbox { running in
            let alice = try await running.call("GetClientsProducts", [("clientid", WHMCSSandbox.aliceClientID)])
            #expect(alice.json["totalresults"] == "3")
            #expect(alice.json["startnumber"] == 0)
            #expect(alice.json["products"]["product"].array?.map { $0["status"] } == ["Active", "Completed", "Active"])
            let nobody = try await running.call("GetClientsProducts", [("clientid", "424242")])
            #expect(nobody.json["totalresults"] == "0")
            #expect(nobody.json["products"] == "")
            let methods = try await running.call("GetPayMethods", [("clientid", WHMCSSandbox.aliceClientID)])
            #expect(methods.json["paymethods"].array?.count == 2)
        }
    }

    @Test func faultsAreInjectedPerAction() async throws {
        try await Self.withSandbox { running in
            running.control.inject("GetInvoices", .status(503, body: nil), times: 1)
            let failed = try await running.call("GetInvoices", [("userid", WHMCSSandbox.aliceClientID)])
            #expect(failed.status == 503)
            let other = try await running.call("GetClientsDetails", [("clientid", WHMCSSandbox.aliceClientID)])
            #expect(other.status == 200)
            #expect(running.control.callCount("GetInvoices") == 1)
            #expect(running.control.callCount("GetClientsDetails") == 1)
        }
    }

    // MARK: State changes

    @Test func ordersMoveThroughWHMCSStatuses() async throws {
        try await Self.withSandbox { running in
            let created = try await running.call("AddOrder", [
                ("clientid", WHMCSSandbox.aliceClientID), ("paymentmethod", "stripe"), ("pid[0]", WHMCSSandbox.mobilePlanPID),
                ("billingcycle[0]", "annually"), ("qty[0]", "2"), ("notes", "key-1"),
            ])
            let orderID = try #require(created.json["orderid"].string)
            #expect(created.json["serviceids"].string?.split(separator: ",").count == 1)
            let order = try await running.call("GetOrders", [("id", orderID)])
            let listed = try #require(order.json["orders"]["order"].array?.first)
            #expect(listed["status"] == "Pending" && listed["notes"] == "key-1" && listed["amount"] == "418.00")
            let invoiceID = try #require(created.json["invoiceid"].string)
            let invoice = try await running.call("GetInvoice", [("invoiceid", invoiceID)])
            #expect(invoice.json["subtotal"] == "380.00" && invoice.json["tax"] == "38.00" && invoice.json["status"] == "Unpaid")
            #expect(try await running.call("AcceptOrder", [("orderid", orderID)]).json["result"] == "success")
            let again = try await running.call("AcceptOrder", [("orderid", orderID)])
            #expect(again.json["message"] == "Order ID not found or Status not Pending")
            #expect(try await running.call("CancelOrder", [("orderid", orderID)]).json["result"] == "error")
            #expect(try await running.call("PendingOrder", [("orderid", orderID)]).json["result"] == "success")
            #expect(try await running.call("CancelOrder", [("orderid", orderID)]).json["result"] == "success")
            let cancelled = try await running.call("GetInvoice", [("invoiceid", invoiceID)])
            #expect(cancelled.json["status"] == "Cancelled")
            let rejected = try await running.call("AddOrder", [("clientid", WHMCSSandbox.aliceClientID), ("paymentmethod", "bitcoin"), ("pid[0]", "2")])
            #expect(rejected.json["message"].string?.hasPrefix("Invalid Payment Method") == true)
        }
    }

    @Test func paymentsRefundsAndCredit() async throws {
        try await Self.withSandbox { running in
            let list = try await running.call("GetInvoices", [("userid", WHMCSSandbox.aliceClientID), ("status", "Unpaid")])
            let id = String(try #require(list.json["invoices"]["invoice"].array?.first?["id"].int))
            #expect(try await running.call("AddInvoicePayment", [("invoiceid", id), ("transid", "t-1"), ("gateway", "stripe")]).json["result"] == "success")
            #expect(try await running.call("GetInvoice", [("invoiceid", id)]).json["status"] == "Paid")
            let duplicate = try await running.call("AddTransaction", [("paymentmethod", "stripe"), ("invoiceid", id), ("transid", "t-1"), ("amountout", "1.00")])
            #expect(duplicate.json["message"] == "Transaction ID must be Unique")
            let total = try #require(try await running.call("GetInvoice", [("invoiceid", id)]).json["total"].string)
            #expect(try await running.call("AddTransaction", [("paymentmethod", "stripe"), ("invoiceid", id), ("transid", "r-1"), ("amountout", total)]).json["result"] == "success")
            #expect(try await running.call("GetInvoice", [("invoiceid", id)]).json["status"] == "Refunded")
            let credit = try await running.call("AddCredit", [("clientid", WHMCSSandbox.bobClientID), ("description", "sorry"), ("amount", "7.50")])
            #expect(credit.json["newbalance"] == "7.50")
            let log = try await running.call("GetCredits", [("clientid", WHMCSSandbox.bobClientID)])
            #expect(log.json["credits"]["credit"].array?.first?["amount"] == "7.50")
            #expect(try await running.call("GetClientsDetails", [("clientid", WHMCSSandbox.bobClientID)]).json["client"]["credit"] == "7.50")
        }
    }

    // MARK: Webhooks

    actor Inbox {
        var hooks: [(event: String, timestamp: String, signature: String, body: Data)] = []
        func add(_ hook: (event: String, timestamp: String, signature: String, body: Data)) { hooks.append(hook) }
    }

    @Test func stateChangesSendSignedHooks() async throws {
        let inbox = Inbox()
        let router = Router()
        router.post("/hooks") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let hook = (
                headers["x-whmcs-event"] ?? "", headers["x-whmcs-timestamp"] ?? "", headers["x-whmcs-signature"] ?? "",
                Data(String(buffer: body).utf8)
            )
            await inbox.add(hook)
            return .noContent
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            try await Self.withSandbox { running in
                running.control.webhookURL = "http://127.0.0.1:\(port)/hooks"
                let created = try await running.call("AddOrder", [
                    ("clientid", WHMCSSandbox.bobClientID), ("paymentmethod", "paypal"), ("pid[0]", WHMCSSandbox.mobilePlanPID),
                ])
                let orderID = try #require(created.json["orderid"].string)
                _ = try await running.call("AcceptOrder", [("orderid", orderID)])
                _ = try await running.call("AddInvoicePayment", [("invoiceid", try #require(created.json["invoiceid"].string)), ("transid", "p-9")])
                let serviceID = try #require(created.json["serviceids"].string)
                _ = try await running.call("UpdateClientProduct", [("serviceid", serviceID), ("status", "Suspended")])
                _ = try await running.call("PendingOrder", [("orderid", orderID)])
                _ = try await running.call("CancelOrder", [("orderid", orderID)])
                var hooks = await inbox.hooks
                for _ in 0..<100 where hooks.count < 7 {
                    try await Task.sleep(for: .milliseconds(50))
                    hooks = await inbox.hooks
                }
                #expect(Set(hooks.map(\.event)) == ["AcceptOrder", "ServiceStatusChange", "InvoicePaid", "CancelOrder"])
                #expect(hooks.count == 7)  // accept, its service; paid; suspended; pending; cancel, its service
                let secret = running.sandbox.secrets.webhookSecret
                for hook in hooks {
                    let timestamp = try #require(Int64(hook.timestamp))
                    #expect(hook.signature == SandboxSigning.hmacSHA256Hex(secret: secret, message: Data("\(timestamp).".utf8) + hook.body))
                    #expect(hook.signature == WHMCSSandbox.signature(body: hook.body, timestamp: timestamp, secret: secret))
                    #expect(hook.signature != WHMCSSandbox.signature(body: hook.body + Data(" ".utf8), timestamp: timestamp, secret: secret))
                    #expect(hook.signature != WHMCSSandbox.signature(body: hook.body, timestamp: timestamp + 1, secret: secret))
                }
                let paid = try #require(hooks.first { $0.event == "InvoicePaid" })
                let payload = try JSONDecoder().decode(JSONValue.self, from: paid.body)
                #expect(payload["vars"]["invoiceid"].int == created.json["invoiceid"].string.flatMap { Int64($0) })
                let suspended = try hooks.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }.first { $0["vars"]["status"] == "Suspended" }
                #expect(suspended?["vars"]["oldstatus"] == "Active")
                #expect(running.control.deliveries.allSatisfy { $0.status == 204 })
            }
        }
    }
}
