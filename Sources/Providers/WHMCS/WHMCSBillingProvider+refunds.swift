public import Domain

extension WHMCSBillingProvider {
    /// Refunds an invoice or credits the account, once per idempotency key.
    ///
    /// - With an invoice: `AddTransaction` with `amountout` against the invoice and its gateway, `transid`
    ///   `atrium-refund-<key>`. WHMCS records the refund in its ledger; its API has no action that makes the
    ///   gateway send money back, so that stays with the gateway (or WHMCS's admin refund). A replay finds
    ///   the transaction with `GetTransactions(transid)`; WHMCS itself refuses a second one with the same `transid`.
    /// - Without: `AddCredit` with the key in the description (`[atrium:<key>]`), looked up in `GetCredits`
    ///   before adding, and again before retrying an AddCredit that failed as unavailable or timed out.
    ///
    /// The id is `transaction:<id>` or `credit:<id>`.
    /// - Throws: `rejected` when the amount is not in the client's currency; `notFound` for an invoice of another client.
    public func refund(_ request: RefundRequest) async throws(ProviderError) -> Refund {
        let currency = try await clientCurrency(request.customerID)
        guard request.amount.currency == currency else {
            throw Self.rejected("refund in \(request.amount.currency) for a client billed in \(currency)")
        }
        if let invoiceID = request.invoiceID {
            return try await refundInvoice(invoiceID, request: request, currency: currency)
        }
        return try await addCredit(request, currency: currency)
    }

    // https://developers.whmcs.com/api-reference/addtransaction/
    func refundInvoice(_ invoiceID: String, request: RefundRequest, currency: Currency) async throws(ProviderError) -> Refund {
        let transid = "atrium-refund-" + request.idempotencyKey
        if let existing = try await transaction(transid, currency: currency) { return existing }
        let invoice = try await client.call("GetInvoice", [("invoiceid", invoiceID)], as: WHMCSInvoice.self, retryable: true)
        guard invoice.userid.value == request.customerID else {
            throw ProviderError(.notFound, provider: .whmcs, detail: "invoice of another client")
        }
        guard let gateway = WHMCSMapping.nonEmpty(invoice.paymentmethod) else { throw Self.rejected("invoice has no payment method") }
        var failure: ProviderError?
        do {
            _ = try await client.call(
                "AddTransaction",
                [
                    ("paymentmethod", gateway), ("userid", request.customerID), ("invoiceid", invoiceID), ("transid", transid),
                    ("amountout", request.amount.decimalString), ("description", request.reason ?? "Refund"),
                ],
                as: WHMCSResult.self,
                retryable: true
            )
        } catch {
            // "Transaction ID must be Unique": an earlier attempt went through.
            failure = error
        }
        if let recorded = try await transaction(transid, currency: currency) { return recorded }
        throw failure ?? .invalidPayload(.whmcs, path: "$.transactions", "the refund transaction is not listed after AddTransaction")
    }

    // https://developers.whmcs.com/api-reference/gettransactions/
    func transaction(_ transid: String, currency: Currency) async throws(ProviderError) -> Refund? {
        let response = try await client.call("GetTransactions", [("transid", transid)], as: WHMCSTransactionsResponse.self, retryable: true)
        guard let match = response.transactions.items.first(where: { $0.transid == transid }) else { return nil }
        guard let amountout = match.amountout else { throw .invalidPayload(.whmcs, path: "$.transactions.transaction[0].amountout", "missing") }
        return Refund(id: "transaction:\(match.id.value)", amount: try amountout.money(currency), status: .succeeded)
    }

    // https://developers.whmcs.com/api-reference/addcredit/
    func addCredit(_ request: RefundRequest, currency: Currency) async throws(ProviderError) -> Refund {
        let marker = "[atrium:\(request.idempotencyKey)]"
        if let existing = try await credit(marker, clientID: request.customerID, currency: currency) { return existing }
        let fields = [
            ("clientid", request.customerID), ("description", (request.reason ?? "Account credit") + " " + marker),
            ("amount", request.amount.decimalString),
        ]
        var attempt = 1
        while true {
            do {
                _ = try await client.call("AddCredit", fields, as: WHMCSResult.self, retryable: false)
                break
            } catch where (error.code == .unavailable || error.code == .timeout) && attempt < Self.createAttempts {
                if let existing = try await credit(marker, clientID: request.customerID, currency: currency) { return existing }
                attempt += 1
            }
        }
        guard let added = try await credit(marker, clientID: request.customerID, currency: currency) else {
            throw .invalidPayload(.whmcs, path: "$.credits", "the credit is not listed after AddCredit")
        }
        return added
    }

    // https://developers.whmcs.com/api-reference/getcredits/
    func credit(_ marker: String, clientID: String, currency: Currency) async throws(ProviderError) -> Refund? {
        let response = try await client.call("GetCredits", [("clientid", clientID)], as: WHMCSCreditsResponse.self, retryable: true)
        guard let match = response.credits.first(where: { $0.description.contains(marker) }) else { return nil }
        return Refund(id: "credit:\(match.id.value)", amount: try match.amount.money(currency), status: .succeeded)
    }
}
