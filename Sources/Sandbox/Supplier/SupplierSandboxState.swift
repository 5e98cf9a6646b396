import Foundation
import Hummingbird
import NIOCore

/// One answer of the JSON API, plus the webhooks its state change owes.
struct SupplierReply: Sendable {
    var status: Int
    var body: JSONValue
    var headers: [(String, String)] = []
    /// Purchase orders whose status changed: (previous status or `nil` for a new order, the order now).
    var changes: [(previous: String?, order: JSONValue)] = []

    static func error(_ status: Int, _ code: String, _ message: String) -> SupplierReply {
        SupplierReply(status: status, body: ["error": ["code": .string(code), "message": .string(message)]])
    }

    func response() -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers {
            if let name = HTTPFields.Element.Name(name) { fields[name] = value }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"encoding failed"}}"#.utf8)
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON API's state: the catalog in id order, purchase orders, idempotency keys. A pure value; the sandbox
/// holds it under a lock.
struct SupplierSandboxState: Sendable {
    struct StoredKey: Sendable {
        let fingerprint: String
        let orderID: String
    }

    static let statuses: Set<String> = ["received", "confirmed", "shipped", "delivered", "cancelled", "rejected"]

    var items: [JSONValue] = []
    var itemIndex: [String: Int] = [:]
    var orders: [String: JSONValue] = [:]
    var keys: [String: StoredKey] = [:]
    var orderCounter = 0
    var malformedCounter = 0

    /// The fixture's items verbatim, then variations of them (new ids, names, prices, EANs) up to `count`.
    static func seeded(templates: [JSONValue], count: Int) -> SupplierSandboxState {
        var state = SupplierSandboxState()
        guard !templates.isEmpty else { return state }
        for number in 1...count {
            var item = templates[(number - 1) % templates.count]
            if number > templates.count {
                let id = "SUP-" + padded(number, 5)
                item["id"] = .string(id)
                item["name"] = .string((item["name"].string ?? "Item") + " (\(number))")
                let base = item["price"]["amount"].int ?? 10_000
                item["price"]["amount"] = .int(base + Int64((number * 137) % 5_000) * 100)
                if !item["ean"].isNull { item["ean"] = .string("85900" + padded(number, 8)) }
                if !item["url"].isNull { item["url"] = .string("https://supplier.example/items/\(id)") }
                if !item["image_url"].isNull { item["image_url"] = .string("https://supplier.example/img/\(id).jpg") }
            }
            state.append(item)
        }
        return state
    }

