import Foundation
import NIOConcurrencyHelpers
import Hummingbird

extension SalesforceSandbox {
    func query(_ request: Request, version: String) throws(SalesforceSandboxError) -> Response {
        guard let text = request.uri.queryParameters["q"].map(String.init), !text.isEmpty else {
            throw .malformedQuery("A query string has to be specified")
        }
        let query: SalesforceSOQLQuery
        do { query = try SalesforceSOQLQuery.parse(text) } catch { throw .malformedQuery(error.message) }
        let batchSize = batchSize(request.headers.first { $0.name.canonicalName == "sforce-query-options" }?.value)
        let body = try locked { store throws(SalesforceSandboxError) in
            let rows = try store.run(query, version: version)
            let cursor = SalesforceSandboxStore.Cursor(object: query.object, rows: rows, batchSize: batchSize)
            return Self.batch(cursor, from: 0, locator: nil, store: &store, version: version)
        }
        return Self.response(200, body)
    }

    func queryMore(_ reference: String, version: String) throws(SalesforceSandboxError) -> Response {
        let invalid = SalesforceSandboxError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        guard let dash = reference.lastIndex(of: "-"), let offset = Int(reference[reference.index(after: dash)...]) else { throw invalid }
        let locator = String(reference[..<dash])
        let body = try locked { store throws(SalesforceSandboxError) in
            guard let cursor = store.cursors[locator], offset > 0, offset < cursor.rows.count else { throw invalid }
            return Self.batch(cursor, from: offset, locator: locator, store: &store, version: version)
        }
        return Self.response(200, body)
    }

    /// One batch of a query's rows, with `nextRecordsUrl` while rows remain.
    private static func batch(
        _ cursor: SalesforceSandboxStore.Cursor, from offset: Int, locator: String?, store: inout SalesforceSandboxStore, version: String
    ) -> JSONValue {
        let end = min(cursor.rows.count, offset + cursor.batchSize)
        var body: JSONValue = [
            "totalSize": .int(Int64(cursor.rows.count)), "done": .bool(end >= cursor.rows.count),
            "records": .array(Array(cursor.rows[offset..<end])),
        ]
        if end < cursor.rows.count {
            let locator = locator ?? store.addCursor(cursor)
            body["nextRecordsUrl"] = .string("/services/data/\(version)/query/\(locator)-\(end)")
        }
        return body
    }

    /// `Sforce-Query-Options: batchSize=N`, clamped to `minimumBatchSize...2000`; 2000 without the header.
    private func batchSize(_ header: String?) -> Int {
        let requested = header?.split(separator: ",").compactMap { option -> Int? in
            let parts = option.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 && parts[0].lowercased() == "batchsize" ? Int(parts[1]) : nil
        }.first
        return min(2000, max(minimumBatchSize, requested ?? 2000))
    }

    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
    func get(_ object: String, id: String, fields: String?, version: String) throws(SalesforceSandboxError) -> Response {
        let body = try locked { store throws(SalesforceSandboxError) in
            guard let schema = store.objects[object], store.object(of: id) == object, let record = store.record(id) else { throw .notFound }
            let names = fields.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? schema.fields
            return try store.project(record, object: schema, items: names.map { .field([$0]) }, version: version)
        }
        return Self.response(200, body)
    }

    /// The id of the record of `object` whose external id `field` is `value`; `nil` when none.
    func externalID(_ object: String, field: String, value: String) throws(SalesforceSandboxError) -> String? {
        try locked { store throws(SalesforceSandboxError) in
            guard let schema = store.objects[object], let canonical = schema.field(field), schema.externalIDs.contains(canonical) || canonical == "Id"
            else {
                throw SalesforceSandboxError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(field)")
            }
            return store.find(object, field: canonical, value: value)?["Id"]?.string
        }
    }

    func upsert(_ object: String, field: String, value: String, body: JSONValue) throws(SalesforceSandboxError) -> Response {
        let now = Date()
        let existing = try externalID(object, field: field, value: value)
        let outcome = try locked { store throws(SalesforceSandboxError) -> (id: String, created: Bool, change: String?) in
            if let existing {
                return (existing, false, try store.update(object, id: existing, body: body, now: now))
            }
            guard var fields = body.object, let canonical = store.objects[object]?.field(field) else {
                throw SalesforceSandboxError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
            }
            fields[canonical] = .string(value)
            return (try store.create(object, body: .object(fields), now: now, userID: Self.integrationUserID), true, nil)
        }
        if let change = outcome.change { emitOrderChange(orderID: outcome.id, status: change, at: now) }
        return Self.response(outcome.created ? 201 : 200, [
            "id": .string(outcome.id), "success": true, "errors": [], "created": .bool(outcome.created),
        ])
    }
}
