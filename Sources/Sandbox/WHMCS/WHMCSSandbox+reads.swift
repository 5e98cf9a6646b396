import Foundation
import NIOConcurrencyHelpers

/// The read actions. Lists page with `limitstart` (default 0) and `limitnum` (default 25).
extension WHMCSSandbox {
    static func page<T>(_ items: [T], _ form: WHMCSForm) -> (items: ArraySlice<T>, start: Int) {
        let start = max(0, form.int("limitstart") ?? 0)
        let limit = max(0, form.int("limitnum") ?? 25)
        guard start < items.count else { return ([], start) }
        return (items[start..<min(items.count, start + limit)], start)
    }

    // https://developers.whmcs.com/api-reference/getclientsdetails/
    func getClientsDetails(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            let byID = form.int("clientid").flatMap { state.clients[$0] }
            let byEmail = form.text("email").flatMap { email in state.clients.values.first { $0.email.lowercased() == email.lowercased() } }
            guard let client = byID ?? byEmail else { return .error("Client Not Found") }
            var reply: [String: JSONValue] = ["client": .object(renderClient(client))]
            if form.flag("stats") {
                var stats = templates.stats
                let unpaid = state.invoices.values.filter { $0.userid == client.id && $0.status == "Unpaid" }
                let due = unpaid.reduce(Int64(0)) { $0 + state.balanceCents($1) }
                let (prefix, suffix) = Self.currencyAffixes(client.currencyCode)
                stats["numdueinvoices"] = .int(Int64(unpaid.count))
                stats["numunpaidinvoices"] = .int(Int64(unpaid.count))
                stats["dueinvoicesbalance"] = .string(prefix + WHMCSFormat.decimal(due) + suffix)
                stats["unpaidinvoicesamount"] = .string(prefix + WHMCSFormat.decimal(due) + suffix)
                stats["creditbalance"] = .string(prefix + WHMCSFormat.decimal(client.creditCents) + suffix)
                stats["incredit"] = .bool(client.creditCents > 0)
                reply["stats"] = .object(stats)
            }
            return .success(reply)
        }
    }

    // https://developers.whmcs.com/api-reference/getinvoices/
    func getInvoices(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            let today = WHMCSFormat.day(clock())
            var invoices = Array(state.invoices.values)
            if let userid = form.int("userid") { invoices = invoices.filter { $0.userid == userid } }
            if let status = form.text("status") {
                invoices = invoices.filter { invoice in
                    status == "Overdue" ? invoice.status == "Unpaid" && invoice.duedate < today : invoice.status == status
                }
            }
            let key: (State.Invoice) -> String = switch form.text("orderby") ?? "id" {
            case "date": { $0.date }
            case "duedate": { $0.duedate }
            case "total": { String(format: "%020lld", $0.totalCents) }
            case "status": { $0.status }
            default: { String(format: "%012d", $0.id) }
            }
            let descending = form.text("order")?.lowercased() == "desc"
            invoices.sort { left, right in
                let (a, b) = (key(left), key(right))
                if a != b { return descending ? a > b : a < b }
                return descending ? left.id > right.id : left.id < right.id
            }
            let (slice, start) = Self.page(invoices, form)
            return .success([
                "totalresults": .int(Int64(invoices.count)), "startnumber": .int(Int64(start)), "numreturned": .int(Int64(slice.count)),
                "invoices": Self.wrapped("invoice", slice.map { renderInvoiceSummary($0, state) }),
            ])
        }
    }

    // https://developers.whmcs.com/api-reference/getinvoice/
    func getInvoice(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            guard let invoice = form.int("invoiceid").flatMap({ state.invoices[$0] }) else { return .error("Invoice ID Not Found") }
            return .success(renderInvoice(invoice, state))
        }
    }

    // https://developers.whmcs.com/api-reference/getclientsproducts/
    /// WHMCS's own quirk kept: `totalresults` is text here while `startnumber` and `numreturned` are numbers.
    func getClientsProducts(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            var services = state.services.values.sorted { $0.id < $1.id }
            if let clientid = form.int("clientid") { services = services.filter { $0.userid == clientid } }
            if let serviceid = form.int("serviceid") { services = services.filter { $0.id == serviceid } }
            if let pid = form.int("pid") { services = services.filter { $0.pid == pid } }
            if let domain = form.text("domain") { services = services.filter { $0.domain == domain } }
            let (slice, start) = Self.page(services, form)
            return .success([
                "clientid": form.text("clientid").map(JSONValue.string) ?? .null,
                "serviceid": form.text("serviceid").map(JSONValue.string) ?? .null,
                "pid": form.text("pid").map(JSONValue.string) ?? .null,
                "domain": form.text("domain").map(JSONValue.string) ?? .null,
                "totalresults": .string(String(services.count)), "startnumber": .int(Int64(start)), "numreturned": .int(Int64(slice.count)),
                "products": Self.wrapped("product", slice.map { renderService($0, state) }),
            ])
        }
    }

    // https://developers.whmcs.com/api-reference/getpaymethods/
    func getPayMethods(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            guard let clientid = form.int("clientid") else { return .error("Client ID Is Required") }
            guard state.clients[clientid] != nil else { return .error("Client Not Found") }
            if let type = form.text("type"), type != "BankAccount", type != "CreditCard" {
                return .error("Invalid Pay Method Type. Should be 'BankAccount' or 'CreditCard'")
            }
            let methods = state.payMethods.filter { method in
                method.userid == clientid && (form.int("paymethodid").map { $0 == method.id } ?? true)
                    && (form.text("type").map { method.type.hasSuffix($0) } ?? true)
            }
            return .success(["clientid": .string(String(clientid)), "paymethods": .array(methods.map { .object(renderPayMethod($0)) })])
        }
    }

    // https://developers.whmcs.com/api-reference/getpaymentmethods/
    func getPaymentMethods() -> WHMCSReply {
        state.withLockedValue { state in
            .success([
                "totalresults": .int(Int64(state.gateways.count)),
                "paymentmethods": Self.wrapped("paymentmethod", state.gateways.map { ["module": .string($0.module), "displayname": .string($0.displayname)] }),
            ])
        }
    }

    // https://developers.whmcs.com/api-reference/getproducts/
    func getProducts(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            var products = state.products.values.sorted { $0.pid < $1.pid }
            if let pids = form.text("pid") {
                let wanted = Set(pids.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
                products = products.filter { wanted.contains($0.pid) }
            }
            if let gid = form.int("gid") { products = products.filter { $0.gid == gid } }
            if let module = form.text("module") { products = products.filter { $0.module == module } }
            return .success(["totalresults": .int(Int64(products.count)), "products": Self.wrapped("product", products.map(renderProduct))])
        }
    }

    // https://developers.whmcs.com/api-reference/getorders/
    /// Newest first, as WHMCS lists orders.
    func getOrders(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            var orders = state.orders.values.sorted { $0.id > $1.id }
            if let id = form.int("id") { orders = orders.filter { $0.id == id } }
            if let userid = form.int("userid") { orders = orders.filter { $0.userid == userid } }
            if let status = form.text("status") { orders = orders.filter { $0.status == status } }
            let (slice, start) = Self.page(orders, form)
            return .success([
                "totalresults": .int(Int64(orders.count)), "startnumber": .int(Int64(start)), "numreturned": .int(Int64(slice.count)),
                "orders": Self.wrapped("order", slice.map { renderOrder($0, state) }),
            ])
        }
    }

    // https://developers.whmcs.com/api-reference/gettransactions/
    func getTransactions(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            let transactions = state.transactions.filter { transaction in
                (form.int("invoiceid").map { $0 == transaction.invoiceid } ?? true)
                    && (form.int("clientid").map { $0 == transaction.userid } ?? true)
                    && (form.text("transid").map { $0 == transaction.transid } ?? true)
            }
            return .success([
                "totalresults": .int(Int64(transactions.count)), "startnumber": 0, "numreturned": .int(Int64(transactions.count)),
                "transactions": Self.wrapped("transaction", transactions.map(renderTransaction)),
            ])
        }
    }

    // https://developers.whmcs.com/api-reference/getcredits/
    func getCredits(_ form: WHMCSForm) -> WHMCSReply {
        state.withLockedValue { state in
            guard let clientid = form.int("clientid"), state.clients[clientid] != nil else { return .error("Client ID Not Found") }
            let credits = state.credits.filter { $0.userid == clientid }
            return .success([
                "totalresults": .string(String(credits.count)), "clientid": .string(String(clientid)),
                "credits": Self.wrapped("credit", credits.map { credit in
                    [
                        "id": .string(String(credit.id)), "date": .string(credit.date), "description": .string(credit.description),
                        "amount": .string(WHMCSFormat.decimal(credit.cents)), "relid": .string(String(credit.relid)),
                    ]
                }),
            ])
        }
    }
}
