import Foundation

/// What the inbox de-duplicates and dispatches by: the upstream's event id and type.
public struct WebhookEventIdentity: Sendable, Hashable {
    /// Unique per (provider, event): a redelivery carries the same id.
    public let eventID: String
    public let eventType: String

    /// The longest event id or type kept (longer ones are refused as malformed, never cut: a cut id could
    /// make two events one).
    static let maxLength = 255

    /// - Throws: ``WebhookPayloadError`` when the id is empty or either is too long or not printable.
    init(eventID: String?, eventType: String?) throws(WebhookPayloadError) {
        guard let eventID, !eventID.isEmpty else { throw WebhookPayloadError("the event has no id") }
        guard Self.isPrintable(eventID) else { throw WebhookPayloadError("the event id is too long or not printable") }
        let type = eventType ?? ""
        guard type.isEmpty || Self.isPrintable(type) else { throw WebhookPayloadError("the event type is too long or not printable") }
        self.eventID = eventID
        self.eventType = type.isEmpty ? "unknown" : type
    }

    private static func isPrintable(_ text: String) -> Bool {
        text.utf8.count <= maxLength && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}

/// A verified body that is not the upstream's event shape; the message is safe to send back (it names a
/// field, never a value).
public struct WebhookPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "The webhook body is invalid: \(message)." }
}

/// An id upstreams send as a JSON string or a number (WHMCS ids are either, depending on the hook).
struct WebhookFlexibleID: Decodable, Sendable, Hashable {
    let value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int64.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "not a string or integer id"))
        }
    }
}

/// Decodes an upstream's event body with the standard decoder, turning any failure into a
/// ``WebhookPayloadError`` that says only that the body is not the expected JSON.
func decodeWebhookBody<Event: Decodable>(_ type: Event.Type, from body: Data, upstream: String) throws(WebhookPayloadError) -> Event {
    do {
        return try JSONDecoder().decode(Event.self, from: body)
    } catch {
        throw WebhookPayloadError("not a \(upstream) event (JSON of the documented shape)")
    }
}
