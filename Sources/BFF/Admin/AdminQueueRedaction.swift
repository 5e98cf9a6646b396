import Foundation

/// Hides secrets in a job payload before the admin API shows it: the value of every key that names a secret
/// (password, token, secret, authorization, card, api key, cvc, iban…), at any depth, becomes `"[redacted]"`.
///
/// Keys are compared lower-cased with `-`, `_` and spaces removed, and match when they contain one of
/// ``markers`` (`access_token`, `X-Api-Key`, `card_number` all match).
enum AdminQueueRedaction {
    static let placeholder = "[redacted]"
    static let markers = [
        "password", "passwd", "token", "secret", "authorization", "auth", "card", "apikey", "cvc", "cvv", "iban", "pin", "cookie",
        "credential", "privatekey", "signature",
    ]

    /// The payload as JSON with secrets redacted; nil when the bytes are not JSON.
    static func redactedPayload(_ bytes: [UInt8]) -> JSONNode? {
        guard !bytes.isEmpty, let node = try? JSONDecoder().decode(JSONNode.self, from: Data(bytes)) else { return nil }
        return redact(node)
    }

    static func redact(_ node: JSONNode) -> JSONNode {
        switch node {
        case .object(let members):
            var out: [String: JSONNode] = [:]
            for (key, value) in members { out[key] = isSecret(key) ? .string(placeholder) : redact(value) }
            return .object(out)
        case .array(let items):
            return .array(items.map(redact))
        default:
            return node
        }
    }

    static func isSecret(_ key: String) -> Bool {
        let normalized = key.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " }
        // `pin` alone would catch `shipping`: only a key that is `pin` or ends in it counts.
        if normalized == "pin" || normalized.hasSuffix("pin") && !normalized.hasSuffix("ping") { return true }
        return markers.contains { $0 != "pin" && normalized.contains($0) }
    }
}