    static func padded(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    mutating func append(_ item: JSONValue) {
        itemIndex[item["id"].string ?? ""] = items.count
        items.append(item)
    }

    mutating func insertMalformedItem() -> String {
        malformedCounter += 1
        var item = items.first ?? ["name": "Broken item"]
        let id = "SUP-BROKEN-\(malformedCounter)"
        item["id"] = .string(id)
        item["price"] = ["amount": "20990.00", "currency": "CZK"]
        // In the middle of the catalog, so a stream must go on past it.
        items.insert(item, at: items.count / 2)
        itemIndex = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($0.element["id"].string ?? "#\($0.offset)", $0.offset) })
        return id
    }

    // MARK: Reads

    func page(size: Int, token: String?) -> SupplierReply {
        var offset = 0
        if let token {
            guard token.hasPrefix("pt_"), let value = Int(token.dropFirst(3)), (0...items.count).contains(value) else {
                return .error(400, "invalid_request", "page_token is not a token this API issued.")
            }
            offset = value
        }
        let end = min(items.count, offset + size)
        let next: JSONValue = end < items.count ? .string("pt_\(end)") : .null
        return SupplierReply(status: 200, body: ["items": .array(Array(items[offset..<end])), "next_page_token": next])
    }

    func item(_ id: String) -> SupplierReply {
        guard let index = itemIndex[id] else { return .error(404, "item_not_found", "No item with id \(id).") }
        return SupplierReply(status: 200, body: items[index])
    }

    func order(_ id: String) -> SupplierReply {
        guard let order = orders[id] else { return .error(404, "order_not_found", "No purchase order with id \(id).") }
        return SupplierReply(status: 200, body: order)
    }

    // MARK: Writes

    /// `POST /v1/purchase-orders` under `key`; `fingerprint` identifies the body for replays.
    mutating func createOrder(key: String, body: JSONValue, fingerprint: String, now: String) -> SupplierReply {
        if let stored = keys[key] {
            guard stored.fingerprint == fingerprint, let order = orders[stored.orderID] else {
                return .error(409, "idempotency_conflict", "Idempotency-Key reused with a different request body.")
            }
            return SupplierReply(status: 200, body: order, headers: [("Idempotent-Replayed", "true")])
        }
        guard let reference = body["reference"].string, !reference.isEmpty else {
            return .error(400, "invalid_request", "reference is required.")
        }
        guard let lines = body["lines"].array, !lines.isEmpty else { return .error(400, "invalid_request", "lines must not be empty.") }
        var orderLines: [JSONValue] = []
        var total: Int64 = 0
        var currency = "CZK"
        for (position, line) in lines.enumerated() {
            guard let itemID = line["item_id"].string, let quantity = line["quantity"].int else {
                return .error(400, "invalid_request", "Line \(position + 1): item_id and quantity are required.")
            }
            guard let index = itemIndex[itemID], let amount = items[index]["price"]["amount"].int else {
                return .error(422, "unknown_item", "Line \(position + 1): no item with id \(itemID).")
            }
            guard (1...10_000).contains(quantity) else {
                return .error(422, "invalid_quantity", "Line \(position + 1): quantity must be 1 to 10000.")
            }
            guard items[index]["stock"]["status"].string != "out_of_stock" else {
                return .error(422, "out_of_stock", "Line \(position + 1): item \(itemID) is out of stock.")
            }
            currency = items[index]["price"]["currency"].string ?? currency
            total += amount * quantity
            orderLines.append([
                "item_id": .string(itemID), "quantity": .int(quantity),
                "unit_price": ["amount": .int(amount), "currency": .string(currency)],
            ])
        }
        orderCounter += 1
        let id = "po_" + Self.padded(orderCounter, 6)
        let order: JSONValue = [
            "id": .string(id), "reference": .string(reference), "status": "received", "lines": .array(orderLines),
            "total": ["amount": .int(total), "currency": .string(currency)], "ship_to": body["ship_to"],
            "created_at": .string(now), "updated_at": .string(now),
        ]
        orders[id] = order
        keys[key] = StoredKey(fingerprint: fingerprint, orderID: id)
        return SupplierReply(status: 201, body: order, changes: [(nil, order)])
    }

    mutating func cancel(_ id: String, now: String) -> SupplierReply {
        guard var order = orders[id] else { return .error(404, "order_not_found", "No purchase order with id \(id).") }
        let status = order["status"].string ?? ""
        switch status {
        case "cancelled":
            return SupplierReply(status: 200, body: order)
        case "received", "confirmed":
            order["status"] = "cancelled"
            order["updated_at"] = .string(now)
            orders[id] = order
            return SupplierReply(status: 200, body: order, changes: [(status, order)])
        default:
            return .error(409, "order_not_cancellable", "Purchase order \(id) is \(status) and can no longer be cancelled.")
        }
    }

    mutating func setStatus(_ id: String, to status: String, now: String) -> SupplierReply? {
        guard Self.statuses.contains(status), var order = orders[id] else { return nil }
        let previous = order["status"].string
        guard previous != status else { return SupplierReply(status: 200, body: order) }
        order["status"] = .string(status)
        order["updated_at"] = .string(now)
        orders[id] = order
        return SupplierReply(status: 200, body: order, changes: [(previous, order)])
    }
}
