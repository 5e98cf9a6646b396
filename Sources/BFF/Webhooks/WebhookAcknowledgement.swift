public import Hummingbird

/// The 200 answer of a receiver once the event is durably in the inbox: `{"received": true, "duplicate": …}`.
///
/// `duplicate` is true when the same (provider, event id) had been stored before: the event is not processed
/// again (its processing is only re-queued if it has not finished).
public struct WebhookAcknowledgement: ResponseEncodable, Sendable, Hashable {
    public let received: Bool
    public let duplicate: Bool

    public init(duplicate: Bool) {
        self.received = true
        self.duplicate = duplicate
    }
}
