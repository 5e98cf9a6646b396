import Foundation

/// The Stripe sandbox's data: every object by id (customers, products, prices, tax rates, payment methods,
/// subscriptions, invoices, invoice payments, refunds, balance transactions), the payments behind paid invoices,
/// and the answers kept for idempotency keys.
struct StripeSandboxState: Sendable {
    /// What an `Idempotency-Key` keeps: the parameters it came with and the answer to replay.
    struct StoredAnswer: Sendable {
        let fingerprint: String
        let status: Int
        let body: JSONValue
        let requestID: String
    }

    /// A payment intent that paid an invoice, and how much of it was refunded.
    struct Payment: Sendable {
        let id: String
        let invoiceID: String
        let customerID: String
        let amount: Int64
        let currency: String
        var refunded: Int64
    }

    private(set) var objects: [String: JSONValue] = [:]
    /// Insertion order, the tie-breaker of lists sorted by `created`.
    private(set) var sequence: [String: Int] = [:]
    var payments: [String: Payment] = [:]
    var answers: [String: StoredAnswer] = [:]
    /// The keys whose stored answer was replayed, in order.
    var replayedKeys: [String] = []
    var generator = SystemRandomNumberGenerator()

    subscript(_ id: String) -> JSONValue? { objects[id] }

    /// Adds or replaces an object (keyed by its `id`).
    mutating func put(_ object: JSONValue) {
        guard let id = object["id"].string else { return }
        if sequence[id] == nil { sequence[id] = sequence.count }
        objects[id] = object
    }

    /// Objects of one `object` type matching `filter`, newest first (Stripe's list order).
    func list(_ type: String, where filter: (JSONValue) -> Bool = { _ in true }) -> [JSONValue] {
        objects.values
            .filter { $0["object"].string == type && filter($0) }
            .sorted { lhs, rhs in
                let (left, right) = (lhs["created"].int ?? 0, rhs["created"].int ?? 0)
                if left != right { return left > right }
                return (sequence[lhs["id"].string ?? ""] ?? 0) > (sequence[rhs["id"].string ?? ""] ?? 0)
            }
    }

    /// A new id in Stripe's form: the prefix, `1`, and 23 letters and digits.
    mutating func newID(_ prefix: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        while true {
            let id = prefix + "_1" + String((0..<23).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
            if objects[id] == nil, payments[id] == nil { return id }
        }
    }

    /// One page of `items` (newest first) after `limit`, `starting_after` and `ending_before`.
    ///
    /// - Returns: the list object, or Stripe's error for an invalid limit or an unknown cursor.
    func page(_ items: [JSONValue], form: StripeForm, url: String, object: String) -> StripeReply {
        var limit = 10
        if let raw = form["limit"] {
            guard let value = Int(raw) else { return .invalid("limit", "Invalid integer: \(raw)") }
            guard (1...100).contains(value) else {
                return .invalid("limit", "This value must be greater than or equal to 1 and less than or equal to 100.")
            }
            limit = value
        }
        if let after = form["starting_after"] {
            guard let index = items.firstIndex(where: { $0["id"].string == after }) else {
                return .missing(object, after, param: "starting_after")
            }
            let rest = items[(index + 1)...]
            return .ok(StripeJSON.list(Array(rest.prefix(limit)), hasMore: rest.count > limit, url: url))
        }
        if let before = form["ending_before"] {
            guard let index = items.firstIndex(where: { $0["id"].string == before }) else {
                return .missing(object, before, param: "ending_before")
            }
            let head = items[..<index]
            return .ok(StripeJSON.list(Array(head.suffix(limit)), hasMore: head.count > limit, url: url))
        }
        return .ok(StripeJSON.list(Array(items.prefix(limit)), hasMore: items.count > limit, url: url))
    }

    /// Replaces the ids at each `expand[]` path with the objects they name (https://docs.stripe.com/api/expanding_objects).
    ///
    /// Arrays along a path apply the rest of the path to each element; a path through a field that holds no id is
    /// left as it is. More than four levels is refused, as Stripe does.
    func expand(_ reply: StripeReply, _ paths: [String]) -> StripeReply {
        guard reply.isSuccess, !paths.isEmpty else { return reply }
        var body = reply.body
        for path in paths {
            let components = path.split(separator: ".").map(String.init)
            guard components.count <= 4 else {
                return .invalid("expand", "You cannot expand more than 4 levels of a property. Property: \(path)")
            }
            body = expand(body, components[...])
        }
        var expanded = reply
        expanded.body = body
        return expanded
    }

    private func expand(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
        guard let head = path.first else {
            if let id = value.string, let object = objects[id] { return object }
            return value
        }
        switch value {
        case .array(let items):
            return .array(items.map { expand($0, path) })
        case .object(var members):
            if let child = members[head] { members[head] = expand(child, path.dropFirst()) }
            return .object(members)
        default:
            return value
        }
    }
}
