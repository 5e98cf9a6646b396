import Foundation

/// A SIM platform event: `{"eventId", "eventType", "occurredAt", "operation", "line"}` (see
/// `fixtures/upstream/sim/README.md` §6). Only the id, the type and the SIM account of the line (or of the
/// operation) are read.
struct SIMWebhookEvent: Decodable, Sendable {
    let eventID: String?
    let eventType: String?
    /// `line.account`, else `operation.account`: the platform's account the line belongs to.
    let accountID: String?

    enum CodingKeys: String, CodingKey {
        case eventID = "eventId"
        case eventType
        case line, operation
    }

    enum AccountKeys: String, CodingKey { case account }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        eventID = try? container.decodeIfPresent(String.self, forKey: .eventID)
        eventType = try? container.decodeIfPresent(String.self, forKey: .eventType)
        var account: String?
        for key in [CodingKeys.line, .operation] where account == nil {
            let nested = try? container.nestedContainer(keyedBy: AccountKeys.self, forKey: key)
            account = (try? nested?.decodeIfPresent(String.self, forKey: .account)) ?? nil
            if account?.isEmpty == true { account = nil }
        }
        accountID = account
    }

    static func parse(_ body: Data) throws(WebhookPayloadError) -> SIMWebhookEvent {
        try decodeWebhookBody(SIMWebhookEvent.self, from: body, upstream: "SIM platform")
    }

    var identity: WebhookEventIdentity {
        get throws(WebhookPayloadError) { try WebhookEventIdentity(eventID: eventID, eventType: eventType) }
    }
}
