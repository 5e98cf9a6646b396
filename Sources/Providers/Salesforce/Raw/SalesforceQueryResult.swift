import Foundation

/// A SOQL query answer: `{"totalSize", "done", "nextRecordsUrl"?, "records": [...]}`.
///
/// The same shape is nested for a child sub-query (`OrderItems`, `PricebookEntries`); Salesforce sends `null`
/// instead of an empty nested result, so parents hold it as an optional.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
struct SalesforceQueryResult<Record: Decodable & Sendable>: Decodable, Sendable {
    let totalSize: Int
    let done: Bool
    /// The next batch's locator (`/services/data/v60.0/query/01gD0000002HU6KIAW-2000`) while `done` is false.
    let nextRecordsURL: String?
    let records: [Record]

    enum CodingKeys: String, CodingKey {
        case totalSize, done, records
        case nextRecordsURL = "nextRecordsUrl"
    }
}

/// The `attributes` object on every record: its sObject type and REST URL (no URL on aggregate rows).
struct SalesforceAttributes: Decodable, Sendable, Hashable {
    let type: String
    let url: String?

    /// The record id at the end of `url` (`/services/data/v20.0/sobjects/Account/001D000000IRFmaIAH`).
    var recordID: String? {
        guard let url, let last = url.split(separator: "/").last, !last.isEmpty else { return nil }
        return String(last)
    }
}

/// A parent relationship reduced to its `Name` (`CreatedBy.Name`, `Account.Name`).
struct SalesforceNamedReference: Decodable, Sendable, Hashable {
    let name: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name"
    }
}
