public import Domain
public import Foundation

/// An order change Salesforce announced (a Change Data Capture `OrderChangeEvent`), read from a webhook body.
///
/// The webhook carries the Streaming API's JSON message; its signature (`X-Salesforce-Signature`, hex
/// HMAC-SHA256 of `"<X-Salesforce-Timestamp>.<body>"` under the webhook secret) is checked by the receiver
/// before this is read.
public struct SalesforceOrderChange: Sendable, Hashable {
    /// The Salesforce ids of the orders that changed.
    public let orderIDs: [String]
    /// `CREATE`, `UPDATE`, `DELETE`, `UNDELETE`.
    public let changeType: String
    /// The new status when the status changed (`nil` when another field changed).
    public let status: ExternalOrderStatus?
    /// Salesforce's own status label, when the status changed.
    public let upstreamStatus: String?
    public let committedAt: Date
    /// The event's position in the channel, for de-duplication and replay.
    public let replayID: Int64

    /// Reads a change event from a webhook body.
    ///
    /// - Throws: `.invalidPayload` naming the JSON path for a malformed body, an event about another object than
    ///   `Order`, or an unknown status label.
    public init(webhookBody data: Data) throws(ProviderError) {
        let event = try ProviderError.decode(SalesforceChangeEvent.self, from: data, provider: .salesforce)
        try self.init(salesforce: event)
    }

    init(salesforce event: SalesforceChangeEvent) throws(ProviderError) {
        let header = event.data.payload.header
        guard header.entityName == "Order" else {
            throw .invalidPayload(.salesforce, path: "$.data.payload.ChangeEventHeader.entityName", "not an Order change event")
        }
        var status: ExternalOrderStatus?
        if let label = event.data.payload.status {
            guard let known = SalesforceOrderStatus.status(label) else {
                throw .invalidPayload(.salesforce, path: "$.data.payload.Status", "unknown order status")
            }
            status = known
        }
        self.orderIDs = header.recordIDs
        self.changeType = header.changeType
        self.status = status
        self.upstreamStatus = event.data.payload.status
        self.committedAt = Date(timeIntervalSince1970: TimeInterval(header.commitTimestamp) / 1000)
        self.replayID = event.data.event.replayID
    }
}
