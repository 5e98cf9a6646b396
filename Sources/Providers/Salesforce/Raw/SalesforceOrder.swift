import Foundation

/// An `Order` record (standard Order object plus Atrium's external id field `Atrium_Order_Id__c`).
struct SalesforceOrder: Decodable, Sendable {
    let id: String
    let orderNumber: String?
    let accountID: String
    let status: String
    /// `yyyy-MM-dd`.
    let effectiveDate: String?
    /// A JSON number, read as `Decimal` (exact digits, never a `Double`).
    let totalAmount: Decimal?
    /// Only in multi-currency orgs.
    let currencyISOCode: String?
    let atriumOrderID: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case orderNumber = "OrderNumber"
        case accountID = "AccountId"
        case status = "Status"
        case effectiveDate = "EffectiveDate"
        case totalAmount = "TotalAmount"
        case currencyISOCode = "CurrencyIsoCode"
        case atriumOrderID = "Atrium_Order_Id__c"
    }
}

/// An `OrderItem` as the create-order flow reads it back: which of Atrium's lines already exist.
struct SalesforceOrderItem: Decodable, Sendable {
    let id: String
    let atriumLineID: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case atriumLineID = "Atrium_Line_Id__c"
    }
}
