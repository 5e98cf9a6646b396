import Foundation

/// Stripe request parameters, from a query string or an `application/x-www-form-urlencoded` body.
///
/// Stripe nests with brackets: `items[0][price]=…`, `metadata[key]=…`, `expand[]=…` (or `expand[0]=…`).
struct StripeForm: Sendable {
    let pairs: [(String, String)]

    init(pairs: [(String, String)]) { self.pairs = pairs }

    /// Parses `a=1&b%5B%5D=2`: keys and values percent-decoded, `+` read as a space.
    init(encoded: String) {
        var pairs: [(String, String)] = []
        for part in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((key, value))
        }
        self.pairs = pairs
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Query parameters and body fields together (Stripe reads both).
    func merged(with other: StripeForm) -> StripeForm { StripeForm(pairs: pairs + other.pairs) }

    subscript(_ key: String) -> String? { pairs.first { $0.0 == key }?.1 }

    /// Every value of an array parameter: `name[]=…` and `name[N]=…`, in order.
    func array(_ name: String) -> [String] {
        pairs.compactMap { key, value in
            guard key.hasPrefix(name + "["), key.hasSuffix("]") else { return nil }
            let inner = key.dropFirst(name.count + 1).dropLast()
            return inner.isEmpty || inner.allSatisfy(\.isNumber) ? value : nil
        }
    }

    /// A hash parameter: `metadata[k]=v` → `["k": "v"]`.
    func hash(_ name: String) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in pairs where key.hasPrefix(name + "[") && key.hasSuffix("]") {
            let inner = String(key.dropFirst(name.count + 1).dropLast())
            if !inner.contains("[") { result[inner] = value }
        }
        return result
    }

    /// An array of hashes: `items[0][price]=a&items[0][quantity]=2&items[1][price]=b` → `[[price: a, quantity: 2], [price: b]]`.
    func hashes(_ name: String) -> [[String: String]] {
        var byIndex: [Int: [String: String]] = [:]
        for (key, value) in pairs where key.hasPrefix(name + "[") {
            let rest = key.dropFirst(name.count + 1)
            guard let close = rest.firstIndex(of: "]"), let index = Int(rest[..<close]) else { continue }
            let field = rest[rest.index(after: close)...]
            guard field.hasPrefix("["), field.hasSuffix("]") else { continue }
            byIndex[index, default: [:]][String(field.dropFirst().dropLast())] = value
        }
        return byIndex.keys.sorted().compactMap { byIndex[$0] }
    }

    /// The `expand[]` paths.
    var expand: [String] { array("expand") }

    /// What Stripe compares to decide whether a reused idempotency key came with the same parameters.
    var fingerprint: String {
        pairs.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: "&")
    }
}

/// What a sandbox handler answers: a status and a body in Stripe's shapes, the events the change emits, and
/// whether an `Idempotency-Key` keeps the answer.
struct StripeReply: Sendable {
    var status: Int
    var body: JSONValue
    var events: [JSONValue] = []
    /// Stripe saves the result of a request that began executing (a decline included) but not of one its parameter
    /// validation refused (https://docs.stripe.com/api/idempotent_requests).
    var storable: Bool = true

    static func ok(_ body: JSONValue, events: [JSONValue] = []) -> StripeReply {
        StripeReply(status: 200, body: body, events: events)
    }

    /// An error in Stripe's shape: `{"error": {"type", "code", "doc_url", "message", "param", …}}`.
    static func error(
        _ status: Int, type: String = "invalid_request_error", code: String? = nil, message: String, param: String? = nil,
        extra: [String: JSONValue] = [:], storable: Bool = false
    ) -> StripeReply {
        var error: [String: JSONValue] = ["type": .string(type), "message": .string(message)]
        if let code {
            error["code"] = .string(code)
            error["doc_url"] = .string("https://stripe.com/docs/error-codes/" + code.replacingOccurrences(of: "_", with: "-"))
        }
        if let param { error["param"] = .string(param) }
        error.merge(extra) { _, new in new }
        return StripeReply(status: status, body: ["error": .object(error)], storable: storable)
    }

    /// `resource_missing`: 404 for the object a path names, 400 for one a parameter names (as Stripe does).
    static func missing(_ object: String, _ id: String, param: String, status: Int = 400) -> StripeReply {
        error(status, code: "resource_missing", message: "No such \(object): '\(id)'", param: param)
    }

    static func missingParameter(_ param: String) -> StripeReply {
        error(400, code: "parameter_missing", message: "Missing required param: \(param).", param: param)
    }

    static func invalid(_ param: String, _ message: String) -> StripeReply {
        error(400, code: "parameter_invalid", message: message, param: param)
    }

    var isSuccess: Bool { (200..<300).contains(status) }
}

enum StripeJSON {
    /// Compact JSON with sorted keys (stable bytes, so a signature can be checked against them) and unescaped slashes.
    static func encode(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data(#"{"error":{"type":"api_error","message":"encoding failed"}}"#.utf8)
    }

    /// A Stripe list object.
    static func list(_ data: [JSONValue], hasMore: Bool, url: String) -> JSONValue {
        ["object": "list", "data": .array(data), "has_more": .bool(hasMore), "url": .string(url)]
    }
}
