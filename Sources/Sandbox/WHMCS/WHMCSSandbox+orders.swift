import Foundation
import NIOConcurrencyHelpers

/// The order actions: AddOrder creates services and an invoice; Accept/Pending/Cancel move the order and its
/// services; UpdateClientProduct changes one service.
extension WHMCSSandbox {
    // https://developers.whmcs.com/api-reference/addorder/
    /// Also keeps a `notes` parameter on the order (GetOrders shows it), as the checkout's order notes do.
    func addOrder(_ form: WHMCSForm) -> Outcome {
        let now = clock()
        return state.withLockedValue { state in
            guard let clientid = form.int("clientid"), let client = state.clients[clientid] else { return Outcome(.error("Client ID Not Found")) }
            guard client.status != "Closed" else { return Outcome(.error("Unable to add order when client status is Closed")) }
            guard let gateway = form.text("paymentmethod"), state.gateways.contains(where: { $0.module == gateway }) else {
                return Outcome(.error("Invalid Payment Method. Valid options include " + state.gateways.map(\.module).joined(separator: ",")))
            }
            let pids = form.list("pid")
            guard !pids.isEmpty else { return Outcome(.error("No items added to cart so order cannot proceed")) }
            var lines: [(product: State.Product, cycle: String, qty: Int, price: Int64)] = []
            for (index, text) in pids.enumerated() {
                guard let pid = Int(text), let product = state.products[pid] else { return Outcome(.error("Invalid Product ID")) }
                let qty = form.element("qty", index).flatMap { Int($0) } ?? 1
                guard qty >= 1 else { return Outcome(.error("Invalid Quantity")) }
                let prices = product.prices[client.currencyCode] ?? [:]
                let requested = form.element("billingcycle", index).map { $0.lowercased().filter { $0 != " " && $0 != "-" } }
                let cycle: String
                switch product.paytype {
                case "free": cycle = "free"
                case "onetime": cycle = "onetime"
                default:
                    guard let chosen = requested ?? WHMCSFormat.cycles.first(where: { prices[$0] != nil }), prices[chosen] != nil else {
                        return Outcome(.error("Invalid Billing Cycle"))
                    }
                    cycle = chosen
                }
                let price = cycle == "free" ? 0 : prices[cycle == "onetime" ? "monthly" : cycle] ?? 0
                lines.append((product, cycle, qty, price))
            }
            let orderID = state.nextOrderID
            state.nextOrderID += 1
            var serviceIDs: [Int] = []
            var items: [State.InvoiceItem] = []
            for (index, line) in lines.enumerated() {
                let id = state.nextServiceID
                state.nextServiceID += 1
                let amount = line.price * Int64(line.qty)
                let domain = form.element("domain", index) ?? ""
                state.services[id] = State.Service(
                    id: id, userid: clientid, orderid: orderID, pid: line.product.pid, domain: domain, regdate: WHMCSFormat.day(now),
                    firstpaymentCents: amount, recurringCents: line.cycle == "free" ? 0 : amount, paymentmethod: gateway,
                    billingcycle: WHMCSFormat.cycleName(line.cycle), nextduedate: WHMCSFormat.day(now), status: "Pending", qty: line.qty
                )
                serviceIDs.append(id)
                let months = WHMCSFormat.months(line.cycle)
                let period = months == 0 ? "" : " (\(WHMCSFormat.day(now)) - \(WHMCSFormat.day(WHMCSFormat.adding(months: months, days: -1, to: now))))"
                let label = domain.isEmpty ? "" : " - \(domain)"
                items.append(State.InvoiceItem(
                    id: state.nextItemID, type: "Hosting", relid: id,
                    description: "\(line.product.groupname) - \(line.product.name)\(label)\(period)", cents: amount, taxed: true
                ))
                state.nextItemID += 1
            }
            var invoiceID = 0
            var events: [(String, [String: JSONValue])] = []
            if !form.flag("noinvoice") {
                invoiceID = state.nextInvoiceID
                state.nextInvoiceID += 1
                let subtotal = items.reduce(0) { $0 + $1.cents }
                var invoice = State.Invoice(
                    id: invoiceID, userid: clientid, date: WHMCSFormat.day(now), duedate: WHMCSFormat.day(now), datepaid: "0000-00-00 00:00:00",
                    status: "Unpaid", items: items, taxRateThousandths: client.taxRateThousandths,
                    taxCents: State.tax(subtotal, thousandths: client.taxRateThousandths), creditCents: 0, paymentmethod: gateway,
                    createdAt: WHMCSFormat.dateTime(now)
                )
                if invoice.totalCents == 0 {
                    invoice.status = "Paid"
                    invoice.datepaid = WHMCSFormat.dateTime(now)
                    events.append(("InvoicePaid", ["invoiceid": .int(Int64(invoiceID)), "userid": .int(Int64(clientid))]))
                }
                state.invoices[invoiceID] = invoice
            }
            state.orders[orderID] = State.Order(
                id: orderID, ordernum: 7_858_259_100 + Int64(orderID), userid: clientid, date: WHMCSFormat.dateTime(now),
                amountCents: state.invoices[invoiceID]?.totalCents ?? items.reduce(0) { $0 + $1.cents }, paymentmethod: gateway,
                invoiceid: invoiceID, status: "Pending", notes: form["notes"] ?? "", serviceIDs: serviceIDs, ipaddress: form["clientip"] ?? ""
            )
            let reply = WHMCSReply.success([
                "orderid": .string(String(orderID)), "serviceids": .string(serviceIDs.map(String.init).joined(separator: ",")),
                "addonids": "", "domainids": "", "invoiceid": .string(String(invoiceID)),
            ])
            return Outcome(reply, events: events)
        }
    }

