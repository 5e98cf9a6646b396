import Foundation

/// Creating and updating records through the REST API, with the checks Salesforce makes: unknown and read-only
/// fields, required fields, restricted picklists, lookups, unique external ids, and the Order/OrderItem/Case rules.
extension SalesforceSandboxStore {
    /// Creates a record of `object` from a JSON body.
    ///
    /// - Returns: The new id.
    mutating func create(_ object: String, body: JSONValue, now: Date, userID: String) throws(SalesforceSandboxError) -> String {
        guard let schema = objects[object] else { throw .notFound }
        var fields = try normalized(body, schema, creating: true)
        for (field, value) in schema.defaults where fields[field] == nil { fields[field] = value }
        let missing = schema.required.filter { fields[$0] == nil || fields[$0] == .null }
        guard missing.isEmpty else {
            throw SalesforceSandboxError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [\(missing.joined(separator: ", "))]", fields: missing)
        }
        try check(fields, schema, excluding: nil)
        let stamp = JSONValue.string(SalesforceSandboxClock.format(now))
        fields["CreatedDate"] = stamp
        fields["LastModifiedDate"] = stamp
        fields["CreatedById"] = .string(userID)
        fields["IsDeleted"] = false
        switch object {
        case "Case":
            caseNumber += 1
            fields["CaseNumber"] = .string(Self.padded(caseNumber))
            Self.applyCaseStatus(&fields, now: now)
        case "Order":
            guard let status = fields["Status"]?.string, !SalesforceSandboxSchema.activatedOrderStatuses.contains(status) else {
                throw .integrity("a new order must start in the Draft category", field: "Status")
            }
            orderNumber += 1
            fields["OrderNumber"] = .string(Self.padded(orderNumber))
            fields["TotalAmount"] = Self.amount(0)
            fields["StatusCode"] = "Draft"
        case "OrderItem":
            try prepareLine(&fields)
        default:
            break
        }
        let id = insert(object, fields)
        if object == "OrderItem", let orderID = fields["OrderId"]?.string { recomputeTotal(orderID) }
        return id
    }

    /// Updates a record of `object` from a JSON body.
    ///
    /// - Returns: The order's new status when this changed an `Order`'s `Status`, for the change event.
    mutating func update(_ object: String, id: String, body: JSONValue, now: Date) throws(SalesforceSandboxError) -> String? {
        guard let schema = objects[object], var fields = records[id], objectOf[id] == object else { throw .notFound }
        let changes = try normalized(body, schema, creating: false)
        try check(changes, schema, excluding: id)
        let oldStatus = fields["Status"]?.string
        for (field, value) in changes { fields[field] = value }
        fields["LastModifiedDate"] = .string(SalesforceSandboxClock.format(now))
        var statusChange: String?
        if object == "Case", changes["Status"] != nil { Self.applyCaseStatus(&fields, now: now) }
        if object == "Order", let status = fields["Status"]?.string, status != oldStatus {
            let activated = SalesforceSandboxSchema.activatedOrderStatuses.contains(status)
            if activated, records(of: "OrderItem").allSatisfy({ $0["OrderId"]?.string != id }) {
                throw .integrity("an order without products cannot be activated", field: "Status")
            }
            fields["StatusCode"] = activated ? "Activated" : "Draft"
            statusChange = status
        }
        insert(object, fields)
        return statusChange
    }

    /// Sets the order total (and each line's total) from its lines, in cents.
    mutating func recomputeTotal(_ orderID: String) {
        var total: Int64 = 0
        for line in records(of: "OrderItem") where line["OrderId"]?.string == orderID {
            guard let id = line["Id"]?.string, let price = line["UnitPrice"].flatMap(Self.cents) else { continue }
            let quantity = Int64((line["Quantity"].flatMap(Self.cents) ?? 0) / 100)
            set(id, "TotalPrice", Self.amount(price * quantity))
            total += price * quantity
        }
        set(orderID, "TotalAmount", Self.amount(total))
    }

    // MARK: Checks

    private func normalized(
        _ body: JSONValue, _ schema: SalesforceSandboxObject, creating: Bool
    ) throws(SalesforceSandboxError) -> [String: JSONValue] {
        guard let members = body.object else {
            throw SalesforceSandboxError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
        }
        var fields: [String: JSONValue] = [:]
        for (key, value) in members where key != "attributes" {
            guard let field = schema.field(key) else {
                throw SalesforceSandboxError(400, "INVALID_FIELD", "No such column '\(key)' on sobject of type \(schema.name)")
            }
            if schema.readOnly.contains(field) || (!creating && schema.createOnly.contains(field)) {
                throw SalesforceSandboxError(
                    400, "INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: \(field). Please check the security "
                        + "settings of this field and verify that it is read/write for your profile or permission set.", fields: [field]
                )
            }
            fields[field] = value
        }
        return fields
    }

