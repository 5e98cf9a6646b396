import Foundation

/// A Salesforce Streaming API message as the CRM posts it: a Change Data Capture event
/// (`{"data": {"schema", "payload": {"ChangeEventHeader": {…}, <fields>}, "event": {"replayId"}}, "channel":
/// "/data/OrderChangeEvent"}`) or a platform event (`payload.EventUuid`). Only what identifies the event and
/// what says which object changed is read here; ``SalesforceOrderChange`` (Providers) reads an order change.
// https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_message_structure.htm
struct SalesforceWebhookEvent: Decodable, Sendable {
    let channel: String?
    let entityName: String?
    let changeType: String?
    let transactionKey: String?
    let sequenceNumber: Int64?
    let eventUUID: String?
    let replayID: Int64?

    enum CodingKeys: String, CodingKey { case data, channel }
    enum DataKeys: String, CodingKey { case payload, event }
    enum PayloadKeys: String, CodingKey {
        case header = "ChangeEventHeader"
        case eventUUID = "EventUuid"
    }
    enum HeaderKeys: String, CodingKey { case entityName, changeType, transactionKey, sequenceNumber }
    enum EventKeys: String, CodingKey { case replayID = "replayId" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channel = try? container.decodeIfPresent(String.self, forKey: .channel)
        let data = try? container.nestedContainer(keyedBy: DataKeys.self, forKey: .data)
        let payload = try? data?.nestedContainer(keyedBy: PayloadKeys.self, forKey: .payload)
        let header = try? payload?.nestedContainer(keyedBy: HeaderKeys.self, forKey: .header)
        let event = try? data?.nestedContainer(keyedBy: EventKeys.self, forKey: .event)
        entityName = (try? header?.decodeIfPresent(String.self, forKey: .entityName)) ?? nil
        changeType = (try? header?.decodeIfPresent(String.self, forKey: .changeType)) ?? nil
        transactionKey = (try? header?.decodeIfPresent(String.self, forKey: .transactionKey)) ?? nil
        sequenceNumber = (try? header?.decodeIfPresent(Int64.self, forKey: .sequenceNumber)) ?? nil
        eventUUID = (try? payload?.decodeIfPresent(String.self, forKey: .eventUUID)) ?? nil
        replayID = (try? event?.decodeIfPresent(Int64.self, forKey: .replayID)) ?? nil
    }

    static func parse(_ body: Data) throws(WebhookPayloadError) -> SalesforceWebhookEvent {
        try decodeWebhookBody(SalesforceWebhookEvent.self, from: body, upstream: "Salesforce")
    }

    /// The event id: `<transactionKey>:<sequenceNumber>` of a change event, else a platform event's `EventUuid`.
    ///
    /// Not the replay id: it numbers events within one channel of one org and is not stable across org
    /// migrations (nor across restarts of the sandbox), so a new event could carry an old number and be
    /// dropped as a duplicate. A redelivered change keeps its transaction key and sequence number; one
    /// transaction changing several records numbers them apart.
    /// The type is the channel's last segment (`OrderChangeEvent`), else `<entity>ChangeEvent`.
    var identity: WebhookEventIdentity {
        get throws(WebhookPayloadError) {
            var id: String?
            if let transactionKey, !transactionKey.isEmpty {
                id = sequenceNumber.map { "\(transactionKey):\($0)" } ?? transactionKey
            } else if let eventUUID, !eventUUID.isEmpty {
                id = eventUUID
            }
            let channelName = channel?.split(separator: "/").last.map(String.init)
            return try WebhookEventIdentity(eventID: id, eventType: channelName ?? entityName.map { "\($0)ChangeEvent" })
        }
    }
}
