public import Domain

extension SalesforceCRMProvider {
    var orderFields: [String] {
        ["Id", "OrderNumber", "AccountId", "Status", "EffectiveDate", "TotalAmount"] + currencyField + ["Atrium_Order_Id__c"]
    }

    public func order(id: String) async throws(ProviderError) -> ExternalOrder {
        let id = try SalesforceSOQL.recordID(id, field: "order id")
        let raw = try await client.record(SalesforceOrder.self, object: "Order", id: id, fields: orderFields)
        return try ExternalOrder(salesforce: raw, orgCurrency: org.currency)
    }

    /// Sets `Status` to the label of `status` (see ``SalesforceOrderStatus``) and reads the order back.
    public func updateOrderStatus(id: String, to status: ExternalOrderStatus) async throws(ProviderError) -> ExternalOrder {
        let id = try SalesforceSOQL.recordID(id, field: "order id")
        try await client.update(object: "Order", id: id, body: SalesforceWrites.OrderStatusUpdate(status: SalesforceOrderStatus.label(status)))
        return try await order(id: id)
    }

    /// Creates a `Draft` order with its lines, idempotent by `draft.atriumOrderID`.
    ///
    /// 1. `GET` the order by its external id `Atrium_Order_Id__c`: a replay finds it (it must belong to the same
    ///    account, else `.conflict`).
    /// 2. Otherwise the SKUs' standard price book entries are looked up and the header is upserted by
    ///    `Atrium_Order_Id__c` (a retried or concurrent upsert updates the same record instead of adding one).
    /// 3. Each line is an `OrderItem` with the unique external id `Atrium_Line_Id__c` = `<atriumOrderID>-<n>`;
    ///    lines missing after an interrupted first attempt are added by the replay, and a repeated line create is
    ///    refused by Salesforce as `DUPLICATE_VALUE`, which counts as done.
    ///
    /// - Throws: `.rejected` for items in several currencies or a SKU without an active standard price book entry.
    public func createOrder(_ draft: ExternalOrderDraft) async throws(ProviderError) -> ExternalOrder {
        let accountID = try SalesforceSOQL.recordID(draft.accountID, field: "account id")
        let key = try SalesforceSOQL.externalID(draft.atriumOrderID, field: "atrium order id")
        let existing = try await client.record(
            SalesforceOrder.self, object: "Order", externalIDField: "Atrium_Order_Id__c", value: key, fields: orderFields
        )
        var entries: [String: SalesforcePricebookEntry]?
        let orderID: String
        var present: Set<String> = []
        if let existing {
            guard existing.accountID.prefix(15) == accountID.prefix(15) else {
                throw ProviderError(.conflict, provider: .salesforce, detail: "atrium order id already used for another account")
            }
            orderID = try SalesforceSOQL.recordID(existing.id, field: "order id")
            present = try await lineKeys(orderID: orderID)
        } else {
            let found = try await pricebookEntries(for: draft)
            entries = found
            guard let pricebookID = found.values.first?.pricebook2ID else {
                throw .invalidPayload(.salesforce, path: "$.records[0].Pricebook2Id", "price book entry without Pricebook2Id")
            }
            let header = SalesforceWrites.OrderUpsert(
                accountID: accountID,
                effectiveDate: SalesforceFormats.dateString(draft.effectiveDate),
                status: SalesforceOrderStatus.label(.draft),
                pricebook2ID: pricebookID,
                currencyISOCode: org.currency == nil ? draft.items.first?.unitPrice.currency.code : nil
            )
            let saved = try await client.upsert(object: "Order", externalIDField: "Atrium_Order_Id__c", value: key, body: header)
            orderID = try SalesforceSOQL.recordID(saved.id, field: "order id")
            if saved.created == false { present = try await lineKeys(orderID: orderID) }
        }
        let missing = draft.items.enumerated().filter { !present.contains(Self.lineKey(key, $0.offset)) }
        if let existing, missing.isEmpty { return try ExternalOrder(salesforce: existing, orgCurrency: org.currency) }
        if !missing.isEmpty {
            let found: [String: SalesforcePricebookEntry]
            if let entries { found = entries } else { found = try await pricebookEntries(for: draft) }
            for (index, item) in missing {
                guard let entry = found[item.sku.value] else { throw Self.unpriced(item.sku) }
                let line = SalesforceWrites.OrderItemCreate(
                    orderID: orderID,
                    pricebookEntryID: entry.id,
                    quantity: item.quantity.value,
                    unitPrice: SalesforceFormats.decimal(item.unitPrice),
                    atriumLineID: Self.lineKey(key, index)
                )
                do {
                    _ = try await client.create(object: "OrderItem", body: line, retryable: true)
                } catch where error.upstreamCode == "DUPLICATE_VALUE" {
                    continue
                }
            }
        }
        return try await order(id: orderID)
    }

    static func lineKey(_ orderKey: String, _ index: Int) -> String { "\(orderKey)-\(index + 1)" }

    private static func unpriced(_ sku: SKU) -> ProviderError {
        ProviderError(.rejected, provider: .salesforce, detail: "SKU \(sku.value) has no active standard price book entry")
    }

    /// The `Atrium_Line_Id__c` values of the order's existing lines.
    private func lineKeys(orderID: String) async throws(ProviderError) -> Set<String> {
        let soql = "SELECT Id, Atrium_Line_Id__c FROM OrderItem WHERE OrderId = \(SalesforceSOQL.literal(orderID))"
        let result = try await client.query(SalesforceOrderItem.self, soql, object: "OrderItem")
        return Set(result.records.compactMap(\.atriumLineID))
    }

    /// The active standard price book entries of the draft's SKUs in the draft's currency, by SKU.
    private func pricebookEntries(for draft: ExternalOrderDraft) async throws(ProviderError) -> [String: SalesforcePricebookEntry] {
        let currencies = Set(draft.items.map(\.unitPrice.currency))
        guard currencies.count == 1, let currency = currencies.first else {
            throw ProviderError(.rejected, provider: .salesforce, detail: "order items in several currencies")
        }
        if let orgCurrency = org.currency, orgCurrency != currency {
            throw ProviderError(.rejected, provider: .salesforce, detail: "order currency \(currency) is not the org currency")
        }
        let skus = Array(Set(draft.items.map(\.sku.value))).sorted()
        var soql = "SELECT Id, Pricebook2Id, Product2.ProductCode, UnitPrice\(org.currency == nil ? ", CurrencyIsoCode" : "") "
            + "FROM PricebookEntry WHERE IsActive = true AND Pricebook2.IsStandard = true "
            + "AND Product2.ProductCode IN \(SalesforceSOQL.inList(skus))"
        if org.currency == nil { soql += " AND CurrencyIsoCode = \(SalesforceSOQL.literal(currency.code))" }
        let result = try await client.query(SalesforcePricebookEntry.self, soql, object: "PricebookEntry")
        var entries: [String: SalesforcePricebookEntry] = [:]
        for entry in result.records {
            if let code = entry.product2?.productCode, entries[code] == nil { entries[code] = entry }
        }
        for item in draft.items where entries[item.sku.value] == nil { throw Self.unpriced(item.sku) }
        return entries
    }
}
