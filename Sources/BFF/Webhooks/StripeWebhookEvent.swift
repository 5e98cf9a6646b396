import Foundation

/// A Stripe event as its webhook delivers it, reduced to what Atrium reads: `id`, `type` and the customer of
/// `data.object`. Fields other than `id` and `type` are read leniently (an unexpected shape is absent, not an
/// error): Stripe adds fields and expands ids into objects.
// https://docs.stripe.com/api/events/object
struct StripeWebhookEvent: Decodable, Sendable {
    let id: String?
    let type: String?
    let object: EventObject?

    enum CodingKeys: String, CodingKey { case id, type, data }
    enum DataKeys: String, CodingKey { case object }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        type = try? container.decodeIfPresent(String.self, forKey: .type)
        let data = try? container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
        object = (try? data?.decodeIfPresent(EventObject.self, forKey: .object)) ?? nil
    }

    /// `data.object`: the object the event is about (an invoice, a subscription, a customer, …).
    struct EventObject: Decodable, Sendable {
        let id: String?
        /// `invoice`, `subscription`, `customer`, …
        let object: String?
        /// The customer id, whether Stripe sent the id or an expanded customer.
        let customer: String?

        enum CodingKeys: String, CodingKey { case id, object, customer }
        enum ExpandedKeys: String, CodingKey { case id }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try? container.decodeIfPresent(String.self, forKey: .id)
            object = try? container.decodeIfPresent(String.self, forKey: .object)
            if let text = try? container.decodeIfPresent(String.self, forKey: .customer) {
                customer = text
            } else {
                let expanded = try? container.nestedContainer(keyedBy: ExpandedKeys.self, forKey: .customer)
                customer = (try? expanded?.decodeIfPresent(String.self, forKey: .id)) ?? nil
            }
        }
    }

    /// Reads the event from the raw body.
    static func parse(_ body: Data) throws(WebhookPayloadError) -> StripeWebhookEvent {
        try decodeWebhookBody(StripeWebhookEvent.self, from: body, upstream: "Stripe")
    }

    var identity: WebhookEventIdentity {
        get throws(WebhookPayloadError) { try WebhookEventIdentity(eventID: id, eventType: type) }
    }

    /// The Stripe customer the event concerns: `data.object.customer`, or the object itself when it is a customer.
    var customerID: String? {
        guard let object else { return nil }
        if object.object == "customer" { return object.id }
        return object.customer
    }
}
