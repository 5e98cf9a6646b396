import Foundation
import NIOConcurrencyHelpers

/// Payments, refunds and credit: AddInvoicePayment, AddTransaction and AddCredit.
extension WHMCSSandbox {
    // https://developers.whmcs.com/api-reference/addinvoicepayment/
    /// Records a payment (`amount` defaults to the balance); the invoice is Paid once its balance is zero.
    func addInvoicePayment(_ form: WHMCSForm) -> Outcome {
        let now = clock()
        return state.withLockedValue { state in
            guard let id = form.int("invoiceid"), let invoice = state.invoices[id] else { return Outcome(.error("Invoice ID Not Found")) }
            let transid = form["transid"] ?? ""
            guard transid.isEmpty || !state.transactions.contains(where: { $0.transid == transid }) else {
                return Outcome(.error("Transaction ID must be Unique"))
            }
            let amount = form.text("amount").flatMap(WHMCSFormat.cents) ?? state.balanceCents(invoice)
            let gateway = form.text("gateway") ?? invoice.paymentmethod
            Self.record(&state, userid: invoice.userid, invoice: id, gateway: gateway, in: amount, out: 0, transid: transid, at: now)
            return Outcome(.success([:]), events: Self.settle(&state, invoice: id, at: now))
        }
    }

    // https://developers.whmcs.com/api-reference/addtransaction/
    /// A payment (`amountin`) or refund (`amountout`), against an invoice, or into credit with `credit=1`.
    /// A refund that takes a Paid invoice's payments back to zero marks it Refunded.
    func addTransaction(_ form: WHMCSForm) -> Outcome {
        let now = clock()
        return state.withLockedValue { state in
            guard let gateway = form.text("paymentmethod") else { return Outcome(.error("Payment Method is required")) }
            let invoiceID = form.int("invoiceid") ?? 0
            if invoiceID != 0, state.invoices[invoiceID] == nil { return Outcome(.error("Invoice ID Not Found")) }
            let userid = form.int("userid") ?? state.invoices[invoiceID]?.userid ?? 0
            if form.text("userid") != nil, state.clients[userid] == nil { return Outcome(.error("Client ID Not Found")) }
            let transid = form["transid"] ?? ""
            guard transid.isEmpty || !state.transactions.contains(where: { $0.transid == transid }) else {
                return Outcome(.error("Transaction ID must be Unique"))
            }
            let amountIn = form.text("amountin").flatMap(WHMCSFormat.cents) ?? 0
            let amountOut = form.text("amountout").flatMap(WHMCSFormat.cents) ?? 0
            guard amountIn >= 0, amountOut >= 0 else { return Outcome(.error("Amounts must be positive")) }
            if form.flag("credit") {
                guard invoiceID == 0 else { return Outcome(.error("Invoice ID must not be provided when crediting")) }
                guard state.clients[userid] != nil else { return Outcome(.error("Client ID Not Found")) }
                state.clients[userid]?.creditCents += amountIn
                state.credits.append(State.Credit(
                    id: state.nextCreditID, userid: userid, date: WHMCSFormat.day(now), description: form["description"] ?? "", cents: amountIn, relid: 0
                ))
                state.nextCreditID += 1
            }
            if invoiceID != 0, amountOut > state.paidCents(invoiceID) {
                return Outcome(.error("Refund amount exceeds the amount paid"))
            }
            Self.record(
                &state, userid: userid, invoice: invoiceID, gateway: gateway, in: amountIn, out: amountOut, transid: transid, at: now,
                description: form.text("description")
            )
            guard invoiceID != 0 else { return Outcome(.success([:])) }
            if amountOut > 0, state.invoices[invoiceID]?.status == "Paid", state.paidCents(invoiceID) <= 0 {
                state.invoices[invoiceID]?.status = "Refunded"
            }
            return Outcome(.success([:]), events: Self.settle(&state, invoice: invoiceID, at: now))
        }
    }

    // https://developers.whmcs.com/api-reference/addcredit/
    func addCredit(_ form: WHMCSForm) -> Outcome {
        let now = clock()
        return state.withLockedValue { state in
            guard let clientid = form.int("clientid"), state.clients[clientid] != nil else { return Outcome(.error("Client ID Not Found")) }
            guard let amount = form.text("amount").flatMap(WHMCSFormat.cents), amount > 0 else { return Outcome(.error("No Amount Provided")) }
            state.clients[clientid]?.creditCents += amount
            state.credits.append(State.Credit(
                id: state.nextCreditID, userid: clientid, date: WHMCSFormat.day(now), description: form["description"] ?? "", cents: amount, relid: 0
            ))
            state.nextCreditID += 1
            return Outcome(.success(["newbalance": .string(WHMCSFormat.decimal(state.clients[clientid]?.creditCents ?? 0))]))
        }
    }

    static func record(
        _ state: inout State, userid: Int, invoice: Int, gateway: String, in amountIn: Int64, out amountOut: Int64, transid: String, at now: Date,
        description: String? = nil
    ) {
        state.transactions.append(State.Transaction(
            id: state.nextTransactionID, userid: userid, gateway: gateway, date: WHMCSFormat.dateTime(now),
            description: description ?? (amountOut > 0 ? "Refund" : "Invoice Payment"), amountinCents: amountIn, feesCents: 0, amountoutCents: amountOut,
            transid: transid, invoiceid: invoice
        ))
        state.nextTransactionID += 1
    }

    /// Marks an open invoice Paid once nothing is owed; the `InvoicePaid` hook when it does.
    static func settle(_ state: inout State, invoice id: Int, at now: Date) -> [(String, [String: JSONValue])] {
        guard let invoice = state.invoices[id], ["Unpaid", "Payment Pending", "Collections"].contains(invoice.status),
              state.balanceCents(invoice) <= 0
        else { return [] }
        state.invoices[id]?.status = "Paid"
        state.invoices[id]?.datepaid = WHMCSFormat.dateTime(now)
        return [("InvoicePaid", ["invoiceid": .int(Int64(id)), "userid": .int(Int64(invoice.userid))])]
    }
}