    // https://developers.whmcs.com/api-reference/acceptorder/
    func acceptOrder(_ form: WHMCSForm) -> Outcome {
        moveOrder(form, from: ["Pending"], to: "Active", services: "Active", missing: "Order ID not found or Status not Pending", event: "AcceptOrder")
    }

    // https://developers.whmcs.com/api-reference/pendingorder/
    func pendingOrder(_ form: WHMCSForm) -> Outcome {
        moveOrder(form, from: nil, to: "Pending", services: "Pending", missing: "Order ID Not Found", event: nil)
    }

    // https://developers.whmcs.com/api-reference/cancelorder/
    /// Cancels a pending order, its services and its unpaid invoice.
    func cancelOrder(_ form: WHMCSForm) -> Outcome {
        moveOrder(form, from: ["Pending"], to: "Cancelled", services: "Cancelled", missing: "Order ID not found or Status not Pending", event: "CancelOrder")
    }

    private func moveOrder(_ form: WHMCSForm, from: Set<String>?, to status: String, services: String, missing: String, event: String?) -> Outcome {
        state.withLockedValue { state in
            guard let id = form.int("orderid"), let order = state.orders[id], from?.contains(order.status) ?? true else {
                return Outcome(.error(missing))
            }
            state.orders[id]?.status = status
            var events: [(String, [String: JSONValue])] = []
            for serviceID in order.serviceIDs {
                if let change = Self.setStatus(&state, service: serviceID, to: services) { events.append(change) }
            }
            if status == "Cancelled", state.invoices[order.invoiceid]?.status == "Unpaid" {
                state.invoices[order.invoiceid]?.status = "Cancelled"
            }
            if let event { events.append((event, ["orderid": .int(Int64(id)), "userid": .int(Int64(order.userid))])) }
            return Outcome(.success([:]), events: events)
        }
    }

    // https://developers.whmcs.com/api-reference/updateclientproduct/
    /// Takes `status`, `nextduedate`, `recurringamount` and `domain`.
    func updateClientProduct(_ form: WHMCSForm) -> Outcome {
        state.withLockedValue { state in
            guard let id = form.int("serviceid"), state.services[id] != nil else { return Outcome(.error("Service ID Not Found")) }
            var events: [(String, [String: JSONValue])] = []
            if let status = form.text("status") {
                let valid = ["Pending", "Active", "Suspended", "Terminated", "Cancelled", "Fraud", "Completed"]
                guard valid.contains(status) else { return Outcome(.error("Invalid Status")) }
                if let change = Self.setStatus(&state, service: id, to: status) { events.append(change) }
            }
            if let date = form.text("nextduedate") { state.services[id]?.nextduedate = date }
            if let amount = form.text("recurringamount").flatMap(WHMCSFormat.cents) { state.services[id]?.recurringCents = amount }
            if let domain = form["domain"] { state.services[id]?.domain = domain }
            return Outcome(.success(["serviceid": .string(String(id))]), events: events)
        }
    }

    /// Changes a service's status; the `ServiceStatusChange` hook when it really changed.
    static func setStatus(_ state: inout State, service id: Int, to status: String) -> (String, [String: JSONValue])? {
        guard let service = state.services[id], service.status != status else { return nil }
        state.services[id]?.status = status
        return (
            "ServiceStatusChange",
            [
                "serviceid": .int(Int64(id)), "userid": .int(Int64(service.userid)), "oldstatus": .string(service.status),
                "status": .string(status),
            ]
        )
    }
}
