import Foundation

/// A Change Data Capture message as the Streaming API delivers it (`/data/OrderChangeEvent`):
/// `{"data": {"schema", "payload": {"ChangeEventHeader": {…}, <changed fields>}, "event": {"replayId"}}, "channel"}`.
// https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_message_structure.htm
struct SalesforceChangeEvent: Decodable, Sendable {
    let data: Envelope
    let channel: String

    struct Envelope: Decodable, Sendable {
        let schema: String?
        let payload: Payload
        let event: Event
    }

    struct Event: Decodable, Sendable {
        let replayID: Int64

        enum CodingKeys: String, CodingKey {
            case replayID = "replayId"
        }
    }

    struct Payload: Decodable, Sendable {
        let header: Header
        /// Present when the status changed (or on create).
        let status: String?
        let lastModifiedDate: String?

        enum CodingKeys: String, CodingKey {
            case header = "ChangeEventHeader"
            case status = "Status"
            case lastModifiedDate = "LastModifiedDate"
        }
    }

    struct Header: Decodable, Sendable {
        let entityName: String
        let recordIDs: [String]
        /// `CREATE`, `UPDATE`, `DELETE`, `UNDELETE` (and `GAP_…`/`OVERFLOW` variants).
        let changeType: String
        let changedFields: [String]?
        /// Milliseconds since the epoch.
        let commitTimestamp: Int64

        enum CodingKeys: String, CodingKey {
            case entityName
            case recordIDs = "recordIds"
            case changeType, changedFields, commitTimestamp
        }
    }
}
