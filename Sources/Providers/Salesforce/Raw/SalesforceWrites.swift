import Foundation

/// The bodies Atrium writes, with Salesforce's field names.
enum SalesforceWrites {
    /// The header of a new draft order, upserted by `Atrium_Order_Id__c`.
    struct OrderUpsert: Encodable, Sendable {
        let accountID: String
        let effectiveDate: String
        let status: String
        let pricebook2ID: String
        let currencyISOCode: String?

        enum CodingKeys: String, CodingKey {
            case accountID = "AccountId"
            case effectiveDate = "EffectiveDate"
            case status = "Status"
            case pricebook2ID = "Pricebook2Id"
            case currencyISOCode = "CurrencyIsoCode"
        }
    }

    /// One order line, unique by `Atrium_Line_Id__c` (`<atrium order id>-<line number>`).
    struct OrderItemCreate: Encodable, Sendable {
        let orderID: String
        let pricebookEntryID: String
        let quantity: Int
        /// Exact decimal digits, never a `Double`.
        let unitPrice: Decimal
        let atriumLineID: String

        enum CodingKeys: String, CodingKey {
            case orderID = "OrderId"
            case pricebookEntryID = "PricebookEntryId"
            case quantity = "Quantity"
            case unitPrice = "UnitPrice"
            case atriumLineID = "Atrium_Line_Id__c"
        }
    }

    struct OrderStatusUpdate: Encodable, Sendable {
        let status: String

        enum CodingKeys: String, CodingKey {
            case status = "Status"
        }
    }

    struct CaseCreate: Encodable, Sendable {
        let accountID: String
        let subject: String
        let description: String
        let priority: String
        let status: String
        let origin: String

        enum CodingKeys: String, CodingKey {
            case accountID = "AccountId"
            case subject = "Subject"
            case description = "Description"
            case priority = "Priority"
            case status = "Status"
            case origin = "Origin"
        }
    }

    struct CaseCommentCreate: Encodable, Sendable {
        let parentID: String
        let commentBody: String
        let isPublished: Bool

        enum CodingKeys: String, CodingKey {
            case parentID = "ParentId"
            case commentBody = "CommentBody"
            case isPublished = "IsPublished"
        }
    }
}