    private func check(_ fields: [String: JSONValue], _ schema: SalesforceSandboxObject, excluding id: String?) throws(SalesforceSandboxError) {
        for (field, allowed) in schema.picklists {
            guard let value = fields[field], value != .null else { continue }
            guard let text = value.string, allowed.contains(text) else {
                throw SalesforceSandboxError(
                    400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "\(field): bad value for restricted picklist field: \(value.string ?? "?")",
                    fields: [field]
                )
            }
        }
        for relationship in schema.parents.values {
            guard let value = fields[relationship.field], value != .null else { continue }
            guard let target = value.string, Self.isID(target) else {
                throw SalesforceSandboxError(400, "MALFORMED_ID", "\(relationship.field): id value of incorrect type", fields: [relationship.field])
            }
            guard objectOf[target] == relationship.object else {
                throw SalesforceSandboxError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [relationship.field])
            }
        }
        for field in schema.externalIDs {
            guard let value = fields[field]?.string, let other = find(schema.name, field: field, value: value),
                other["Id"]?.string != id
            else { continue }
            throw SalesforceSandboxError(
                400, "DUPLICATE_VALUE", "duplicate value found: \(field) duplicates value on record with id: \(other["Id"]?.string ?? "")",
                fields: [field]
            )
        }
        if let date = fields["EffectiveDate"], date != .null {
            guard let text = date.string, text.utf8.count == 10, (try? Date.ISO8601FormatStyle().year().month().day().parse(text)) != nil else {
                throw SalesforceSandboxError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of date from VALUE_STRING", fields: ["EffectiveDate"])
            }
        }
        for field in ["Quantity", "UnitPrice"] {
            guard let value = fields[field] else { continue }
            guard let cents = Self.cents(value), field != "Quantity" || cents > 0 else {
                throw SalesforceSandboxError(400, "JSON_PARSER_ERROR", "\(field) must be a number", fields: [field])
            }
        }
    }

    /// An order line: the price book entry must be active, in the order's price book and currency, and the order
    /// still in the Draft category.
    private func prepareLine(_ fields: inout [String: JSONValue]) throws(SalesforceSandboxError) {
        guard let orderID = fields["OrderId"]?.string, let order = records[orderID],
            let entryID = fields["PricebookEntryId"]?.string, let entry = records[entryID]
        else { throw .integrity("order or price book entry missing", field: "PricebookEntryId") }
        if let status = order["Status"]?.string, SalesforceSandboxSchema.activatedOrderStatuses.contains(status) {
            throw .integrity("products cannot be added to an activated order", field: "OrderId")
        }
        guard entry["IsActive"]?.bool == true else { throw .integrity("pricebook entry is inactive", field: "PricebookEntryId") }
        guard order["Pricebook2Id"]?.string != nil, order["Pricebook2Id"] == entry["Pricebook2Id"] else {
            throw .integrity(
                "pricebook entry is in a different pricebook than the one assigned to the order, or Order has no pricebook assigned",
                field: "PricebookEntryId"
            )
        }
        guard order["CurrencyIsoCode"] == entry["CurrencyIsoCode"] else {
            throw .integrity("pricebook entry currency code does not match order currency code", field: "PricebookEntryId")
        }
        fields["Product2Id"] = entry["Product2Id"] ?? .null
    }

    private static func applyCaseStatus(_ fields: inout [String: JSONValue], now: Date) {
        let closed = fields["Status"]?.string == "Closed"
        if closed, fields["ClosedDate"]?.string == nil { fields["ClosedDate"] = .string(SalesforceSandboxClock.format(now)) }
        if !closed { fields["ClosedDate"] = .null }
        fields["IsClosed"] = .bool(closed)
    }

    static func isID(_ text: String) -> Bool {
        (15...19).contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// Salesforce's date-time format: `2024-07-02T01:02:03.000+0000`.
enum SalesforceSandboxClock {
    static func format(_ date: Date) -> String {
        let text = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        return text.hasSuffix("Z") ? String(text.dropLast()) + "+0000" : text
    }

    static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle().year().month().day())
    }
}
