import Foundation

/// A `Case` record (standard fields plus the optional custom `SLA_Due__c` date-time).
struct SalesforceCase: Decodable, Sendable {
    let id: String
    let caseNumber: String?
    let accountID: String?
    /// Optional in Salesforce (an e-mail-to-case record may have none).
    let subject: String?
    let description: String?
    let status: String
    /// Optional in Salesforce; a case without one is treated as `Medium`.
    let priority: String?
    let createdDate: String
    let closedDate: String?
    let isClosed: Bool?
    let slaDue: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case caseNumber = "CaseNumber"
        case accountID = "AccountId"
        case subject = "Subject"
        case description = "Description"
        case status = "Status"
        case priority = "Priority"
        case createdDate = "CreatedDate"
        case closedDate = "ClosedDate"
        case isClosed = "IsClosed"
        case slaDue = "SLA_Due__c"
    }
}

/// A `CaseComment` record with its author's name (`CreatedBy.Name`).
struct SalesforceCaseComment: Decodable, Sendable {
    let id: String
    let parentID: String?
    let commentBody: String
    let isPublished: Bool
    let createdDate: String?
    let createdBy: SalesforceNamedReference?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case parentID = "ParentId"
        case commentBody = "CommentBody"
        case isPublished = "IsPublished"
        case createdDate = "CreatedDate"
        case createdBy = "CreatedBy"
    }
}
