import Domain

/// Salesforce `Order.Status` picklist labels and the ``ExternalOrderStatus`` each means.
///
/// Salesforce ships `Draft` and `Activated`; the others are the picklist values an org adds for an approval
/// and fulfilment process. Reading is case-insensitive; an unknown label is `.invalidPayload` (an org that adds
/// a status must add it here too, rather than have Atrium guess what it means).
enum SalesforceOrderStatus {
    static let labels: [(label: String, status: ExternalOrderStatus)] = [
        ("Draft", .draft),
        ("Pending Approval", .pendingApproval),
        ("Approved", .approved),
        ("Activated", .fulfilling),
        ("In Fulfillment", .fulfilling),
        ("Completed", .completed),
        ("Fulfilled", .completed),
        ("Failed", .failed),
        ("Cancelled", .cancelled),
        ("Canceled", .cancelled),
    ]

    static func status(_ label: String) -> ExternalOrderStatus? {
        let lowered = label.lowercased()
        return labels.first { $0.label.lowercased() == lowered }?.status
    }

    /// The label Atrium writes for `status` (the first label of the table that means it).
    static func label(_ status: ExternalOrderStatus) -> String {
        labels.first { $0.status == status }?.label ?? "Draft"
    }
}

extension ExternalOrder {
    /// Maps an `Order` record.
    ///
    /// - Parameters:
    ///   - raw: The record.
    ///   - orgCurrency: The currency of a single-currency org (whose records carry no `CurrencyIsoCode`).
    ///   - path: The record's JSON path, for errors.
    /// - Throws: `.invalidPayload` for an unknown status, an amount without a currency or with too many decimals,
    ///   or a malformed `EffectiveDate`.
    init(salesforce raw: SalesforceOrder, orgCurrency: Currency?, path: String = "$") throws(ProviderError) {
        guard let status = SalesforceOrderStatus.status(raw.status) else {
            throw .invalidPayload(.salesforce, path: path + ".Status", "unknown order status")
        }
        var total: Money?
        if let amount = raw.totalAmount {
            let currency = try SalesforceFormats.currency(raw.currencyISOCode, fallback: orgCurrency, path: path + ".CurrencyIsoCode")
            total = try SalesforceFormats.money(amount, currency: currency, path: path + ".TotalAmount")
        }
        let effectiveDate = try raw.effectiveDate.map { text throws(ProviderError) in
            try SalesforceFormats.date(text, path: path + ".EffectiveDate")
        }
        self.init(
            id: raw.id,
            number: raw.orderNumber,
            accountID: raw.accountID,
            status: status,
            upstreamStatus: raw.status,
            total: total,
            effectiveDate: effectiveDate,
            atriumOrderID: raw.atriumOrderID.nonBlank
        )
    }
}
