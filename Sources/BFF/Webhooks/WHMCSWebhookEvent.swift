import Foundation
import HTTPTypes

/// A WHMCS hook as the WHMCS-like upstream posts it: `{"event": "InvoicePaid", "id": "evt_000001", "created":
/// <unix seconds>, "vars": {"invoiceid", "orderid", "serviceid", "userid", "status", "oldstatus"}}`, with the hook
/// name also in `X-WHMCS-Event`. Only the id, the hook name and the client (`vars.userid`) are read.
struct WHMCSWebhookEvent: Decodable, Sendable {
    let id: String?
    let event: String?
    /// The WHMCS client id (`vars.userid`, or `vars.clientid` as some hooks name it).
    let clientID: String?

    enum CodingKeys: String, CodingKey { case id, event, vars }
    enum VarsKeys: String, CodingKey { case userid, clientid }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = (try? container.decodeIfPresent(WebhookFlexibleID.self, forKey: .id))?.value
        event = try? container.decodeIfPresent(String.self, forKey: .event)
        let vars = try? container.nestedContainer(keyedBy: VarsKeys.self, forKey: .vars)
        let user = (try? vars?.decodeIfPresent(WebhookFlexibleID.self, forKey: .userid)) ?? nil
        let client = (try? vars?.decodeIfPresent(WebhookFlexibleID.self, forKey: .clientid)) ?? nil
        clientID = (user ?? client)?.value
    }

    static let eventHeader = WebhookUpstream.field("X-WHMCS-Event")

    static func parse(_ body: Data) throws(WebhookPayloadError) -> WHMCSWebhookEvent {
        try decodeWebhookBody(WHMCSWebhookEvent.self, from: body, upstream: "WHMCS")
    }

    /// The id, and the hook name from the body (or, failing that, from `X-WHMCS-Event`).
    func identity(headers: HTTPFields) throws(WebhookPayloadError) -> WebhookEventIdentity {
        try WebhookEventIdentity(eventID: id, eventType: event ?? headers[Self.eventHeader])
    }
}
